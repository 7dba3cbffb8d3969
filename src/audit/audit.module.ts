import { Global, Module } from '@nestjs/common';
import { AuditedTransactions } from './audited-transactions.js';
import { ReadAudit } from './read-audit.js';

@Global()
@Module({ providers: [AuditedTransactions, ReadAudit], exports: [AuditedTransactions, ReadAudit] })
export class AuditModule {}
