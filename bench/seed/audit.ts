/** Audit entries of the seeded writes and reads, through the audit queue (chained at the end of the run). */
import { familyRowId, ms, rnd, type Statement, within } from './sql.js';

/**
 * A few audit entries per family: its registration and the plan's opening (writes), and a read of the
 * plan and of a parent by the supporter, with the consents it read under (or as their author).
 */
export function stageAudit(): Statement[] {
  return [
    {
      sql: `CREATE TEMP TABLE s_read ON COMMIT DROP AS
        SELECT rd.f, rd.family_id, rd.plan_id, rd.at, rd.reader, rd.reader_agency, rd.member_id,
               coalesce(array_agg(DISTINCT c.id) FILTER (WHERE 'PLAN' = ANY (c.categories)), '{}') AS plan_consents,
               coalesce(array_agg(DISTINCT c.id) FILTER (WHERE 'IDENTITY' = ANY (c.categories) AND rd.member_id = ANY (c.subjects)), '{}') AS member_consents
          FROM (SELECT fam.f, fam.id AS family_id, fam.plan_id, pl.registrar AS reader, pl.registrar_agency AS reader_agency, m0.id AS member_id,
                       ${ms(within(`fam.plan_created_at + interval '3 hours'`, 'fam.end_at', `0.3 + 0.7 * ${rnd('read-at', 'fam.f')}`))} AS at
                  FROM s_family fam JOIN s_plan pl USING (f) JOIN s_member m0 ON m0.f = fam.f AND m0.m = 0) rd
          LEFT JOIN s_consent c ON c.f = rd.f AND c.agency_id = rd.reader_agency AND c.valid_from <= rd.at
               AND (c.valid_until IS NULL OR c.valid_until > rd.at) AND (c.revoked_at IS NULL OR c.revoked_at > rd.at)
         GROUP BY rd.f, rd.family_id, rd.plan_id, rd.at, rd.reader, rd.reader_agency, rd.member_id`,
    },
    {
      sql: `CREATE TEMP TABLE s_audit ON COMMIT DROP AS
        SELECT a.*, pg_temp.uid('request', request_key, request_at)::text AS request_id FROM (
          SELECT fam.f * 8 AS request_key, fam.registered_at AS request_at, 0 AS ord, fam.registered_at AS at, pl.registrar AS actor, pl.registrar_agency AS agency,
                 'INSERT' AS action, 'family' AS entity_type, fam.id AS entity_id, fam.id AS family_id, '{}'::uuid[] AS member_ids, '{}'::text[] AS categories,
                 'ASSIGNMENT' AS legal_basis, '{}'::uuid[] AS consent_ids
            FROM s_family fam JOIN s_plan pl USING (f)
          UNION ALL
          SELECT fam.f * 8, fam.registered_at, 1 + m.m, fam.registered_at, pl.registrar, pl.registrar_agency, 'INSERT', 'family_member', m.id, fam.id,
                 '{}', '{}', 'ASSIGNMENT', '{}'
            FROM s_family fam JOIN s_plan pl USING (f) JOIN s_member m ON m.f = fam.f
          UNION ALL
          SELECT fam.f * 8, fam.registered_at, 9, fam.registered_at, pl.registrar, pl.registrar_agency, 'INSERT', 'case_assignment', t.assignment_id, fam.id,
                 '{}', '{}', 'ASSIGNMENT', '{}'
            FROM s_family fam JOIN s_plan pl USING (f) JOIN s_team t ON t.f = fam.f AND t.s = 0
          UNION ALL
          SELECT fam.f * 8 + 1, fam.plan_created_at, 0, fam.plan_created_at, pl.registrar, pl.registrar_agency, 'INSERT', 'plan', fam.plan_id, fam.id,
                 '{}', '{}', 'ASSIGNMENT', '{}'
            FROM s_family fam JOIN s_plan pl USING (f)
          UNION ALL
          -- The entry PLAN_OPENED of s_history, by its id.
          SELECT fam.f * 8 + 1, fam.plan_created_at, 1, fam.plan_created_at, pl.registrar, pl.registrar_agency, 'INSERT', 'plan_history',
                 ${familyRowId('history-PLAN_OPENED', 'fam.f', 'fam.plan_created_at', 'fam.registered_at')}, fam.id, '{}', '{}', 'ASSIGNMENT', '{}'
            FROM s_family fam JOIN s_plan pl USING (f)
          UNION ALL
          SELECT f * 8 + 2, at, 0, at, reader, reader_agency, 'READ', 'Plan', plan_id, family_id, '{}', ARRAY['PLAN'],
                 CASE WHEN cardinality(plan_consents) > 0 THEN 'CONSENT' ELSE 'AUTHOR' END, plan_consents
            FROM s_read
          UNION ALL
          SELECT f * 8 + 2, at, 1, at, reader, reader_agency, 'READ', 'FamilyMember', member_id, family_id, ARRAY[member_id], ARRAY['IDENTITY'],
                 CASE WHEN cardinality(member_consents) > 0 THEN 'CONSENT' ELSE 'AUTHOR' END, member_consents
            FROM s_read
          UNION ALL
          SELECT f * 8 + 3, starts_at, 0, starts_at, user_id, agency_id, 'INSERT', 'break_glass_grant', id, family_id, '{}', '{}', 'ASSIGNMENT', '{}'
            FROM s_break_glass) a`,
    },
  ];
}

export function insertAudit(): Statement[] {
  return [
    // Through the audit queue, in time order: linked to the hash chain in that order at the end.
    {
      // A read names the records it read (entity_ids), as the service's read audit does.
      sql: `INSERT INTO audit_event (at, request_id, actor_subject, actor_user_id, acting_agency_id, action, entity_type, entity_id, entity_ids,
                                     family_id, member_ids, categories, legal_basis, consent_ids)
        SELECT a.at, a.request_id, u.subject, a.actor, a.agency, a.action, a.entity_type,
               CASE WHEN a.action = 'READ' THEN NULL ELSE a.entity_id END, CASE WHEN a.action = 'READ' THEN ARRAY[a.entity_id] END,
               a.family_id, a.member_ids, a.categories, a.legal_basis, a.consent_ids
          FROM s_audit a JOIN seed_user u ON u.id = a.actor ORDER BY a.at, a.request_key, a.ord`,
      counts: 'audit_event',
    },
  ];
}
