import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';
import { eraseFunction } from './1766200000000-GoalMembers.js';

/** Erasing a family member's personal data also forgets its address for notification e-mails (docs/retention.md). */
export class EraseNotificationAddress1766797000000 implements MigrationInterface {
  name = 'EraseNotificationAddress1766797000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(functionSql('erase_personal_data'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(eraseFunction(true));
  }
}
