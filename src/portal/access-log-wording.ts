import type { Language } from '../i18n/language.js';
import { isMessageKey, type MessageKey, message } from '../i18n/messages.js';

/**
 * The family's access log in the family's words and language ("in plain language",
 * docs/consent-and-portal.md; the words are in the message catalogue, src/i18n/). Every kind of record the
 * audit names — each audited table (the audit trigger writes its name) and each name a read gives its rows
 * (PersonalReader's entity types) — has a description, so that no line shows an identifier of the service.
 * test/access-log-language.e2e-spec.ts checks every audited table the database has.
 */

/** A kind of record, as the catalogue names it: `log.kind.<kind>`, and `log.done.<kind>.<action>` where the plain verb would not say it well. */
type Kind = { [K in MessageKey]: K extends `log.kind.${infer Name}` ? Name : never }[MessageKey];

/** Keyed by audited table and by the entity types reads record. */
const KINDS: Record<string, Kind> = {
  network: 'network',
  Network: 'network',
  agency: 'agency',
  agency_service_area: 'agencyServiceArea',
  app_user: 'user',
  membership: 'membership',
  integration_client: 'integrationClient',
  directory_service: 'directoryService',
  subject_identity: 'subjectIdentity',
  membership_invitation: 'membershipInvitation',
  portal_invitation: 'portalInvitation',
  portal_login_ended: 'portalLoginEnded',
  family: 'familyRegistration',
  family_merge: 'familyMerge',
  Family: 'familyData',
  family_member: 'personalDetails',
  FamilyMember: 'personalDetails',
  family_member_change: 'memberChange',
  FamilyMemberChange: 'memberChange',
  member_correction_request: 'correctionRequest',
  MemberCorrectionRequest: 'correctionRequest',
  case_assignment: 'caseAssignment',
  plan: 'plan',
  Plan: 'plan',
  trajectory_supporter: 'trajectorySupporter',
  plan_participant: 'planParticipant',
  family_move: 'familyMove',
  plan_history: 'planHistory',
  PlanHistoryEntry: 'planHistory',
  plan_closure_agreement: 'planClosureAgreement',
  goal: 'goal',
  Goal: 'goal',
  goal_member: 'goalMember',
  goal_progress_note: 'progress',
  GoalProgressNote: 'progress',
  action: 'action',
  Action: 'action',
  note: 'note',
  Note: 'note',
  note_member: 'noteMember',
  consent: 'consent',
  Consent: 'consent',
  consent_subject: 'consentSubject',
  consent_revocation: 'consentRevocation',
  consent_confirmation: 'consentConfirmation',
  capacity_assessment: 'capacity',
  CapacityAssessment: 'capacity',
  break_glass_grant: 'breakGlassGrant',
  break_glass_revocation: 'breakGlassRevocation',
  referral: 'referral',
  Referral: 'referral',
  referral_member: 'referralMember',
  referral_transition: 'referralTransition',
  handover_meeting: 'handoverMeeting',
  erasure_request: 'erasureRequest',
  notification_channel: 'notificationChannel',
  family_member_identity: 'memberIdentity',
  family_lookup: 'familyLookup',
  team_participation_request: 'teamParticipationRequest',
};

/** Who did it, as the family reads it: "You", a family member's given name, "Jan (CAW Oost)" or "The service". */
export function actorInWords(language: Language, who: { you: boolean; memberName: string | null; userName: string | null; agencyName: string | null }): string {
  if (who.you) return message(language, 'log.you');
  if (who.memberName) return who.memberName;
  if (!who.userName) return message(language, 'log.theService');
  return who.agencyName ? message(language, 'log.actorOfAgency', { name: who.userName, agency: who.agencyName }) : who.userName;
}

/**
 * A lookup, as the family reads it: "Een medewerker van Kind en Gezin vroeg of uw gezin gekend is, om een
 * doorverwijzing of een vraag om hulp op te nemen." The employee is not named: asking is no work with the family yet.
 */
export function lookedUp(language: Language, agencyName: string | null, purpose: string): { actor: string; description: string } {
  const actor = agencyName ? message(language, 'log.employeeOf', { agency: agencyName }) : message(language, 'log.employeeOfAService');
  return { actor, description: message(language, 'log.lookedUp', { actor, purpose }) };
}

/**
 * An audit line as the family reads it: "Jan (CAW Oost) viewed 3 goals (plan information), with your consent."
 * `state`: for a record changed once, from a proposal to its outcome (a family merge), the state that change led
 * to, so that a withdrawal does not read as the merge.
 */
export function lineInWords(
  language: Language,
  actor: string,
  line: { action: string; entityType: string; records: number; categories: string[]; legalBasis: string; selfAssigned: boolean; state: string | null },
): string {
  if (line.selfAssigned) return message(language, line.legalBasis === 'ADMINISTRATION' ? 'log.adminAssignedThemselves' : 'log.startedWorking', { actor });
  const kind = KINDS[line.entityType] ?? 'unknown';
  const phrase = `log.done.${kind}.${line.action}`;
  const done = isMessageKey(phrase)
    ? message(language, phrase, { state: line.state ?? 'other' })
    : message(language, 'log.did', { action: line.action, what: message(language, `log.kind.${kind}`, { records: line.records }) });
  const categories = line.categories.length
    ? message(language, 'log.categories', { list: line.categories.map((category) => message(language, 'log.category', { category })).join(', ') })
    : '';
  const basis = message(language, 'log.basisOf', { basis: line.legalBasis });
  return message(language, 'log.line', { actor, done, categories, basis: basis ? message(language, 'log.basis', { basis }) : '' });
}
