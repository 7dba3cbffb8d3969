import type { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = 'audit_read(jsonb, text, uuid, uuid, uuid[], text[], text, uuid[])';

/**
 * Reads are audited by the reading statement's own INSERT, one entry per family, members and basis
 * (ReadAuditGrouped); nothing calls the one-record-per-call function any more.
 */
export class DropAuditRead1765800000000 implements MigrationInterface {
  name = 'DropAuditRead1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${SIGNATURE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_read(actor jsonb, entity_type text, entity_id uuid, family_id uuid, member_ids uuid[],
                                 categories text[], legal_basis text, consent_ids uuid[]) RETURNS boolean
        LANGUAGE sql VOLATILE AS $$
        INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                                 entity_type, entity_id, family_id, member_ids, categories, legal_basis, consent_ids)
        VALUES (actor->>'requestId', actor->>'subject', (actor->>'userId')::uuid, (actor->>'memberId')::uuid,
                (actor->>'agencyId')::uuid, 'READ', entity_type, entity_id, family_id, member_ids, categories,
                legal_basis, consent_ids)
        RETURNING true
      $$`);
  }
}
