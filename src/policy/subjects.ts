import { agenciesWorkingIn, servedNetworks } from './network-reach.js';

/**
 * How each authorization subject maps onto SQL: the alias and joins its predicates need, the columns
 * behind its fields, and its relation fields (sets such as "the users on the family's team") as both
 * an EXISTS predicate (for filtering) and an array (for checking one loaded row in memory).
 * Rules in ability.factory.ts may use exactly these fields.
 */
export type SubjectName =
  | 'Network'
  | 'Agency'
  | 'Membership'
  | 'CaseAssignment'
  | 'Family'
  | 'FamilyMember'
  | 'Consent'
  | 'CapacityAssessment'
  | 'BreakGlassGrant'
  | 'AuditEvent'
  | 'Plan'
  | 'Goal'
  | 'Action'
  | 'Note'
  | 'Referral'
  | 'IntegrationClient'
  | 'DirectoryService';

export interface RelationField {
  /** SQL that is true when the value behind `valueSql` is in the set. */
  contains(valueSql: string): string;
  /** SQL yielding the whole set as an array. */
  array: string;
}

export interface SubjectSql {
  table: string;
  alias: string;
  joins: { table: string; alias: string; on: string }[];
  fields: Record<string, string>;
  relations: Record<string, RelationField>;
  /**
   * For personal data: what a read of one row is about, as the audit records it. A subject that declares
   * it is a PersonalSubject, read only through the PersonalReader (src/audit/personal-reader.ts).
   */
  audit?: {
    familyId: string;
    memberIds: string;
    categories: string;
    /** Family data only: the registration whose family-level consents a read rests on, when not `familyId` (familyGrant). */
    registration?: string;
  };
  /**
   * Rights that guard some of the record's fields (a field-level right, beside `read`), declared once here
   * and applied by one function (`withholdFields`): the fields a caller without the right does not get,
   * the relation whose consent is their legal basis and their data categories, as the audit records a read
   * of those fields, and the nested parts (GraphQL fields of the record) that tell the same.
   */
  fieldRights?: Record<string, FieldRight>;
}

export interface FieldRight {
  /** The record's own fields (entity properties) the right guards. */
  fields: readonly string[];
  /** Parts read with the record (its GraphQL fields) and their properties the right guards as well. */
  parts?: Record<string, readonly string[]>;
  consentRelation: string;
  categories: string;
  /**
   * `withRecord`: decided per row in the statement that reads the record (the fields come with it where the
   * right holds, and only then are their categories audited). `apart`: never read with the record; a read
   * for the right itself (PersonalReader, `right`) returns the rows it allows, audited as a read of them.
   */
  decided: 'withRecord' | 'apart';
}

/** The users with need-to-know on a family: assigned caseworkers/volunteers and the supporters of its open plan. */
function familyTeam(familyId: string): RelationField {
  const assigned = `SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = ${familyId} AND ca.ended_at IS NULL`;
  const supporting = `SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = ${familyId} AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED'`;
  return {
    contains: (v) => `(EXISTS (${assigned} AND ca.user_id = ${v}) OR EXISTS (${supporting} AND ts.user_id = ${v}))`,
    array: `ARRAY(${assigned} UNION ${supporting})`,
  };
}

/** Agencies already working with a family: by a case assignment or on its open plan's team. */
function familyAgencies(familyId: string): RelationField {
  const assigned = `SELECT ia.agency_id FROM case_assignment ia WHERE ia.family_id = ${familyId} AND ia.ended_at IS NULL`;
  const onTeam = `SELECT pp.agency_id FROM plan_participant pp JOIN plan ip ON ip.id = pp.plan_id
    WHERE ip.family_id = ${familyId} AND ip.status <> 'CLOSED' AND pp.removed_at IS NULL`;
  return {
    contains: (v) => `(EXISTS (${assigned} AND ia.agency_id = ${v}) OR EXISTS (${onTeam} AND pp.agency_id = ${v}))`,
    array: `ARRAY(${assigned} UNION ${onTeam})`,
  };
}

function planSupporters(planId: string, state: 'CURRENT' | 'INCOMING'): RelationField {
  const base = `SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = ${planId} AND s.state = '${state}'`;
  return { contains: (v) => `EXISTS (${base} AND s.user_id = ${v})`, array: `ARRAY(${base})` };
}

/** Family members who speak for every member in `members` (SQL yielding member ids) in the portal. */
function speakers(familyId: string, members: string): RelationField {
  const speaksForAll = (v: string) => `NOT EXISTS (SELECT 1 FROM (${members}) sm(id) WHERE NOT member_speaks_for(${v}, sm.id))`;
  return {
    contains: speaksForAll,
    array: `ARRAY(SELECT sp.id FROM family_member sp WHERE sp.family_id = ${familyId} AND ${speaksForAll('sp.id')})`,
  };
}

/**
 * Family members whom a record about `members` concerns in the portal: each of them, and whoever speaks
 * for one of them (a parent for a child who cannot decide yet).
 */
function concerned(familyId: string, members: string): RelationField {
  const speaksForOne = (v: string) => `EXISTS (SELECT 1 FROM (${members}) ccm(id) WHERE member_speaks_for(${v}, ccm.id))`;
  return {
    contains: speaksForOne,
    array: `ARRAY(SELECT sp.id FROM family_member sp WHERE sp.family_id = ${familyId} AND ${speaksForOne('sp.id')})`,
  };
}

/**
 * The family members a consent concerns: who gave it (its grantor), and those it concerns as a record about
 * the members it names. Each of them sees it and may withdraw it, as far as it is theirs to withdraw
 * (ConsentsService.revoke).
 */
function consentConcerned(consent: string, familyId: string, grantor: string): RelationField {
  const named = concerned(familyId, `SELECT ccs.member_id FROM consent_subject ccs WHERE ccs.consent_id = ${consent}`);
  const concerns = (v: string) => `(${grantor} = ${v} OR ${named.contains(v)})`;
  return {
    contains: concerns,
    array: `ARRAY(SELECT cm.id FROM family_member cm WHERE cm.family_id = ${familyId} AND ${concerns('cm.id')})`,
  };
}

/**
 * A member `cm` of the registration `registration` (SQL; null: of any): registered in it (a merge moved her, keeping
 * `registration_family_id`; else her family), or the member a record of it became (two records of one person).
 */
const ofRegistration = (registration: string) => `(${registration} IS NULL
    OR COALESCE(cm.registration_family_id, cm.family_id) = ${registration}
    OR EXISTS (SELECT 1 FROM family_member rm WHERE rm.merged_into_member_id = cm.id AND COALESCE(rm.registration_family_id, rm.family_id) = ${registration}))`;

/**
 * The members a note `nt` is about: those it names; when it names none, the members of the registration it was
 * written in (`consent_family_id`, kept by a merge: docs/family-merge.md, "Consents do not widen"), or the whole
 * family when it has none (no merge, or written after it).
 */
const noteMembers = (familyId: string, note: string) => `SELECT cm.id FROM family_member cm
  WHERE cm.family_id = ${familyId}
  AND (EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = ${note}.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = ${note}.id) AND ${ofRegistration(`${note}.consent_family_id`)}))`;

/** The trajectory supporters (current or incoming) of the family's open plan. */
function familySupporters(familyId: string): RelationField {
  const base = `SELECT fs.user_id FROM trajectory_supporter fs JOIN plan fp ON fp.id = fs.plan_id
    WHERE fp.family_id = ${familyId} AND fp.status <> 'CLOSED' AND fs.state <> 'ENDED'`;
  return { contains: (v) => `EXISTS (${base} AND fs.user_id = ${v})`, array: `ARRAY(${base})` };
}

/**
 * A grant `cg` (table consent_grant, one row per consent, member and category) is in force: not revoked,
 * within its validity, and — when a parent or caregiver gave it for a child — the child not yet 18, or
 * the young adult has confirmed it (see migration TransitionToAdulthood).
 */
export const GRANT_IN_FORCE = `cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
    AND (cg.represented_until IS NULL OR cg.represented_until > current_date)`;

/**
 * A grant `g` a parent or caregiver gave for a child that the member has not confirmed, and that is not
 * revoked or expired: what the young adult is to decide on as they turn 18 (or since).
 */
export const grantToConfirm = (g: string) =>
  `(${g}.represented_until IS NOT NULL AND ${g}.revoked_at IS NULL AND (${g}.valid_until IS NULL OR ${g}.valid_until > now()))`;

/**
 * Grants in force matched on `key`, to the agency — or, with `recipient` `recipient_directory_service_id`, to an
 * organisation outside the platform by its directory service (a logged referral's).
 */
export const grantInForce = (
  key: string,
  agency: string,
  category: string,
  recipient: 'recipient_agency_id' | 'recipient_directory_service_id' = 'recipient_agency_id',
) =>
  `EXISTS (SELECT 1 FROM consent_grant cg WHERE ${key} AND cg.${recipient} = ${agency} AND cg.category = ${category}
    AND ${GRANT_IN_FORCE})`;

/** `member` consented that the agency uses `category`. */
const grant = (member: string, agency: string, category: string) => grantInForce(`cg.member_id = ${member}`, agency, category);

/** Agencies working in the family's network for which `holds(agency)` is true (the in-memory form of a consent relation). */
const agenciesWhere = (familyId: string, holds: (agency: string) => string) =>
  `ARRAY(SELECT ca_ag.id FROM (${agenciesWorkingIn(`(SELECT network_id FROM family WHERE id = ${familyId})`)}) ca_ag(id) WHERE ${holds('ca_ag.id')})`;

/** The agency holds the consent of this one member for `category`. */
function memberConsent(familyId: string, memberId: string, category: string): RelationField {
  const holds = (agency: string) => grant(memberId, agency, category);
  return { contains: holds, array: agenciesWhere(familyId, holds) };
}

/**
 * The grants `cg` that are family-level consents for a record of `registration` (the registration whose
 * family-level consents govern it: docs/family-merge.md, "Consents do not widen"), now of `familyId`: given in
 * that registration, or — a registration merged into the family — given in the family after it joined it
 * (recorded after `merged_at`). Without a merge both are the same family and this is `cg.family_id = family`.
 */
export const familyGrant = (registration: string, familyId: string) =>
  `cg.family_id = ANY (ARRAY[${registration}, ${familyId}]) AND (cg.family_id = ${registration}
    OR (SELECT rc.recorded_at FROM consent rc WHERE rc.id = cg.consent_id)
       > (SELECT rf.merged_at FROM family rf WHERE rf.id = ${registration} AND rf.merged_into_family_id = ${familyId}))`;

/**
 * Family-level data (the plan, goals, actions): the consent of any member of the family for `category`, given
 * for the registration the record is governed by (`registration`, SQL).
 */
function familyConsent(familyId: string, registration: string, category: string): RelationField {
  const holds = (agency: string) => grantInForce(familyGrant(registration, familyId), agency, category);
  return { contains: holds, array: agenciesWhere(familyId, holds) };
}

/** The registration whose family-level consents govern a plan `p`: the one a merge brought it from, else its family. */
const PLAN_REGISTRATION = 'COALESCE(p.consent_family_id, p.family_id)';
/** …and a goal `g` of it: the one a merge brought the goal from, else its plan's. */
const GOAL_REGISTRATION = 'COALESCE(g.consent_family_id, p.consent_family_id, p.family_id)';

/** The consent of every member in `members` (SQL yielding member ids) for `category`. */
function everyMemberConsent(familyId: string, members: string, category: string): RelationField {
  const holds = (agency: string) => `NOT EXISTS (SELECT 1 FROM (${members}) em(id) WHERE NOT ${grant('em.id', agency, category)})`;
  return { contains: holds, array: agenciesWhere(familyId, holds) };
}

/** A note `note` (an alias): the consent of every member it concerns (noteMembers) for its category. */
const noteConsent = (familyId: string, note: string) => everyMemberConsent(familyId, noteMembers(familyId, note), `${note}.category`);

/** The current trajectory supporter of the family's open plan (not an incoming one). */
function currentSupporter(familyId: string): RelationField {
  const base = `SELECT cs.user_id FROM trajectory_supporter cs JOIN plan cp ON cp.id = cs.plan_id
    WHERE cp.family_id = ${familyId} AND cp.status <> 'CLOSED' AND cs.state = 'CURRENT'`;
  return { contains: (v) => `EXISTS (${base} AND cs.user_id = ${v})`, array: `ARRAY(${base})` };
}

/** Users holding a break-glass grant for the family that is in force now. */
function breakGlass(familyId: string): RelationField {
  const base = `SELECT bg.user_id FROM break_glass_grant bg WHERE bg.family_id = ${familyId}
    AND now() >= bg.starts_at AND now() < bg.expires_at
    AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id)`;
  return { contains: (v) => `EXISTS (${base} AND bg.user_id = ${v})`, array: `ARRAY(${base})` };
}

/** Agencies a referral naming the member was sent to (and not withdrawn). */
function referredTo(memberId: string): RelationField {
  const base = `SELECT rr.to_agency_id FROM referral rr JOIN referral_member rm ON rm.referral_id = rr.id
    WHERE rm.member_id = ${memberId} AND rr.sent_at IS NOT NULL AND rr.status <> 'WITHDRAWN'`;
  return { contains: (v) => `EXISTS (${base} AND rr.to_agency_id = ${v})`, array: `ARRAY(${base})` };
}

const referralMembers = (referralId: string) => `SELECT rfm.member_id FROM referral_member rfm WHERE rfm.referral_id = ${referralId}`;

/**
 * The agencies holding the REFERRAL consent of every member the referral names: the receiver (what sending
 * requires), or the organisation of its bridge figure. As an array, only agencies some referred member's
 * grant names are tried, not every agency of the network: those of grants not revoked, which changes nothing
 * (an agency holding them all holds one not revoked) but lets the member's grants be probed by the partial
 * index consent_grant_member_idx — without it every REFERRAL grant of the database was scanned.
 */
function referralConsent(referralId: string): RelationField {
  const holds = (agency: string) => `NOT EXISTS (SELECT 1 FROM (${referralMembers(referralId)}) rcm(id) WHERE NOT ${grant('rcm.id', agency, `'REFERRAL'`)})`;
  return {
    contains: holds,
    array: `ARRAY(SELECT DISTINCT rca.recipient_agency_id FROM consent_grant rca
      WHERE rca.member_id IN (${referralMembers(referralId)}) AND rca.category = 'REFERRAL' AND rca.revoked_at IS NULL
        AND ${holds('rca.recipient_agency_id')})`,
  };
}

/** A goal in the health or safety domain is health or safety data; any other goal is plan data. */
const goalCategory = (goal: string) =>
  `(CASE ${goal}.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END)`;

/** The members the goal `g` names. */
const GOAL_NAMED = `SELECT gm.member_id FROM goal_member gm WHERE gm.goal_id = g.id`;

/**
 * A goal `g` written after a registration was merged into its registration (GOAL_REGISTRATION): about the family
 * that registration had become, not about the registration alone. From the merges themselves (`family_merge`), which a
 * later merge leaves as they were, so a goal written in a family that had absorbed another keeps that over a chain.
 */
const GOAL_AFTER_MERGE = `EXISTS (SELECT 1 FROM family_merge gfm WHERE gfm.surviving_family_id = ${GOAL_REGISTRATION}
    AND gfm.status = 'MERGED' AND gfm.merged_at <= g.created_at)`;

/**
 * A PLAN goal (`g`) that names nobody is family data, as the plan is. Any other goal is about members: those it
 * names, or — a HEALTH or SAFETY goal naming nobody — the members of the registration it was written in (as a note
 * naming nobody: docs/family-merge.md, "Consents do not widen"), every member when written after a merge into it.
 */
const GOAL_IS_FAMILY_DATA = `(${goalCategory('g')} = 'PLAN' AND NOT EXISTS (${GOAL_NAMED}))`;
const goalMembers = (familyId: string) => `SELECT cm.id FROM family_member cm
  WHERE cm.family_id = ${familyId}
  AND (EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id AND x.member_id = cm.id)
       OR (NOT EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id) AND (${GOAL_AFTER_MERGE} OR ${ofRegistration(GOAL_REGISTRATION)})))`;

/** Family data under any member's PLAN consent; a goal about members under each one's consent for its category (as a note). */
function goalConsent(familyId: string): RelationField {
  const family = familyConsent(familyId, GOAL_REGISTRATION, `'PLAN'`);
  const members = everyMemberConsent(familyId, goalMembers(familyId), goalCategory('g'));
  const holds = (agency: string) =>
    `(CASE WHEN ${GOAL_IS_FAMILY_DATA} THEN ${family.contains(agency)} ELSE ${members.contains(agency)} END)`;
  return { contains: holds, array: agenciesWhere(familyId, holds) };
}

/**
 * Who sees a goal in the portal: every member when it is family data; a PLAN goal naming members, whoever
 * speaks for one of them (a goal they share is each one's); a HEALTH or SAFETY goal, whoever speaks for
 * every member it names (as a note) — and nobody while it names none (the team's only).
 */
function goalSpeakers(familyId: string): RelationField {
  const allNamed = speakers(familyId, GOAL_NAMED);
  const oneNamed = concerned(familyId, GOAL_NAMED);
  const speaks = (v: string) => `(CASE WHEN ${goalCategory('g')} = 'PLAN'
      THEN NOT EXISTS (${GOAL_NAMED}) OR ${oneNamed.contains(v)}
      ELSE EXISTS (${GOAL_NAMED}) AND ${allNamed.contains(v)} END)`;
  return {
    contains: speaks,
    array: `ARRAY(SELECT sp.id FROM family_member sp WHERE sp.family_id = ${familyId} AND ${speaks('sp.id')})`,
  };
}

/**
 * Goals and the actions and progress notes under them (the goal joined as `g`): their category follows
 * the goal's life domain, the members they concern the goal's (GOAL_IS_FAMILY_DATA); `alias` is the
 * record's own table, for its author.
 */
const underGoal = <F extends Record<string, string>>(alias: string, fields: F) => ({
  fields: { ...fields, category: goalCategory('g'), authorUserId: `${alias}.created_by_user_id`, ...familyScoped('p.family_id') },
  relations: {
    teamUserIds: familyTeam('p.family_id'),
    consentedAgencyIds: goalConsent('p.family_id'),
    breakGlassUserIds: breakGlass('p.family_id'),
    speakerMemberIds: goalSpeakers('p.family_id'),
  },
  audit: {
    familyId: 'p.family_id',
    memberIds: `(CASE WHEN ${GOAL_IS_FAMILY_DATA} THEN '{}'::uuid[] ELSE ARRAY(${goalMembers('p.family_id')}) END)`,
    categories: `ARRAY[${goalCategory('g')}]`,
    registration: GOAL_REGISTRATION,
  },
});

const familyScoped = (familyId: string) => ({
  networkId: 'f.network_id',
  familyId,
});

const planJoins = (planId: string) => [
  { table: 'plan', alias: 'p', on: `p.id = ${planId}` },
  { table: 'family', alias: 'f', on: 'f.id = p.family_id' },
];

/** The subjects' SQL; their declared field and relation names type the rules' conditions (ability.factory.ts). */
export const SUBJECTS = {
  Network: { table: 'network', alias: 'n', joins: [], fields: { id: 'n.id' }, relations: {} },
  Agency: {
    table: 'agency',
    alias: 'ag',
    joins: [],
    fields: { id: 'ag.id', networkId: 'ag.network_id' },
    relations: { servedNetworkIds: servedNetworks('ag.id') },
  },
  Membership: {
    table: 'membership',
    alias: 'm',
    joins: [{ table: 'agency', alias: 'ma', on: 'ma.id = m.agency_id' }],
    fields: { id: 'm.id', agencyId: 'm.agency_id', networkId: 'ma.network_id', role: 'm.role' },
    relations: {},
  },
  CaseAssignment: {
    table: 'case_assignment',
    alias: 'c',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = c.family_id' }],
    fields: { id: 'c.id', agencyId: 'c.agency_id', ...familyScoped('c.family_id') },
    relations: { familyAgencyIds: familyAgencies('c.family_id'), teamUserIds: familyTeam('c.family_id') },
  },
  Family: {
    table: 'family',
    alias: 'f',
    joins: [],
    fields: { id: 'f.id', ...familyScoped('f.id') },
    relations: { teamUserIds: familyTeam('f.id'), familyAgencyIds: familyAgencies('f.id'), supporterUserIds: currentSupporter('f.id') },
  },
  FamilyMember: {
    table: 'family_member',
    alias: 'fm',
    // The network by a lookup per member, not a join: joined, the planner hashed the whole family table for
    // every page of members (docs/decisions.md, "The member's network by a lookup").
    joins: [],
    fields: {
      id: 'fm.id',
      authorUserId: 'fm.created_by_user_id',
      familyId: 'fm.family_id',
      networkId: '(SELECT fmf.network_id FROM family fmf WHERE fmf.id = fm.family_id)',
    },
    relations: {
      teamUserIds: familyTeam('fm.family_id'),
      consentedAgencyIds: memberConsent('fm.family_id', 'fm.id', `'IDENTITY'`),
      contactConsentedAgencyIds: memberConsent('fm.family_id', 'fm.id', `'CONTACT'`),
      breakGlassUserIds: breakGlass('fm.family_id'),
      speakerMemberIds: speakers('fm.family_id', 'SELECT fm.id'),
      referredToAgencyIds: referredTo('fm.id'),
      referralConsentedAgencyIds: memberConsent('fm.family_id', 'fm.id', `'REFERRAL'`),
    },
    audit: { familyId: 'fm.family_id', memberIds: 'ARRAY[fm.id]', categories: `ARRAY['IDENTITY']` },
    // E-mail, phone and language: read apart from the identity, under the member's CONTACT consent.
    fieldRights: {
      readContact: {
        fields: ['email', 'phone', 'preferredLanguage'],
        consentRelation: 'contactConsentedAgencyIds' as const,
        categories: `ARRAY['CONTACT']`,
        decided: 'apart',
      },
    },
  },
  Consent: {
    table: 'consent',
    alias: 'cn',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = cn.family_id' }],
    fields: { id: 'cn.id', ...familyScoped('cn.family_id') },
    relations: {
      teamUserIds: familyTeam('cn.family_id'),
      concernedMemberIds: consentConcerned('cn.id', 'cn.family_id', 'cn.grantor_member_id'),
    },
    audit: {
      familyId: 'cn.family_id',
      memberIds: 'ARRAY(SELECT acs.member_id FROM consent_subject acs WHERE acs.consent_id = cn.id)',
      categories: 'cn.categories',
    },
  },
  CapacityAssessment: {
    table: 'capacity_assessment',
    alias: 'cpa',
    joins: [
      { table: 'family_member', alias: 'cpm', on: 'cpm.id = cpa.member_id' },
      { table: 'family', alias: 'f', on: 'f.id = cpm.family_id' },
    ],
    fields: { id: 'cpa.id', ...familyScoped('cpm.family_id') },
    relations: { speakerMemberIds: speakers('cpm.family_id', 'SELECT cpa.member_id') },
    audit: { familyId: 'cpm.family_id', memberIds: 'ARRAY[cpa.member_id]', categories: `ARRAY['IDENTITY']` },
  },
  BreakGlassGrant: {
    table: 'break_glass_grant',
    alias: 'bgg',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = bgg.family_id' }],
    fields: { id: 'bgg.id', userId: 'bgg.user_id', ...familyScoped('bgg.family_id') },
    relations: { teamUserIds: familyTeam('bgg.family_id'), familySupporterUserIds: familySupporters('bgg.family_id') },
  },
  AuditEvent: {
    table: 'audit_event',
    alias: 'ae',
    joins: [],
    // Read as the lines of a family's access log (access-log.service.ts, accessLogLines), which carry the family
    // an entry is about now: the one it was written for, or the family that registration was merged into since
    // (docs/family-merge.md) — known per registration read, not looked up per entry.
    fields: { id: 'ae.seq', familyId: 'ae.audited_family_id' },
    relations: { speakerMemberIds: speakers('ae.audited_family_id', 'SELECT unnest(ae.member_ids)') },
  },
  Plan: {
    table: 'plan',
    alias: 'p',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = p.family_id' }],
    fields: {
      id: 'p.id',
      status: 'p.status',
      ...familyScoped('p.family_id'),
      hasSupporter: `EXISTS (SELECT 1 FROM trajectory_supporter hs WHERE hs.plan_id = p.id AND hs.state = 'CURRENT')`,
      authorUserId: 'p.created_by_user_id',
    },
    relations: {
      teamUserIds: familyTeam('p.family_id'),
      consentedAgencyIds: familyConsent('p.family_id', PLAN_REGISTRATION, `'PLAN'`),
      breakGlassUserIds: breakGlass('p.family_id'),
      supporterUserIds: planSupporters('p.id', 'CURRENT'),
      incomingSupporterUserIds: planSupporters('p.id', 'INCOMING'),
    },
    audit: { familyId: 'p.family_id', memberIds: `'{}'::uuid[]`, categories: `ARRAY['PLAN']`, registration: PLAN_REGISTRATION },
  },
  Goal: {
    table: 'goal',
    alias: 'g',
    joins: planJoins('g.plan_id'),
    ...underGoal('g', { id: 'g.id', planId: 'g.plan_id', status: 'g.status' }),
  },
  Action: {
    table: 'action',
    alias: 'a',
    joins: [{ table: 'goal', alias: 'g', on: 'g.id = a.goal_id' }, ...planJoins('g.plan_id')],
    ...underGoal('a', { id: 'a.id', goalId: 'a.goal_id', status: 'a.status', assigneeUserId: 'a.assignee_user_id' }),
  },
  Note: {
    table: 'note',
    alias: 'nt',
    joins: planJoins('nt.plan_id'),
    fields: {
      id: 'nt.id',
      category: 'nt.category',
      authorUserId: 'nt.author_user_id',
      ...familyScoped('p.family_id'),
    },
    relations: {
      teamUserIds: familyTeam('p.family_id'),
      consentedAgencyIds: noteConsent('p.family_id', 'nt'),
      breakGlassUserIds: breakGlass('p.family_id'),
      speakerMemberIds: speakers('p.family_id', noteMembers('p.family_id', 'nt')),
    },
    audit: {
      familyId: 'p.family_id',
      memberIds: `ARRAY(${noteMembers('p.family_id', 'nt')})`,
      categories: 'ARRAY[nt.category]',
    },
  },
  Referral: {
    table: 'referral',
    alias: 'r',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = r.family_id' }],
    fields: {
      id: 'r.id',
      status: 'r.status',
      sent: '(r.sent_at IS NOT NULL)',
      fromAgencyId: 'r.from_agency_id',
      toAgencyId: 'r.to_agency_id',
      authorUserId: 'r.created_by_user_id',
      bridgeFigureUserId: 'r.bridge_figure_user_id',
      ...familyScoped('r.family_id'),
    },
    relations: {
      teamUserIds: familyTeam('r.family_id'),
      supporterUserIds: planSupporters('r.plan_id', 'CURRENT'),
      consentedAgencyIds: referralConsent('r.id'),
      breakGlassUserIds: breakGlass('r.family_id'),
      speakerMemberIds: speakers('r.family_id', referralMembers('r.id')),
      concernedMemberIds: concerned('r.family_id', referralMembers('r.id')),
    },
    audit: { familyId: 'r.family_id', memberIds: `ARRAY(${referralMembers('r.id')})`, categories: `ARRAY['REFERRAL']` },
    // What the referral says about the members (its reason, the free text of its steps and meetings): decided
    // per row as the referral is read; without it the referral shows status, dates and agencies. Where the
    // meetings take place is a right of its own: whoever holds the details holds it, and so does the bridge
    // figure, who goes there with the family (the first right declared decides the read's audit).
    fieldRights: {
      readDetails: {
        fields: ['reason', 'declineReason', 'withdrawReason', 'outcomeNote'],
        parts: { transitions: ['reason'], handoverMeetings: ['note'] },
        consentRelation: 'consentedAgencyIds',
        categories: `ARRAY['REFERRAL']`,
        decided: 'withRecord',
      },
      readMeetingPlace: {
        fields: [],
        parts: { handoverMeetings: ['location', 'onlineUrl'] },
        consentRelation: 'consentedAgencyIds',
        categories: `ARRAY['REFERRAL']`,
        decided: 'withRecord',
      },
    },
  },
  IntegrationClient: {
    table: 'integration_client',
    alias: 'ic',
    joins: [{ table: 'agency', alias: 'ica', on: 'ica.id = ic.agency_id' }],
    fields: { id: 'ic.id', agencyId: 'ic.agency_id', networkId: 'ica.network_id' },
    relations: {},
  },
  DirectoryService: {
    table: 'directory_service',
    alias: 'ds',
    joins: [],
    fields: { id: 'ds.id', networkId: 'ds.network_id', agencyId: 'ds.agency_id' },
    relations: {},
  },
} satisfies Record<SubjectName, SubjectSql>;

type Declared = typeof SUBJECTS;

/** Subjects holding personal data (those with an `audit` declaration): read only through the PersonalReader. */
export type PersonalSubject = { [S in SubjectName]: Declared[S] extends { audit: object } ? S : never }[SubjectName];
/** Personal subjects with field-level rights: read only as records, so that the rights are applied (field-rights.ts). */
export type FieldGuardedSubject = { [S in PersonalSubject]: Declared[S] extends { fieldRights: object } ? S : never }[PersonalSubject];
/** Subjects without personal data (administration, authorization records): scoped by PolicyService.scope. */
export type OpenSubject = Exclude<SubjectName, PersonalSubject>;

/**
 * The names a rule's conditions may use on `S`: its declared fields and relations. For several subjects
 * (a union), only the names all of them declare.
 */
export type ConditionField<S extends SubjectName> = keyof Declared[S]['fields'] | keyof Declared[S]['relations'];

export const isPersonal = (subject: SubjectName): subject is PersonalSubject => subjectSql(subject).audit !== undefined;

/** The SQL of a subject, as the translation reads it (names as plain strings). */
export const subjectSql = (subject: SubjectName): SubjectSql => SUBJECTS[subject];

/** `table alias JOIN …`: the FROM clause under which the subject's fields and relations are valid. */
export function fromClause(subject: SubjectName): string {
  const def = SUBJECTS[subject];
  return [`${def.table} ${def.alias}`, ...def.joins.map((j) => `JOIN ${j.table} ${j.alias} ON ${j.on}`)].join(' ');
}
