import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integration partners: a receiving agency's own case system, acting for that agency with scopes.
 * Only a hash of the client secret is kept; the secret is shown once, when the client is registered.
 */
export class IntegrationClients1764500000000 implements MigrationInterface {
  name = 'IntegrationClients1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integration_client (
        id uuid PRIMARY KEY,
        agency_id uuid NOT NULL REFERENCES agency(id),
        name text NOT NULL,
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['referrals:read','referrals:write','referrals:personal']),
        webhook_url text,
        secret_hash text NOT NULL,
        created_by_user_id uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE INDEX integration_client_agency_idx ON integration_client (agency_id, id);
      CREATE TRIGGER integration_client_audit AFTER INSERT OR UPDATE OR DELETE ON integration_client
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE integration_client`);
  }
}
