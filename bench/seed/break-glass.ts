/** Emergency access outside consent: rare, justified, time-limited. */
import { crewIndex, draws, familyRowId, hours, ms, pick, type Statement, teamCaseworker, within } from './sql.js';
import { BREAK_GLASS_JUSTIFICATIONS } from './vocabulary.js';

/** A rare emergency access, by a caseworker of the team, ended early or expired. */
export function stageBreakGlass(): Statement[] {
  return [
    {
      sql: `CREATE TEMP TABLE s_break_glass ON COMMIT DROP AS
        SELECT x.*, ${familyRowId('break-glass', 'x.f', 'starts_at')} AS id,
               ${teamCaseworker('cw_i', 'starts_at').user} AS user_id, ${teamCaseworker('cw_i', 'starts_at').agency} AS agency_id,
               starts_at + CASE WHEN r_duration < 0.7 THEN interval '24 hours' ELSE interval '8 hours' END AS expires_at,
               CASE WHEN r_revoke < 0.4 THEN ${ms(`starts_at + ${hours('1 + r_revoke_at * 5')}`)} END AS revoked_at
          FROM (SELECT fam.f, fam.id AS family_id, fam.registered_at, d.*, ${crewIndex('d.r_user', 'caseworkers')} AS cw_i,
                       ${pick(BREAK_GLASS_JUSTIFICATIONS, 'd.r_justification')} AS justification,
                       ${ms(within('fam.plan_created_at', 'fam.end_at', '0.3 + 0.65 * d.r_start'))} AS starts_at
                  FROM s_family fam JOIN s_crew cr ON cr.f = fam.f
                  ${draws('break-glass', 'fam.f', ['user', 'justification', 'start', 'duration', 'revoke', 'revoke-at'])}
                 WHERE fam.break_glass) x
          JOIN s_crew cr ON cr.f = x.f`,
    },
  ];
}

export function insertBreakGlass(): Statement[] {
  return [
    {
      sql: `INSERT INTO break_glass_grant (id, family_id, user_id, agency_id, justification, starts_at, expires_at)
        SELECT id, family_id, user_id, agency_id, justification, starts_at, expires_at FROM s_break_glass ORDER BY f`,
      counts: 'break_glass_grant',
    },
    {
      sql: `INSERT INTO break_glass_revocation (grant_id, revoked_by_user_id, revoked_at)
        SELECT id, user_id, revoked_at FROM s_break_glass WHERE revoked_at IS NOT NULL ORDER BY f`,
      counts: 'break_glass_revocation',
    },
  ];
}
