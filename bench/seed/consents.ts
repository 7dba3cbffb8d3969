/** The family's consents to its team's agencies (and, staged by referrals.ts, to receivers of referrals). */
import { AgencyKind } from '../../src/agencies/agency-kind.js';
import { capableAt, draws, familyRowId, literal, ms, pick, rnd, type Statement, within } from './sql.js';
import { REVOCATION_REASONS } from './vocabulary.js';

/**
 * Each team agency gets a consent from every member, given by the member itself when capable at that
 * moment, else by the first parent for it (one consent per grantor, naming its subjects). Capable
 * teenagers sometimes refuse; families often leave out health, safety or referral data; time-limited
 * consents expire, most are renewed; a few are revoked.
 */
export function stageConsents(): Statement[] {
  const at = `CASE g WHEN 1 THEN t.consent_at ELSE t.renewed_at END`;
  const youngerThan = (years: number) => `(role = 'UNBORN' OR (role = 'CHILD' AND birth_date > (at AT TIME ZONE 'UTC')::date - interval '${years} years'))`;
  // Which members a team agency asks consent of besides the parents (the registering agency: everyone);
  // social services and general welfare work with the parents (income, housing, debts).
  const concerns = `(role = 'PARENT' OR CASE kind
    WHEN ${literal(AgencyKind.SCHOOL_GUIDANCE)} THEN role = 'CHILD' AND NOT ${youngerThan(3)}
    WHEN ${literal(AgencyKind.EDUCATION)} THEN role = 'CHILD' AND NOT ${youngerThan(3)}
    WHEN ${literal(AgencyKind.CHILDCARE)} THEN ${youngerThan(12)}
    WHEN ${literal(AgencyKind.CHILD_AND_FAMILY)} THEN ${youngerThan(6)}
    WHEN ${literal(AgencyKind.PUBLIC_SOCIAL_SERVICE)} THEN false
    WHEN ${literal(AgencyKind.GENERAL_WELFARE)} THEN false
    ELSE role IN ('CHILD', 'UNBORN') END)`;
  return [
    {
      sql: `CREATE TEMP TABLE s_consent_member ON COMMIT DROP AS
        SELECT c.*, CASE WHEN capable THEN c.m ELSE 0 END AS grantor_m
          FROM (SELECT t.f, t.s, t.kind, t.key AS team_key, g, m.m, m.id AS member_id, m.role, m.birth_date, ${at} AS at, ${capableAt('m', at)} AS capable,
                       ${rnd('teen-refusal', 'm.key * 4 + t.s')} AS r_refusal
                  FROM s_team t JOIN s_member m ON m.f = t.f
                  CROSS JOIN generate_series(1, CASE WHEN t.renewed_at IS NULL THEN 1 ELSE 2 END) g) c
         WHERE NOT (role = 'CHILD' AND capable AND r_refusal < 0.1) AND (s = 0 OR ${concerns})`,
    },
    {
      sql: `CREATE TEMP TABLE s_consent ON COMMIT DROP AS
        SELECT y.*, ${familyRowId('consent', 'key', 'valid_from')} AS id,
               CASE WHEN r_revoke < 0.04 THEN ${ms(within('valid_from', 'least(coalesce(valid_until, end_at), end_at)', '0.2 + 0.7 * r_revoke_at'))} END AS revoked_at
          FROM (SELECT x.*, fam.id AS family_id, fam.end_at, fam.registered_at, gm.id AS grantor_id, gm.role AS grantor_role, gm.portal_subject IS NOT NULL AS grantor_in_portal,
                       t.agency_id, t.kind, d.*,
                       CASE g WHEN 1 THEN t.valid_until END AS valid_until,
                       array_remove(ARRAY['IDENTITY', CASE WHEN t.r_contact < 0.95 THEN 'CONTACT' END, 'PLAN',
                         CASE WHEN t.r_notes_consent < 0.9 THEN 'NOTES' END,
                         CASE WHEN t.worker_role = 'CASEWORKER' AND t.r_health < 0.65 AND NOT (gm.role = 'CHILD' AND d.r_teen_health < 0.25) THEN 'HEALTH' END,
                         CASE WHEN t.worker_role = 'CASEWORKER' AND t.r_safety < 0.5 THEN 'SAFETY' END,
                         CASE WHEN t.r_referral_consent < 0.15 THEN 'REFERRAL' END], NULL) AS categories,
                       CASE WHEN t.worker_role = 'CASEWORKER' THEN t.worker_id ELSE cr.caseworkers[1] END AS caseworker_id,
                       CASE WHEN t.worker_role = 'CASEWORKER' THEN t.agency_id ELSE cr.caseworker_agencies[1] END AS caseworker_agency_id,
                       CASE WHEN gm.portal_subject IS NOT NULL AND d.r_method < 0.35 THEN 'FAMILY_PORTAL'
                            WHEN d.r_method < 0.75 THEN 'WRITTEN' ELSE 'VERBAL_WITH_WITNESS' END AS method,
                       CASE WHEN t.worker_role = 'CASEWORKER' THEN 'PLAN_COORDINATION' ELSE 'VOLUNTEER_SUPPORT' END AS purpose_code
                  FROM (SELECT f, s, g, grantor_m, (team_key * 2 + g - 1) * 8 + grantor_m AS key, min(at) AS valid_from,
                               array_agg(member_id ORDER BY m) AS subjects
                          FROM s_consent_member GROUP BY f, s, g, grantor_m, team_key) x
                  JOIN s_team t ON t.f = x.f AND t.s = x.s
                  JOIN s_member gm ON gm.f = x.f AND gm.m = x.grantor_m
                  JOIN s_family fam ON fam.f = x.f
                  JOIN s_crew cr ON cr.f = x.f
                  ${draws('consent', 'x.key', ['teen-health', 'method', 'revoke', 'revoke-at', 'revoke-by', 'revoke-reason'])}) y`,
    },
  ];
}
/**
 * Consents, their subjects (each subject row derives its grants by trigger) and revocations (which revoke
 * them); and the audit entries, which name the consents reads were made under.
 */
export function insertConsents(): Statement[] {
  const consent = (staging: string, purposeCode: string, purpose: string) => `
    INSERT INTO consent (id, family_id, grantor_member_id, recipient_agency_id, categories, purpose_code, purpose, valid_from, valid_until,
                         method, evidence_reference, recorded_by_user_id, recorded_by_agency_id, recorded_at)
    SELECT id, family_id, grantor_id, agency_id, categories, ${purposeCode}, ${purpose}, valid_from, valid_until, method,
           CASE method WHEN 'WRITTEN' THEN 'Toestemmingsformulier, dossier ' || to_char(valid_from, 'YYYY') || '/' || key
                       WHEN 'VERBAL_WITH_WITNESS' THEN 'Mondeling gegeven, in aanwezigheid van een collega; verslag in dossier ' || key END,
           CASE WHEN method <> 'FAMILY_PORTAL' THEN caseworker_id END, CASE WHEN method <> 'FAMILY_PORTAL' THEN caseworker_agency_id END, valid_from
      FROM ${staging} ORDER BY valid_from, key`;
  // A portal member withdraws a consent itself; otherwise its caseworker records who withdrew it.
  const revocation = (staging: string) => `
    INSERT INTO consent_revocation (consent_id, reason, revoked_by_member_id, revoked_by_user_id, revoked_at)
    SELECT id, ${pick(REVOCATION_REASONS, 'r_revoke_reason')}, grantor_id,
           CASE WHEN grantor_in_portal AND r_revoke_by < 0.5 THEN NULL ELSE caseworker_id END, revoked_at
      FROM ${staging} WHERE revoked_at IS NOT NULL ORDER BY revoked_at, key`;
  const volunteerPurpose = `'Ondersteuning door een vrijwilliger bij het gezin thuis'`;
  return [
    {
      sql: consent('s_consent', 'purpose_code',
        `CASE purpose_code WHEN 'PLAN_COORDINATION' THEN 'Samen aan het gezinsplan werken' ELSE ${volunteerPurpose} END`),
      counts: 'consent',
    },
    { sql: consent('s_rconsent', `'REFERRAL'`, 'purpose'), counts: 'consent' },
    {
      sql: `INSERT INTO consent_subject (consent_id, member_id)
        SELECT c.id, cm.member_id FROM s_consent_member cm
          JOIN s_consent c ON c.f = cm.f AND c.s = cm.s AND c.g = cm.g AND c.grantor_m = cm.grantor_m
         ORDER BY c.valid_from, c.key, cm.m`,
      counts: 'consent_subject',
    },
    {
      sql: `INSERT INTO consent_subject (consent_id, member_id)
        SELECT c.id, cm.member_id FROM s_rconsent_member cm
          JOIN s_rconsent c ON c.referral_key = cm.referral_key AND c.grantor_m = cm.grantor_m
         ORDER BY c.valid_from, c.key, cm.m`,
      counts: 'consent_subject',
    },
    { sql: revocation('s_consent'), counts: 'consent_revocation' },
    { sql: revocation('s_rconsent'), counts: 'consent_revocation' },
  ];
}
