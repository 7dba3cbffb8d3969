import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How a person wants to hear of new inbox items by e-mail (docs/inbox.md, "E-mail"): one row per user or
 * portal member who chose; none means OFF. The address is the person's own, given for this only. Writes
 * are audited (a member's show in its family's access log). `inbox_digest` records the day each
 * recipient's daily digest was queued, so that replicas racing queue it once.
 */
export class NotificationChannels1766796000000 implements MigrationInterface {
  name = 'NotificationChannels1766796000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_channel (
        id uuid PRIMARY KEY,
        user_id uuid UNIQUE REFERENCES app_user(id),
        member_id uuid UNIQUE REFERENCES family_member(id),
        family_id uuid REFERENCES family(id),
        channel text NOT NULL CHECK (channel IN ('OFF', 'IMMEDIATE', 'DAILY_DIGEST')),
        email text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((user_id IS NULL) <> (member_id IS NULL)),
        CHECK ((member_id IS NULL) = (family_id IS NULL)),
        CHECK (channel = 'OFF' OR email IS NOT NULL)
      );
      CREATE INDEX notification_channel_digest_idx ON notification_channel (channel) WHERE channel = 'DAILY_DIGEST';
      CREATE TRIGGER notification_channel_audit AFTER INSERT OR UPDATE OR DELETE ON notification_channel
        FOR EACH ROW EXECUTE FUNCTION audit_write();
      CREATE TABLE inbox_digest (
        recipient_id uuid NOT NULL,
        day date NOT NULL,
        queued_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (recipient_id, day)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox_digest; DROP TABLE notification_channel`);
  }
}
