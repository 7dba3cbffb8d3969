import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox of referral status changes, and the webhook deliveries made from it.
 * An event is written in the transaction of its transition and announced with NOTIFY on commit (for
 * GraphQL subscriptions on every replica); each webhook delivery is a job of the pg-boss queue,
 * inserted in the same transaction. Events and attempts hold no personal data: ids, statuses, times.
 * Clients keep their secret sealed (AES-GCM, key outside the database) besides its hash, because a
 * webhook is signed with the secret itself (docs/referrals-and-webhooks.md).
 */
export class ReferralEvents1764600000000 implements MigrationInterface {
  name = 'ReferralEvents1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE integration_client ADD COLUMN secret_sealed text;

      CREATE TABLE outbox_event (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        referral_id uuid NOT NULL REFERENCES referral(id),
        version integer NOT NULL,
        occurred_at timestamptz NOT NULL,
        -- The exact JSON body of the webhook: signatures cover these bytes, on every retry.
        body text NOT NULL,
        UNIQUE (referral_id, version)
      );
      CREATE TRIGGER outbox_event_append_only BEFORE UPDATE OR DELETE ON outbox_event
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();

      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        event_id uuid NOT NULL REFERENCES outbox_event(id),
        client_id uuid NOT NULL REFERENCES integration_client(id),
        url text NOT NULL,
        state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED')),
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (event_id, client_id)
      );
      CREATE INDEX webhook_delivery_client_idx ON webhook_delivery (client_id, id);

      CREATE TABLE webhook_attempt (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_delivery(id),
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        http_status integer,
        error text,
        UNIQUE (delivery_id, attempt)
      );
      CREATE TRIGGER webhook_attempt_append_only BEFORE UPDATE OR DELETE ON webhook_attempt
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE webhook_attempt;
      DROP TABLE webhook_delivery;
      DROP TABLE outbox_event;
      ALTER TABLE integration_client DROP COLUMN secret_sealed;
    `);
  }
}
