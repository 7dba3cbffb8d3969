import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Regional agencies (docs/regional-agencies-and-moves.md): an agency belongs to one network, and serves
 * further networks through service areas a coordinator of the served network admits and ends. At most one
 * service area in force per agency and network; an ended one stays as the record of who admitted and ended it.
 */
export class AgencyServiceAreas1766775000000 implements MigrationInterface {
  name = 'AgencyServiceAreas1766775000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agency_service_area (
        id uuid PRIMARY KEY,
        agency_id uuid NOT NULL REFERENCES agency(id),
        network_id uuid NOT NULL REFERENCES network(id),
        admitted_by_user_id uuid REFERENCES app_user(id),
        admitted_at timestamptz NOT NULL DEFAULT now(),
        ended_by_user_id uuid REFERENCES app_user(id),
        ended_at timestamptz
      );
      CREATE UNIQUE INDEX agency_service_area_in_force ON agency_service_area (agency_id, network_id) WHERE ended_at IS NULL;
      CREATE INDEX agency_service_area_network_idx ON agency_service_area (network_id) WHERE ended_at IS NULL;
      CREATE TRIGGER agency_service_area_audit AFTER INSERT OR UPDATE OR DELETE ON agency_service_area
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agency_service_area`);
  }
}
