import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hourly inbox jobs (docs/inbox.md) look for what became due: consents ending within 14 days, open
 * actions due by tomorrow, referral stages past their deadline, portal invitations expired unredeemed. Each by a range of one column, so that a
 * run with nothing to tell reads an index range, not the table.
 */
export class InboxSignalIndexes1766790000000 implements MigrationInterface {
  name = 'InboxSignalIndexes1766790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX consent_valid_until_idx ON consent (valid_until) WHERE valid_until IS NOT NULL;
      CREATE INDEX action_open_due_idx ON action (due_date) WHERE status = 'OPEN' AND due_date IS NOT NULL;
      CREATE INDEX referral_due_idx ON referral (due_at) WHERE due_at IS NOT NULL;
      CREATE INDEX portal_invitation_unredeemed_expiry_idx ON portal_invitation (expires_at) WHERE redeemed_at IS NULL AND withdrawn_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX action_open_due_idx; DROP INDEX consent_valid_until_idx; DROP INDEX referral_due_idx; DROP INDEX portal_invitation_unredeemed_expiry_idx`);
  }
}
