import { Global, Module } from '@nestjs/common';
import { AuditChainer } from './audit-chainer.js';
import { AuditedTransactions } from './audited-transactions.js';
import { ReadAudit } from './read-audit.js';

@Global()
@Module({ providers: [AuditedTransactions, ReadAudit, AuditChainer], exports: [AuditedTransactions, ReadAudit, AuditChainer] })
export class AuditModule {}
