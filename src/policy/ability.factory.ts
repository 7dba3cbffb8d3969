import { AbilityBuilder, buildMongoQueryMatcher, createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import { $or, or } from '@ucast/mongo2js';
import type { Principal } from '../auth/principal.js';
import { MembershipRole } from '../users/membership-role.js';
import { worksInNetworks } from './network-reach.js';
import { type ConditionField, SUBJECTS, type SubjectName } from './subjects.js';

/**
 * `readContact` is the field-level right to a member's contact details (CONTACT consent).
 * `update` on a Membership is ending it; on a Consent, revoking it.
 * `coordinate` is the trajectory supporter's work on a plan (status, team, handing over the role);
 * `confirmHandover` records that the family agreed to a new supporter: the family itself, or another
 * member of the team — never the incoming supporter, whose own takeover it is.
 * On a Referral, `refer` is a step of the referring side (send, schedule, withdraw), `respond` one of
 * the receiving agency (waitlist, decline, record the outcome), `intake` receiving and accepting (also
 * open to the agency's integration client), `readDetails` the right to what it says about the members
 * (its reason, the free text of its steps and meetings), `readMeetingPlace` where its meetings take place
 * (given with `readDetails`, and to the bridge figure), and `readActors` seeing which person took each
 * step and who the bridge figure is (partner systems see the acting agency only); naming the bridge
 * figure is a step of the referring side (`refer`). `notice` on a Referral is being told that it arrived
 * (its id and time, in the inbox) without reading anything of it: the receiving agency's admins.
 * `readInsights` on a Network is reading its aggregate figures (no personal data, small counts suppressed).
 * `erase` on a FamilyMember is asking that its personal data be erased (requestErasure); `assessCapacity`
 * recording that it can (or cannot) decide for itself, setting aside the presumption from 12.
 * `merge` on a Family is proposing or confirming that another registration of the same family is merged
 * into it, or it into the other (docs/family-merge.md): its current trajectory supporter, or the network's coordinator.
 * `move` on a Family is proposing or withdrawing its move to another network with its plan
 * (docs/regional-agencies-and-moves.md): its current trajectory supporter, or the coordinator of its network —
 * a right of its own, so that the coordinator gains none of the supporter's work on the plan (`coordinate`).
 * `invitePortal` on a FamilyMember is handing her a one-time portal invitation; `endPortalLogin` ending her portal login.
 * `requestCorrection` on a FamilyMember is asking her team, in the portal, to correct her data.
 * `editWorkContact` on a Membership is setting the work e-mail and phone of the member (her agency's admin; a
 * user sets her own without a rule).
 */
export type PolicyAction =
  | 'create'
  | 'read'
  | 'readContact'
  | 'update'
  | 'coordinate'
  | 'confirmHandover'
  | 'refer'
  | 'respond'
  | 'intake'
  | 'readDetails'
  | 'readMeetingPlace'
  | 'readActors'
  | 'notice'
  | 'readInsights'
  | 'erase'
  | 'invitePortal'
  | 'endPortalLogin'
  | 'assessCapacity'
  | 'merge'
  | 'move'
  | 'editWorkContact'
  | 'requestCorrection';

// Conditions name subject fields (subjects.ts), not entity properties; each rule's are checked against its
// subject's declared names when it is written (`Conditions` below), so the ability holds plain records.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AppAbility = MongoAbility<[PolicyAction, SubjectName | Record<string, unknown>], MongoQuery<Record<string, any>>>;

/**
 * The conditions `C` of a rule on subject(s) `S`: every key a field or relation subjects.ts declares for
 * `S` (for several subjects, one all of them declare), or `$or` of such conditions. A name it does not
 * declare becomes `never`, so that a typo is a compile error rather than a rule that is silently false.
 */
export type Conditions<C, S extends SubjectName> = {
  [K in keyof C]: K extends '$or' ? (C[K] extends readonly (infer E)[] ? readonly Conditions<E, S>[] : never) : K extends ConditionField<S> ? C[K] : never;
};

/** A rule whose conditions are checked against its subject's declared names (`Conditions`). */
export type TypedRule = <S extends SubjectName, C extends object = object>(
  action: PolicyAction | PolicyAction[],
  subject: S | readonly S[],
  conditions?: C & Conditions<C, S>,
) => void;

/** `can` and `cannot` of `builder`, typed (test/fixtures/ability-conditions.fixture.ts shows a typo refused). */
export function typedRules(builder: AbilityBuilder<AppAbility>): { can: TypedRule; cannot: TypedRule } {
  const rule =
    (add: (action: PolicyAction | PolicyAction[], subject: SubjectName | SubjectName[], conditions?: object) => unknown): TypedRule =>
    (action, subject, conditions) => {
      add(action, typeof subject === 'string' ? subject : [...subject], conditions);
    };
  return { can: rule(builder.can), cannot: rule(builder.cannot) };
}

/** Records holding a family member's personal data: each is read under the access rule below. */
const PERSONAL_DATA = ['FamilyMember', 'Plan', 'Goal', 'Action', 'Note'] as const;
/** Volunteers never see health or safety data (docs/consent-and-portal.md, "The access rule"). */
const VOLUNTEER_HIDDEN_CATEGORIES = ['HEALTH', 'SAFETY'];

/**
 * The access rule (docs/consent-and-portal.md): on the family's team (assigned, or its supporter) AND (the acting agency
 * holds the consent for the record's members and category, OR the user authored the record, OR an
 * active break-glass grant covers it). One condition with `$or`, so that the team check stands once in
 * the SQL predicate (a rule per alternative would repeat it, and the planner's work, three times).
 */
function accessBasis<F extends 'consentedAgencyIds' | 'contactConsentedAgencyIds' = 'consentedAgencyIds'>(
  userId: string,
  agencyId: string,
  options: { breakGlass: boolean; consentField?: F },
) {
  type Basis = { [K in F]: string } | { authorUserId: string } | { breakGlassUserIds: string };
  const bases: Basis[] = [{ [options.consentField ?? 'consentedAgencyIds']: agencyId } as Basis, { authorUserId: userId }];
  if (options.breakGlass) bases.push({ breakGlassUserIds: userId });
  return { $or: bases };
}

/** The consent behind the right to a member's contact details, as subjects.ts declares it for the read audit too. */
const CONTACT_CONSENT = SUBJECTS.FamilyMember.fieldRights.readContact.consentRelation;

/** Referrals sent to the agency (a draft is the referrer's own until sent, also when withdrawn unsent). */
const incomingReferral = (agencyId: string) => ({ toAgencyId: agencyId, sent: true });
/** A member referred to the agency, while the member's REFERRAL consent to it is in force. */
const referredMember = (agencyId: string) => ({ referredToAgencyIds: agencyId, referralConsentedAgencyIds: agencyId });

/** What a referral says about its members, and where its meetings take place: held together, but by the bridge figure. */
const DETAILS: PolicyAction[] = ['readDetails', 'readMeetingPlace'];

/**
 * The bridge figure (docs/referrals-and-webhooks.md, "The bridge figure"), while on the family's team and
 * named on the referral: she sees it (status, service, agencies, the meeting's time and place, who acts)
 * to accompany the family; what it says about the members only under their REFERRAL consent to her own
 * organisation, as the receiving agency reads it under theirs.
 */
function bridgeFigureRules(can: TypedRule, onTeam: { networkId: ReturnType<typeof worksInNetworks>; teamUserIds: string }, userId: string, agencyId: string): void {
  const named = { ...onTeam, bridgeFigureUserId: userId };
  can(['read', 'readActors', 'readMeetingPlace'], 'Referral', named);
  can('readDetails', 'Referral', { ...named, consentedAgencyIds: agencyId });
}

/** CASL's Mongo conditions plus `$or` (not in its default set), for the access basis above. */
const conditionsMatcher = buildMongoQueryMatcher({ $or }, { or });

/**
 * Every authorization rule of the service, in one place. Conditions use the fields declared in
 * subjects.ts, so the same rules decide single checks (`ability.can`) and list filters (SQL).
 * Admins of any level manage administration and never see family data.
 */
export function defineAbilityFor(principal: Principal): AppAbility {
  const builder = new AbilityBuilder<AppAbility>((rules) => createMongoAbility(rules, { conditionsMatcher }));
  const { can, cannot } = typedRules(builder);

  if (principal.isPlatformAdmin) {
    can(['create', 'read'], ['Network', 'Agency']);
    can('read', 'Membership');
    can(['create', 'update'], 'Membership', { role: { $in: [MembershipRole.NETWORK_COORDINATOR, MembershipRole.AGENCY_ADMIN] } });
  }

  const member = principal.familyMember;
  if (member) {
    // The family's own view: its plan, and the personal data of the members it speaks for
    // (itself; a parent also for a child who cannot decide yet), never another member's unshared data.
    // Goals and actions by the members they concern (subjects.ts, goalSpeakers): family data for all.
    const own = { familyId: member.familyId };
    const spoken = { ...own, speakerMemberIds: member.memberId };
    can('read', ['Family', 'FamilyMember', 'Plan'], own);
    can('readContact', 'FamilyMember', spoken);
    can('read', ['Note', 'Goal', 'Action', 'AuditEvent', 'CapacityAssessment'], spoken);
    can('read', 'BreakGlassGrant', own);
    // A referral shows to every member it concerns (referred, or speaking for a referred member); its reason
    // is about each referred member, so only who speaks for all of them reads it.
    can(['read', 'readActors'], 'Referral', { ...own, concernedMemberIds: member.memberId });
    can(DETAILS, 'Referral', spoken);
    can('create', 'Consent', own);
    // A consent is seen and withdrawn by everyone who gave it or whom it concerns (also when it names others).
    can(['read', 'update'], 'Consent', { ...own, concernedMemberIds: member.memberId });
    can('confirmHandover', 'Plan', own);
    // The right to erasure, for oneself (a parent also for a child who cannot decide yet).
    can('erase', 'FamilyMember', spoken);
    // The right to rectification: she asks the team to correct her data (a parent also a young child's).
    can('requestCorrection', 'FamilyMember', spoken);
    // A member ends her own portal login (never another's: a login is personal).
    can('endPortalLogin', 'FamilyMember', { ...own, id: member.memberId });
  }

  const client = principal.integrationClient;
  if (client && principal.acting) {
    // A partner's case system: referrals to its agency, status only unless its scope and the family's
    // consent allow personal data (docs/referrals-and-webhooks.md, "Integration partners"); the agency that took each step,
    // never the person (no `readActors`).
    const { agencyId } = principal.acting;
    if (client.scopes.includes('referrals:read')) can('read', 'Referral', incomingReferral(agencyId));
    if (client.scopes.includes('referrals:write')) can('intake', 'Referral', incomingReferral(agencyId));
    if (client.scopes.includes('referrals:personal')) {
      can(DETAILS, 'Referral', { ...incomingReferral(agencyId), consentedAgencyIds: agencyId });
      can('read', 'FamilyMember', referredMember(agencyId));
    }
  }

  const acting = principal.acting;
  if (acting && principal.userId) {
    const { networkId, agencyId } = acting;
    const userId = principal.userId;
    // A family's network is one the agency works in: its own, or one it serves (network-reach.ts). The
    // administration below (agencies, memberships, figures) stays with the agency's own network.
    const familyNetwork = worksInNetworks(acting);
    const onTeam = { networkId: familyNetwork, teamUserIds: userId };
    can('read', 'Network', { id: familyNetwork });
    can('read', 'Agency', { networkId });
    // The regional agencies serving the network are in its directory too (to be put on a family's team).
    can('read', 'Agency', { servedNetworkIds: networkId });
    // The directory of services (organisations, no personal data) is for every professional of the network.
    can('read', 'DirectoryService', { networkId });

    for (const role of acting.roles) {
      switch (role) {
        case MembershipRole.NETWORK_COORDINATOR:
          can('create', 'Agency', { networkId });
          can('readInsights', 'Network', { id: networkId });
          // Merges two registrations of the same family alone (no family data read: the merge moves rows).
          can('merge', 'Family', { networkId });
          // Watches over the network's families: moves one to another network (no family data read: a handover).
          can('move', 'Family', { networkId });
          can(['create', 'update'], 'DirectoryService', { networkId });
          can('read', 'Membership', { networkId });
          can(['create', 'update'], 'Membership', {
            networkId,
            role: { $in: [MembershipRole.NETWORK_COORDINATOR, MembershipRole.AGENCY_ADMIN] },
          });
          break;
        case MembershipRole.AGENCY_ADMIN:
          can('read', 'Membership', { agencyId });
          can('editWorkContact', 'Membership', { agencyId });
          can(['create', 'read', 'update'], 'IntegrationClient', { agencyId });
          // Their own agency's services in the directory (organisations outside the platform: the coordinators).
          can(['create', 'update'], 'DirectoryService', { networkId, agencyId });
          can(['create', 'update'], 'Membership', {
            agencyId,
            role: { $in: [MembershipRole.CASEWORKER, MembershipRole.VOLUNTEER, MembershipRole.AGENCY_ADMIN] },
          });
          // Only for families the agency already works with (assignment or plan team).
          can('create', 'CaseAssignment', { networkId: familyNetwork, agencyId, familyAgencyIds: agencyId });
          can(['read', 'update'], 'CaseAssignment', { agencyId });
          // Told in the inbox that a referral to the agency arrived, reading none of it (docs/inbox.md).
          can('notice', 'Referral', incomingReferral(agencyId));
          break;
        case MembershipRole.CASEWORKER:
          can('create', 'Family', { networkId });
          // The family itself (no personal data but its existence) is visible to its team.
          can(['read', 'update'], 'Family', onTeam);
          can('read', PERSONAL_DATA, { ...onTeam, ...accessBasis(userId, agencyId, { breakGlass: true }) });
          can('readContact', 'FamilyMember', {
            ...onTeam,
            ...accessBasis(userId, agencyId, { breakGlass: true, consentField: CONTACT_CONSENT }),
          });
          // Corrects a member, records her birth or that she left the household: under her own consent (or
          // authorship), never under break-glass; contact fields also need the CONTACT right (MemberChangesService).
          can('update', 'FamilyMember', { ...onTeam, ...accessBasis(userId, agencyId, { breakGlass: false }) });
          // Records a member's request to erase its data, on the member's behalf (reading the member comes first).
          can('erase', 'FamilyMember', onTeam);
          // Portal logins by invitation: the team hands a member a code, and may end a lost or misused login.
          can(['invitePortal', 'endPortalLogin'], 'FamilyMember', onTeam);
          // Assesses whether a member can decide for itself: only a member it may read (PolicyService.authorize).
          can('assessCapacity', 'FamilyMember', onTeam);
          // Changing a record first needs reading it (PolicyService.authorize), so consent applies to writes too.
          can('update', ['Plan', 'Goal', 'Action'], onTeam);
          can('create', ['Plan', 'Goal', 'Action', 'Note', 'Consent'], onTeam);
          can(['read', 'update'], 'Consent', onTeam);
          // Break-glass: for caseworkers on the team (never volunteers); the holder or the supporter ends it.
          can(['create', 'read'], 'BreakGlassGrant', onTeam);
          can('update', 'BreakGlassGrant', { ...onTeam, userId });
          can('update', 'BreakGlassGrant', { ...onTeam, familySupporterUserIds: userId });
          can('coordinate', 'Plan', { networkId: familyNetwork, supporterUserIds: userId });
          can(['merge', 'move'], 'Family', { networkId: familyNetwork, supporterUserIds: userId });
          // Before a supporter is chosen, the team closes a draft nobody coordinates.
          can('coordinate', 'Plan', { ...onTeam, hasSupporter: false, status: 'DRAFT' });
          can('confirmHandover', 'Plan', onTeam);
          cannot('confirmHandover', 'Plan', { incomingSupporterUserIds: userId });
          // Referrals: the referring agency's caseworkers on the team, and the plan's supporter, refer;
          // the receiving agency responds from the moment it is sent. What the referral says about the
          // members it reads under the REFERRAL consent of every one of them (what sending required), or,
          // on the family's team (the caseworker who accepted it), also under break-glass: the access rule.
          // Otherwise it sees status, dates and agencies, and each referred member while her own REFERRAL
          // consent to it is in force.
          can('create', 'Referral', { ...onTeam, fromAgencyId: agencyId });
          can(['read', ...DETAILS, 'readActors', 'refer'], 'Referral', { ...onTeam, fromAgencyId: agencyId });
          can(['read', ...DETAILS, 'readActors', 'refer'], 'Referral', { networkId: familyNetwork, supporterUserIds: userId });
          can(['read', 'readActors', 'respond', 'intake'], 'Referral', incomingReferral(agencyId));
          can(DETAILS, 'Referral', { ...incomingReferral(agencyId), consentedAgencyIds: agencyId });
          can(DETAILS, 'Referral', { ...incomingReferral(agencyId), ...onTeam, breakGlassUserIds: userId });
          can('read', 'FamilyMember', referredMember(agencyId));
          bridgeFigureRules(can, onTeam, userId, agencyId);
          break;
        case MembershipRole.VOLUNTEER: {
          const shareable = { ...onTeam, category: { $nin: VOLUNTEER_HIDDEN_CATEGORIES } };
          can('read', 'Family', onTeam);
          // Only what the family shared with the volunteer organisation; no break-glass for volunteers.
          const basis = accessBasis(userId, agencyId, { breakGlass: false });
          can('read', ['FamilyMember', 'Plan'], { ...onTeam, ...basis });
          can('read', ['Goal', 'Action', 'Note'], { ...shareable, ...basis });
          can('readContact', 'FamilyMember', {
            ...onTeam,
            ...accessBasis(userId, agencyId, { breakGlass: false, consentField: CONTACT_CONSENT }),
          });
          can('create', 'Note', shareable);
          can('update', 'Action', { ...onTeam, assigneeUserId: userId });
          bridgeFigureRules(can, onTeam, userId, agencyId);
          break;
        }
      }
    }
  }
  return builder.build();
}

/**
 * The same rules without their access basis (the `$or` of consent, authorship and break-glass): what
 * team membership alone would allow. Never used to serve requests; the benchmark measures with it what
 * the basis costs (`npm run bench`, "consent cost").
 */
export function withoutAccessBasis(ability: AppAbility): AppAbility {
  const rules = ability.rules.map((rule) => {
    const { $or: _basis, ...rest } = (rule.conditions ?? {}) as Record<string, unknown>;
    return rule.conditions && Object.keys(rest).length > 0 ? { ...rule, conditions: rest } : rule;
  });
  return createMongoAbility(rules, { conditionsMatcher }) as AppAbility;
}

