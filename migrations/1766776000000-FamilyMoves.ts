import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A family that moves to another network keeps its plan (docs/regional-agencies-and-moves.md): the supporter
 * proposes the move with a supporter in the new network, the family confirms it as a support handover, and
 * then the family (and so its plan) belongs to the new network. One move waits at a time per plan; the
 * rows stay as the record of where the family came from.
 */
export class FamilyMoves1766776000000 implements MigrationInterface {
  name = 'FamilyMoves1766776000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE family_move (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        plan_id uuid NOT NULL REFERENCES plan(id),
        from_network_id uuid NOT NULL REFERENCES network(id),
        to_network_id uuid NOT NULL REFERENCES network(id),
        to_agency_id uuid NOT NULL REFERENCES agency(id),
        to_user_id uuid NOT NULL REFERENCES app_user(id),
        status text NOT NULL CHECK (status IN ('PROPOSED', 'CONFIRMED')),
        proposed_by_user_id uuid NOT NULL REFERENCES app_user(id),
        proposed_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        CHECK (from_network_id <> to_network_id)
      );
      -- Per plan: a move proposed on a plan closed meanwhile neither blocks nor moves the family's next plan.
      CREATE UNIQUE INDEX family_move_one_proposed ON family_move (plan_id) WHERE status = 'PROPOSED';
      CREATE INDEX family_move_family_idx ON family_move (family_id);
      CREATE TRIGGER family_move_audit AFTER INSERT OR UPDATE OR DELETE ON family_move
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE family_move`);
  }
}
