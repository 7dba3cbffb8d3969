import { Module } from '@nestjs/common';
import { CaseAssignmentWriter } from './case-assignment-writer.js';

/**
 * The writer of case assignments alone, without the assignments resolver and its dependencies: users,
 * families and referrals import it, and the assignments module imports users (no cycle).
 */
@Module({ providers: [CaseAssignmentWriter], exports: [CaseAssignmentWriter] })
export class CaseAssignmentWriterModule {}
