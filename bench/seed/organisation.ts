/** The organisation of each network: its agencies of every kind, their staff and memberships. */
import { AgencyKind } from '../../src/agencies/agency-kind.js';
import type { RunPlan } from './run-plan.js';
import { literal, mapBy, pick, rnd, type Statement, textArray, timestamp, weighted } from './sql.js';
import { AGENCY_KINDS, AGENCY_PREFIX, FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, REGIONS } from './vocabulary.js';

export const KIND_COUNT = Object.keys(AgencyKind).length;
/** One agency of each kind in every network comes first, the network's own partnership (OTHER) at 0. */
const KINDS_IN_ORDER = [AgencyKind.OTHER, ...Object.values(AgencyKind).filter((k) => k !== AgencyKind.OTHER)];
const ROLE_WORDS = { NETWORK_COORDINATOR: 'coordinator', AGENCY_ADMIN: 'admin', VOLUNTEER: 'volunteer', CASEWORKER: 'caseworker' };

/** Networks, agencies, users and memberships; and the session tables of them that the family batches draw from. */
export function organisation(p: RunPlan): Statement[] {
  const networkStart = `(${timestamp(p.asOf)} - interval '6 years')`;
  const R = REGIONS.length;
  const A = p.agenciesPerNetwork;
  const U = p.usersPerNetwork;
  const s = (value: string) => literal(value);
  return [
    {
      sql: `CREATE TEMP TABLE seed_network AS
        SELECT w AS no, key, created_at, region, pg_temp.uid('network', key, created_at) AS id,
               'Huis van het Kind ' || region || CASE WHEN key >= ${R} THEN ' ' || (key / ${R} + 1) ELSE '' END AS name
          FROM (SELECT w, ${p.networkBase} + w AS key, ${networkStart} + w * interval '1 hour' AS created_at,
                       (${textArray(REGIONS)})[1 + (${p.networkBase} + w) % ${R}] AS region
                  FROM generate_series(0, ${p.networks - 1}) w) n`,
    },
    { sql: `INSERT INTO network (id, name, created_at) SELECT id, name, created_at FROM seed_network ORDER BY no`, counts: 'network' },
    {
      sql: `CREATE TEMP TABLE seed_agency AS
        SELECT a.*, pg_temp.uid('agency', key, created_at) AS id,
               ${mapBy('kind', AGENCY_PREFIX)} || ' ' || region || CASE WHEN kind_rank > 0 THEN ' ' || (kind_rank + 1) ELSE '' END AS name
          FROM (SELECT k.*, (row_number() OVER (PARTITION BY network_no, kind ORDER BY j) - 1)::int AS kind_rank
                  FROM (SELECT n.no AS network_no, n.id AS network_id, n.region, j, d.key,
                               n.created_at + interval '1 day' + j * interval '10 minutes' AS created_at,
                               CASE WHEN j < ${KIND_COUNT} THEN (${textArray(KINDS_IN_ORDER)})[j + 1] ELSE ${weighted('d.r_kind', AGENCY_KINDS)} END AS kind
                          FROM seed_network n CROSS JOIN generate_series(0, ${A - 1}) j
                          CROSS JOIN LATERAL (SELECT n.key * 1000 + j AS key, ${rnd('agency-kind', 'n.key * 1000 + j')} AS r_kind) d) k) a`,
    },
    { sql: `CREATE TEMP TABLE seed_kind_agencies AS SELECT network_no, kind, array_agg(id ORDER BY j) AS agencies FROM seed_agency GROUP BY network_no, kind` },
    {
      sql: `INSERT INTO agency (id, network_id, name, kind, created_at)
        SELECT id, network_id, name, kind, created_at FROM seed_agency ORDER BY network_no, j`,
      counts: 'agency',
    },
    // The k-th person of each agency: its admin first, then caseworkers (a volunteer organisation: one
    // caseworker who coordinates, then volunteers); the last of each network is its coordinator.
    {
      sql: `CREATE TEMP TABLE seed_user AS
        SELECT v.*, pg_temp.uid('user', key, created_at) AS id,
               ${mapBy('role', ROLE_WORDS)} || '-' || ordinal || '@seed${p.seed}.1g1p.example' AS subject,
               CASE WHEN r_female < 0.6 THEN ${pick(FEMALE_NAMES, 'r_given')} ELSE ${pick(MALE_NAMES, 'r_given')} END
                 || ' ' || ${pick(FAMILY_NAMES, 'r_family')} AS display_name,
               role = 'AGENCY_ADMIN' AND r_also < 0.3 AS also_caseworker,
               CASE WHEN role = 'CASEWORKER' AND k >= 1 AND r_second < 0.04
                    THEN (SELECT id FROM seed_agency sa WHERE sa.network_no = v.network_no AND sa.j = (v.j + 1 + floor(r_second_j * ${A - 1})::int) % ${A})
               END AS second_agency_id
          FROM (SELECT u.*, a.id AS agency_id,
                       CASE WHEN k = -1 THEN 'NETWORK_COORDINATOR' WHEN k = 0 THEN 'AGENCY_ADMIN'
                            WHEN a.kind = ${s(AgencyKind.VOLUNTEER_ORGANISATION)} AND k >= 2 THEN 'VOLUNTEER' ELSE 'CASEWORKER' END AS role
                  FROM (SELECT n.no AS network_no, n.key * 100000 + u AS key, ${p.userBase} + n.no * ${U + 1} + u AS ordinal,
                               n.created_at + interval '2 days' + u * interval '1 minute' AS created_at,
                               CASE WHEN u = ${U} THEN 0 ELSE u % ${A} END AS j, CASE WHEN u = ${U} THEN -1 ELSE u / ${A} END AS k, d.*
                          FROM seed_network n CROSS JOIN generate_series(0, ${U}) u
                          CROSS JOIN LATERAL (SELECT ${rnd('user-female', 'n.key * 100000 + u')} AS r_female, ${rnd('user-given', 'n.key * 100000 + u')} AS r_given,
                                                     ${rnd('user-family', 'n.key * 100000 + u')} AS r_family, ${rnd('user-also', 'n.key * 100000 + u')} AS r_also,
                                                     ${rnd('user-second', 'n.key * 100000 + u')} AS r_second, ${rnd('user-second-j', 'n.key * 100000 + u')} AS r_second_j) d) u
                  JOIN seed_agency a ON a.network_no = u.network_no AND a.j = u.j) v`,
    },
    { sql: `CREATE INDEX ON seed_user (id)` },
    {
      sql: `INSERT INTO app_user (id, subject, display_name, created_at)
        SELECT id, subject, display_name, created_at FROM seed_user ORDER BY key`,
      counts: 'app_user',
    },
    {
      sql: `CREATE TEMP TABLE seed_membership AS
        SELECT pg_temp.uid('membership', user_key * 4 + slot, created_at) AS id, m.* FROM (
          SELECT id AS user_id, key AS user_key, created_at, agency_id, role, 0 AS slot FROM seed_user
          UNION ALL SELECT id, key, created_at, agency_id, 'CASEWORKER', 1 FROM seed_user WHERE also_caseworker
          UNION ALL SELECT id, key, created_at + interval '1 day', second_agency_id, 'CASEWORKER', 2 FROM seed_user WHERE second_agency_id IS NOT NULL) m`,
    },
    {
      sql: `INSERT INTO membership (id, user_id, agency_id, role, created_at)
        SELECT id, user_id, agency_id, role, created_at FROM seed_membership ORDER BY user_key, slot`,
      counts: 'membership',
    },
    {
      sql: `CREATE TEMP TABLE seed_agency_staff AS
        SELECT agency_id, role, array_agg(user_id ORDER BY user_key, slot) AS users FROM seed_membership WHERE role <> 'NETWORK_COORDINATOR' GROUP BY agency_id, role`,
    },
  ];
}
