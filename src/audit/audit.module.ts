import { Global, Module } from '@nestjs/common';
import { AuditChainer } from './audit-chainer.js';
import { AuditedTransactions } from './audited-transactions.js';
import { CompiledStatements } from './compiled-statements.js';
import { PersonalReader } from './personal-reader.js';

@Global()
@Module({ providers: [AuditedTransactions, PersonalReader, CompiledStatements, AuditChainer], exports: [AuditedTransactions, PersonalReader, CompiledStatements, AuditChainer] })
export class AuditModule {}
