import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';
import { MEMBER_MERGE_CHANGE } from './1766835000000-MemberPairs.js';

/**
 * What a merge of two members that are the same person leaves on the ended record (docs/family-merge.md): a
 * portal login ended because the surviving member has her own is recorded with that reason (`reason`
 * `MEMBER_MERGED`; every login ended before was ended by the member or her team, `UNLINKED`); her erasure
 * requests, events, name the surviving member (`member_merge_change` accepts them).
 */
export class MergedMemberRecords1766850000000 implements MigrationInterface {
  name = 'MergedMemberRecords1766850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE portal_login_ended ADD COLUMN reason text NOT NULL DEFAULT 'UNLINKED' CHECK (reason IN ('UNLINKED', 'MEMBER_MERGED'));
      ALTER TABLE portal_login_ended ALTER COLUMN reason DROP DEFAULT;
    `);
    await q.query(functionSql('member_merge_change'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(MEMBER_MERGE_CHANGE);
    await q.query(`ALTER TABLE portal_login_ended DROP COLUMN reason`);
  }
}
