/**
 * The family's access log in the family's words (English, as the rest of the log; "in plain language",
 * docs/consent-and-portal.md). Every kind of record the audit names — each audited table (the audit trigger writes its
 * name) and each name a read gives its rows (PersonalReader's entity types) — has a description here, so
 * that no line shows an identifier of the service. test/access-log-language.e2e-spec.ts checks every
 * audited table the database has.
 */

/** A kind of record: `one` record ("a consent"), `many` read at once ("consents", after their number),
 * and per action the whole phrase where the plain verb would not say it well ("recorded a step of the referral"). */
interface Kind {
  one: string;
  many?: string;
  done?: Partial<Record<string, string>>;
}

/** What the audit says was done (audit_event.action), as a verb. */
const VERBS: Record<string, string> = {
  READ: 'viewed',
  INSERT: 'added',
  UPDATE: 'changed',
  DELETE: 'removed',
  ERASE: 'erased',
  READ_INSIGHT: 'viewed the figures of',
};

/** Data categories (consent), as the family reads them after what was viewed: "a note (health information)". */
const CATEGORIES: Record<string, string> = {
  IDENTITY: 'identity details',
  CONTACT: 'contact details',
  PLAN: 'plan information',
  NOTES: 'notes',
  HEALTH: 'health information',
  SAFETY: 'safety information',
  REFERRAL: 'referral information',
};

/** Why it was allowed (audit_event.legal_basis); the family's own doing needs no reason. */
const BASES: Record<string, string> = {
  CONSENT: 'with your consent',
  AUTHOR: 'which they wrote themselves',
  BREAK_GLASS: 'in an emergency (break-glass), without consent',
  ASSIGNMENT: 'as part of their work with your family',
  RECIPIENT: 'because it was sent to their service (its status only)',
  ADMINISTRATION: 'as administration',
};

const personalDetails: Kind = { one: 'personal details', many: 'records of personal details', done: { INSERT: 'added a member of your family' } };
const plan: Kind = { one: 'the family plan', many: 'family plans', done: { INSERT: 'opened the family plan' } };
const planHistory: Kind = {
  one: 'the history of the plan',
  many: 'entries of the history of the plan',
  done: { INSERT: 'recorded a change in the history of the plan' },
};
const goal: Kind = { one: 'a goal', many: 'goals' };
const progress: Kind = { one: 'progress on a goal', many: 'notes on the progress of goals', done: { INSERT: 'recorded progress on a goal' } };
const action: Kind = { one: 'an action', many: 'actions' };
const note: Kind = { one: 'a note', many: 'notes' };
const consent: Kind = { one: 'a consent', many: 'consents' };
const capacity: Kind = {
  one: 'an assessment of whether a child can decide for themselves',
  many: 'assessments of whether a child can decide for themselves',
  done: { INSERT: 'recorded an assessment of whether a child can decide for themselves' },
};
const referral: Kind = { one: 'a referral', many: 'referrals' };
const correctionRequest: Kind = {
  one: "a request to correct a family member's details",
  many: "requests to correct family members' details",
  done: { INSERT: "asked to correct a family member's details", UPDATE: "applied or declined a request to correct a family member's details" },
};
const memberChange: Kind = {
  one: "the history of changes to a family member's details",
  many: "the history of changes to family members' details",
  done: { INSERT: "recorded a change to a family member's details" },
};
const network: Kind = { one: 'a network of services' };

/** Keyed by audited table and by the entity types reads record. */
const KINDS: Record<string, Kind> = {
  network,
  Network: network,
  agency: { one: "an organisation's details" },
  agency_service_area: { one: 'a region an organisation works in' },
  app_user: { one: "a professional's account" },
  membership: { one: "a professional's role in an organisation" },
  integration_client: { one: "a link with an organisation's own case system" },
  directory_service: { one: 'a service in the directory of the network' },
  subject_identity: { one: 'the kind of a login (professional, family member or administrator)' },
  membership_invitation: { one: "an invitation to a professional to join an organisation" },
  portal_invitation: {
    one: 'an invitation to the family portal',
    done: { INSERT: 'made an invitation to the family portal', UPDATE: 'used or withdrew an invitation to the family portal' },
  },
  portal_login_ended: { one: 'the end of a login to the family portal', done: { INSERT: 'ended a login to the family portal' } },
  family: { one: 'the family registration', done: { INSERT: 'registered your family' } },
  family_merge: {
    one: 'bringing together two registrations of your family',
    done: {
      INSERT: 'proposed to bring together two registrations of your family into one',
      UPDATE: 'brought together two registrations of your family into one family and one plan',
    },
  },
  Family: { one: "the family's personal data" },
  family_member: personalDetails,
  FamilyMember: personalDetails,
  family_member_change: memberChange,
  FamilyMemberChange: memberChange,
  member_correction_request: correctionRequest,
  MemberCorrectionRequest: correctionRequest,
  case_assignment: {
    one: 'the assignment of a professional to your family',
    done: { INSERT: 'assigned a professional to your family', UPDATE: 'ended the work of a professional with your family' },
  },
  plan,
  Plan: plan,
  trajectory_supporter: {
    one: "your family's contact person for the plan (trajectory supporter)",
    done: {
      INSERT: 'named a new contact person for your family (trajectory supporter)',
      UPDATE: "changed who is your family's contact person (trajectory supporter)",
    },
  },
  plan_participant: { one: 'an organisation in the plan team', done: { INSERT: 'added an organisation to the plan team' } },
  family_move: {
    one: "your family's move to another region",
    done: { INSERT: "proposed your family's move to another region, with a new contact person there", UPDATE: "recorded your family's move to another region" },
  },
  plan_history: planHistory,
  PlanHistoryEntry: planHistory,
  plan_closure_agreement: { one: 'the agreement to close the plan', done: { INSERT: 'recorded the agreement to close the plan' } },
  goal,
  Goal: goal,
  goal_member: { one: 'whom a goal is about', done: { INSERT: 'recorded whom a goal is about' } },
  goal_progress_note: progress,
  GoalProgressNote: progress,
  action,
  Action: action,
  note,
  Note: note,
  note_member: { one: 'who a note is about', done: { INSERT: 'recorded who a note is about' } },
  consent,
  Consent: consent,
  consent_subject: { one: 'whom a consent covers', done: { INSERT: 'recorded whom a consent covers' } },
  consent_revocation: { one: 'the withdrawal of a consent', done: { INSERT: 'recorded the withdrawal of a consent' } },
  consent_confirmation: { one: 'the confirmation of a consent, at 18' },
  capacity_assessment: capacity,
  CapacityAssessment: capacity,
  break_glass_grant: { one: 'emergency access to your data (break-glass)', done: { INSERT: 'took emergency access to your data (break-glass)' } },
  break_glass_revocation: { one: 'the end of emergency access to your data', done: { INSERT: 'ended emergency access to your data' } },
  referral,
  Referral: referral,
  referral_member: { one: 'who a referral is about', done: { INSERT: 'recorded who a referral is about' } },
  referral_transition: { one: 'a step of the referral', done: { INSERT: 'recorded a step of the referral' } },
  handover_meeting: { one: 'a handover meeting', done: { INSERT: 'planned a handover meeting' } },
  erasure_request: { one: 'a request to erase personal data', done: { INSERT: 'recorded a request to erase personal data' } },
  family_member_identity: {
    one: 'how a member of your family can be recognised (a coded form of her national register number or of her name and birth date)',
    done: { DELETE: 'removed how a member of your family can be recognised' },
  },
  family_lookup: { one: 'whether your family is known', done: { INSERT: 'asked whether your family is known' } },
  team_participation_request: {
    one: "a request of an organisation to join your family's team",
    done: {
      INSERT: "asked to join your family's team (they still see nothing without your consent)",
      UPDATE: "answered a request of an organisation to join your family's team",
    },
  },
};

/** Why a professional asked whether the family is known (FamilyLookupPurpose), after "asked whether your family is known". */
const LOOKUP_PURPOSES: Record<string, string> = {
  REGISTRATION: 'before registering a family',
  REFERRAL_INTAKE: 'to take in a referral or a request for help',
  CHILD_SAFETY: "out of concern for a child's safety",
  TEAM_FORMATION: 'to form a team around your family',
};

/**
 * A lookup, as the family reads it: "An employee of Kind en Gezin asked whether your family is known, to take in
 * a referral or a request for help." The employee is not named: asking is no work with the family yet.
 */
export function lookedUp(agencyName: string | null, purpose: string): { actor: string; description: string } {
  const actor = `An employee of ${agencyName ?? 'a service'}`;
  return { actor, description: `${actor} asked whether your family is known, ${LOOKUP_PURPOSES[purpose] ?? 'for their work'}.` };
}

/** A record the log has no words for yet (never its table's name). */
const UNKNOWN: Kind = { one: 'a record about your family' };

/** What was done, as the family reads it: "added a consent", "viewed 3 goals", "recorded a step of the referral". */
export function whatWasDone(auditAction: string, entityType: string, records: number): string {
  const kind = KINDS[entityType] ?? UNKNOWN;
  const phrase = kind.done?.[auditAction];
  if (phrase) return phrase;
  return `${VERBS[auditAction] ?? 'used'} ${records > 1 && kind.many ? `${records} ${kind.many}` : kind.one}`;
}

/** The data categories of a read, in words: " (health information, notes)", or nothing. */
export function categoriesInWords(categories: string[]): string {
  return categories.length ? ` (${categories.map((c) => CATEGORIES[c] ?? 'other information').join(', ')})` : '';
}

/** Why it was allowed, after what was done: ", with your consent", or nothing. */
export function basisInWords(legalBasis: string): string {
  return BASES[legalBasis] ? `, ${BASES[legalBasis]}` : '';
}

/**
 * A professional who assigned themselves to the family: with the registration or an accepted referral
 * as part of the work, or as an agency's administrator, which the family must be able to recognise.
 */
export const assignedThemselves = (asAdministrator: boolean) =>
  asAdministrator ? ', an administrator of the agency, assigned themselves to your family' : ' started working with your family';
