/**
 * The families of a batch and their members. One row of s_family draws everything a family has (its make-up,
 * its plan, the size of its team, how many goals, notes and referrals), for the other parts to build on.
 */
import type { RunPlan } from './run-plan.js';
import { days, draws, familyRowId, hours, ms, pick, type Statement, timestamp, weighted, within } from './sql.js';
import {
  CHILD_NAMES, CLOSE_REASON_CODES, CLOSE_REASONS, FAMILY_NAMES, FEMALE_NAMES, LANGUAGES, MAIL_DOMAINS, MALE_NAMES, PLAN_SUMMARIES, STRENGTHS,
} from './vocabulary.js';

/** Families `from` … `to - 1` of the run. */
export function stageFamilies(p: RunPlan, from: number, to: number): Statement[] {
  const asOf = timestamp(p.asOf);
  return [
    // A family: its make-up, its plan (drafts are recent, closed plans old), the size of its team, and how
    // many goals, notes and referrals it has. Families are numbered in order of registration (over three
    // years, most of them recent), so that a batch covers a few weeks of registrations.
    {
      sql: `CREATE TEMP TABLE s_family ON COMMIT DROP AS
        SELECT y.*, coalesce(closed_at, ${asOf}) AS end_at, pg_temp.uid('family', f, registered_at) AS id,
               n_parents + caregiver::int + n_children + unborn::int AS size,
               ${familyRowId('plan', 'f', 'plan_created_at')} AS plan_id,
               CASE WHEN plan_status <> 'DRAFT' THEN ${ms(within('first_supporter_at', `coalesce(closed_at, ${asOf})`, '0.02 + 0.1 * r_activate'))} END AS activated_at,
               CASE WHEN coalesce(closed_at, ${asOf}) - plan_created_at < interval '100 days' THEN 0
                    ELSE ${weighted('r_referrals', [[0, 18], [1, 27], [2, 30], [3, 17], [4, 8]])} END AS n_referrals
          FROM (SELECT x.*, ${ms(`registered_at + ${hours('1 / 6.0 + r_open * 47')}`)} AS plan_created_at,
                       CASE WHEN plan_status = 'CLOSED' THEN ${ms(`registered_at + ${days('150 + r_close * (age_days - 200)')}`)} END AS closed_at,
                       CASE WHEN has_supporter THEN ${ms(`registered_at + ${hours('1 / 6.0 + r_open * 47 + 20 + r_supporter_at * 8')}`)} END AS first_supporter_at,
                       CASE WHEN children = 0 AND NOT unborn THEN 1 ELSE least(children, 6 - n_parents - caregiver::int - unborn::int) END AS n_children
                  FROM (SELECT d.*, n.id AS network_id, ${ms(`${asOf} - ${days('age_days')} - ${hours('6 + r_hour * 10')}`)} AS registered_at,
                               CASE WHEN age_days < 45 AND r_status < 0.55 THEN 'DRAFT' WHEN age_days > 240 AND r_status < 0.16 THEN 'CLOSED' ELSE 'ACTIVE' END AS plan_status,
                               (age_days >= 45 OR r_status >= 0.55) OR r_supporter < 0.6 AS has_supporter,
                               CASE WHEN r_parents < 0.38 THEN 1 ELSE 2 END AS n_parents,
                               r_parents < 0.38 AND r_caregiver < 0.15 AS caregiver,
                               ${weighted('r_children', [[0, 6], [1, 34], [2, 33], [3, 18], [4, 9]])} AS children,
                               age_days < 200 AND (r_children < 0.06 OR r_unborn < 0.12) AS unborn,
                               21 + power(r_parent_age, 1.3) * 30 AS parent_age,
                               ${weighted('r_team', [[0, 25], [1, 45], [2, 30]])} AS n_extra_agencies,
                               r_volunteer < 0.12 AS volunteer,
                               2 + floor(power(r_goals, 1.5) * 7)::int AS n_goals,
                               floor(power(r_notes, 1.3) * 7)::int AS n_notes,
                               CASE WHEN r_handover < 0.05 THEN 'DONE' WHEN r_handover < 0.07 THEN 'PENDING' END AS handover,
                               r_break_glass < 0.006 AS break_glass,
                               ${pick(FAMILY_NAMES, 'r_name')} AS family_name,
                               ${weighted('r_language', LANGUAGES)} AS language,
                               ${pick(PLAN_SUMMARIES, 'r_summary')} AS summary,
                               CASE WHEN r_strengths < 0.8 THEN ${pick(STRENGTHS, 'r_strengths / 0.8')} END AS strengths,
                               ${pick(CLOSE_REASONS, 'r_close_reason')} AS close_reason,
                               ${pick(CLOSE_REASON_CODES, 'r_close_reason')} AS close_reason_code
                          FROM (SELECT i, ${p.familyBase} + i AS f, i % ${p.networks} AS network_no,
                                       7 + floor(power(1 - (i + 0.5)::float8 / ${p.families}, 1.35) * 1100)::int AS age_days, d.*
                                  FROM generate_series(${from}, ${to - 1}) i
                                  ${draws('family', `${p.familyBase} + i`, [
                                    'hour', 'status', 'open', 'close', 'supporter', 'supporter-at', 'activate', 'parents', 'caregiver',
                                    'children', 'unborn', 'parent-age', 'team', 'volunteer', 'goals', 'notes', 'referrals', 'handover',
                                    'break-glass', 'name', 'language', 'summary', 'strengths', 'close-reason',
                                  ])}) d
                          JOIN seed_network n ON n.no = d.network_no) x) y`,
    },
  ];
}

/** The members of the batch's families. */
export function stageMembers(p: RunPlan): Statement[] {
  const adult = `role IN ('PARENT', 'OTHER_CAREGIVER')`;
  return [
    // The parents first (the first one consents for the children who cannot decide yet), a grandparent
    // beside some single parents, the children (born before the registration, minors still) and an
    // expected child in recently registered families. A few children have a recorded capacity assessment.
    {
      sql: `CREATE TEMP TABLE s_member ON COMMIT DROP AS
        SELECT z.*, pg_temp.uid('member', key, registered_at) AS id,
               CASE WHEN ${adult} AND r_email < 0.85
                    THEN lower(replace(replace(given_name || '.' || own_family_name, ' ', ''), '-', '')) || '.' || key || '@' || ${pick(MAIL_DOMAINS, 'r_mail_domain')}
               END AS email
          FROM (
          SELECT y.*,
                 CASE WHEN role = 'UNBORN' THEN 'Baby' WHEN role = 'CHILD' THEN ${pick(CHILD_NAMES, 'r_given')}
                      WHEN female THEN ${pick(FEMALE_NAMES, 'r_given')} ELSE ${pick(MALE_NAMES, 'r_given')} END AS given_name,
                 CASE WHEN role = 'OTHER_CAREGIVER' OR (m = 1 AND r_own_name < 0.45) THEN ${pick(FAMILY_NAMES, 'r_family_name')} ELSE family_name END AS own_family_name,
                 (registered_at AT TIME ZONE 'UTC')::date - floor(age_years * 365.25)::int AS birth_date,
                 CASE WHEN role = 'UNBORN' THEN (registered_at AT TIME ZONE 'UTC')::date + (30 + floor(r_age * 220))::int END AS expected_date,
                 CASE WHEN ${adult} THEN language WHEN role = 'CHILD' AND r_language < 0.5 THEN language END AS preferred_language,
                 CASE WHEN (role = 'PARENT' AND r_portal < 0.3) OR (role = 'CHILD' AND age_years + age_days / 365.25::float8 >= 15 AND r_portal < 0.1)
                      THEN 'portal-' || key || '@seed${p.seed}.1g1p.example' END AS portal_subject,
                 CASE WHEN role = 'CHILD' AND age_years >= 9 AND age_years < 12 AND r_assess < 0.03 THEN true
                      WHEN role = 'CHILD' AND age_years >= 12 AND r_assess < 0.01 THEN false END AS assessed,
                 CASE WHEN (${adult} AND r_phone < 0.9) OR (role = 'CHILD' AND age_years + age_days / 365.25::float8 >= 14 AND r_phone < 0.5)
                      THEN '+32 4' || (70 + floor(r_phone_digits * 30))::int || ' ' ||
                           regexp_replace(lpad((floor(r_phone_digits * 30000000)::int % 1000000)::text, 6, '0'), '(..)(..)(..)', '\\1 \\2 \\3') END AS phone
            FROM (SELECT x.*,
                         CASE WHEN role = 'PARENT' AND m = 0 THEN parent_age
                              WHEN role = 'PARENT' THEN least(57, greatest(20, parent_age - 4 + r_age * 10))
                              WHEN role = 'OTHER_CAREGIVER' THEN 50 + r_age * 22
                              WHEN role = 'CHILD' THEN 0.02 + r_age * greatest(0, least(17.9 - age_days / 365.25::float8, parent_age - 18) - 0.02) END AS age_years,
                         CASE WHEN m = 0 THEN r_female < 0.8 WHEN role = 'PARENT' THEN r_female < 0.12 ELSE r_female < 0.6 END AS female
                    FROM (SELECT fam.f, m, fam.f * 8 + m AS key, fam.registered_at, fam.age_days, fam.parent_age, fam.family_name, fam.language,
                                 CASE WHEN m < fam.n_parents THEN 'PARENT' WHEN m = fam.n_parents AND fam.caregiver THEN 'OTHER_CAREGIVER'
                                      WHEN m < fam.n_parents + fam.caregiver::int + fam.n_children THEN 'CHILD' ELSE 'UNBORN' END AS role, d.*
                            FROM s_family fam
                            CROSS JOIN generate_series(0, fam.n_parents + fam.caregiver::int + fam.n_children + fam.unborn::int - 1) m
                            ${draws('member', 'fam.f * 8 + m', ['female', 'given', 'age', 'own-name', 'family-name', 'language', 'portal', 'assess', 'phone', 'phone-digits', 'email', 'mail-domain'])}
                         ) x) y) z`,
    },
  ];
}

/** The families, their members and the members' recorded capacity assessments. */
export function insertFamilies(): Statement[] {
  return [
    {
      sql: `INSERT INTO family (id, network_id, registered_by_agency_id, created_at)
        SELECT fam.id, fam.network_id, pl.registrar_agency, fam.registered_at FROM s_family fam JOIN s_plan pl USING (f) ORDER BY fam.f`,
      counts: 'family',
    },
    {
      sql: `INSERT INTO family_member (id, family_id, role, given_name, family_name, birth_date, expected_date, email, phone, preferred_language,
                                       portal_subject, created_at, created_by_user_id)
        SELECT m.id, fam.id, m.role, m.given_name, m.own_family_name, CASE WHEN m.role <> 'UNBORN' THEN m.birth_date END, m.expected_date,
               m.email, m.phone, m.preferred_language, m.portal_subject, m.registered_at, pl.registrar
          FROM s_member m JOIN s_family fam USING (f) JOIN s_plan pl USING (f) ORDER BY m.key`,
      counts: 'family_member',
    },
    {
      sql: `INSERT INTO capacity_assessment (id, member_id, capable, reason, assessed_by_user_id, assessed_by_agency_id, assessed_at)
        SELECT ${familyRowId('capacity-assessment', 'm.key', `m.registered_at + interval '1 hour'`, 'm.registered_at')}, m.id, m.assessed,
               CASE WHEN m.assessed THEN 'Begrijpt in een gesprek goed wat de hulp inhoudt en wat het delen van gegevens betekent.'
                    ELSE 'Kan de gevolgen van het delen van gegevens nog niet overzien; de ouders beslissen mee.' END,
               pl.registrar, pl.registrar_agency, m.registered_at + interval '1 hour'
          FROM s_member m JOIN s_plan pl USING (f) WHERE m.assessed IS NOT NULL ORDER BY m.key`,
      counts: 'capacity_assessment',
    },
  ];
}
