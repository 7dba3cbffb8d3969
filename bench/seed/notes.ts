/** The notes of each plan, by the team's caseworkers (and a volunteer's, outside health and safety). */
import { crewIndex, draws, familyRowId, ms, pickBy, type Statement, teamCaseworker, weighted, within } from './sql.js';
import { NOTE_BODIES, NOTE_CATEGORIES } from './vocabulary.js';

/** Up to six notes a family, of a category by weight, about none, one or two members. */
export function stageNotes(): Statement[] {
  const author = teamCaseworker('cw_i', 'created_at');
  return [
    {
      sql: `CREATE TEMP TABLE s_note ON COMMIT DROP AS
        SELECT y.*, ${familyRowId('note', 'key', 'created_at')} AS id,
               CASE WHEN r_volunteer < 0.15 AND category NOT IN ('HEALTH', 'SAFETY') AND cr.volunteer_assigned <= created_at THEN cr.volunteer ELSE ${author.user} END AS author_id,
               CASE WHEN r_volunteer < 0.15 AND category NOT IN ('HEALTH', 'SAFETY') AND cr.volunteer_assigned <= created_at THEN cr.volunteer_agency ELSE ${author.agency} END AS author_agency
          FROM (SELECT x.*, ${pickBy('category', NOTE_BODIES, 'r_body')} AS body FROM (
                  SELECT fam.f, fam.plan_id, fam.size, fam.registered_at, fam.f * 8 + k AS key, d.*, ${weighted('d.r_category', NOTE_CATEGORIES)} AS category,
                         ${ms(within(`fam.plan_created_at + interval '1 hour'`, 'fam.end_at', 'd.r_created'))} AS created_at,
                         CASE WHEN d.r_members < 0.3 THEN 0 WHEN d.r_members < 0.8 OR fam.size < 2 THEN 1 ELSE 2 END AS n_members,
                         floor(d.r_m1 * fam.size)::int AS m1,
                         (floor(d.r_m1 * fam.size)::int + 1 + floor(d.r_m2 * (fam.size - 1))::int) % fam.size AS m2
                    FROM s_family fam CROSS JOIN generate_series(0, fam.n_notes - 1) k
                    ${draws('note', 'fam.f * 8 + k', ['category', 'body', 'created', 'author', 'volunteer', 'members', 'm1', 'm2'])}) x) y
          JOIN s_crew cr ON cr.f = y.f
          CROSS JOIN LATERAL (SELECT ${crewIndex('y.r_author', 'caseworkers')} AS cw_i) i`,
    },
  ];
}

export function insertNotes(): Statement[] {
  return [
    {
      sql: `INSERT INTO note (id, plan_id, category, body, author_user_id, author_agency_id, created_at)
        SELECT id, plan_id, category, body, author_id, author_agency, created_at FROM s_note ORDER BY key`,
      counts: 'note',
    },
    {
      sql: `INSERT INTO note_member (note_id, member_id)
        SELECT n.id, m.id FROM s_note n JOIN s_member m ON m.f = n.f AND ((n.n_members >= 1 AND m.m = n.m1) OR (n.n_members = 2 AND m.m = n.m2))
         ORDER BY n.key, m.m`,
      counts: 'note_member',
    },
  ];
}
