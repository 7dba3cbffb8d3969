import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox (docs/inbox.md): one row per event and recipient, written by the event's own transaction, so
 * an event that rolls back leaves none and a repeat of the same event none more (the unique key). A
 * recipient is a user acting for one agency, or a family member in the portal. What the text says is
 * kept as its kind and parameters (ids and statuses, no personal data), rendered when it is read.
 */
export class Inbox1766750000000 implements MigrationInterface {
  name = 'Inbox1766750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbox_item (
        id uuid PRIMARY KEY,
        event_id uuid NOT NULL,
        kind text NOT NULL,
        recipient_user_id uuid REFERENCES app_user(id),
        recipient_agency_id uuid REFERENCES agency(id),
        recipient_member_id uuid REFERENCES family_member(id),
        family_id uuid NOT NULL REFERENCES family(id),
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        read_at timestamptz,
        CHECK ((recipient_user_id IS NOT NULL AND recipient_agency_id IS NOT NULL AND recipient_member_id IS NULL)
            OR (recipient_user_id IS NULL AND recipient_agency_id IS NULL AND recipient_member_id IS NOT NULL))
      );
      CREATE UNIQUE INDEX inbox_item_once ON inbox_item (event_id, COALESCE(recipient_user_id, recipient_member_id));
      CREATE INDEX inbox_item_user_idx ON inbox_item (recipient_user_id, recipient_agency_id, id) WHERE recipient_user_id IS NOT NULL;
      CREATE INDEX inbox_item_member_idx ON inbox_item (recipient_member_id, id) WHERE recipient_member_id IS NOT NULL;
      -- Whether a record's event was told already (the overdue job).
      CREATE INDEX inbox_item_subject_idx ON inbox_item (subject_id, kind);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox_item`);
  }
}
