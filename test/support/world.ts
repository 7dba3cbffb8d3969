import { randomUUID } from 'node:crypto';
import {
  AcceptMembershipInvitationDocument,
  type AgencyKind,
  AddMembershipDocument,
  AddPlanParticipantDocument,
  AssignCaseDocument,
  AssignTrajectorySupporterDocument,
  ClosePlanDocument,
  CreateAgencyDocument,
  CreateNetworkDocument,
  CreatePortalInvitationDocument,
  type DataCategory,
  FamilyMembersDocument,
  OpenPlanDocument,
  PlanFamilyMembersDocument,
  RecordConsentDocument,
  RedeemPortalInvitationDocument,
  RegisterFamilyDocument,
  RegisterIntegrationClientDocument,
} from '../graphql/generated.js';
import type { DocumentNode } from 'graphql';
import request from 'supertest';
import { type GraphQLResult, operation, PLATFORM_ADMIN, queryText, type TestApi, uniqueSubject } from './test-app.js';

export type Role = 'CASEWORKER' | 'VOLUNTEER' | 'AGENCY_ADMIN' | 'NETWORK_COORDINATOR';

/** The roles an agency's admin gives its staff. */
export type StaffRole = Exclude<Role, 'NETWORK_COORDINATOR'>;

export interface Person {
  subject: string;
  userId: string;
  agencyId: string;
}

export interface Agency {
  id: string;
  admin: Person;
}

export interface Network {
  id: string;
  coordinator: Person;
  coordinatingAgencyId: string;
}

export const ALL_CATEGORIES: DataCategory[] = ['IDENTITY', 'CONTACT', 'PLAN', 'NOTES', 'HEALTH', 'SAFETY', 'REFERRAL'];

/** A member as registerFamily takes it. */
export interface FamilyMemberInput {
  role: 'PARENT' | 'CHILD';
  givenName: string;
  familyName: string;
  birthDate?: string;
  /** An INSZ or BIS number (docs/family-identity.md). */
  nationalNumber?: string;
  /** A language tag ("fr-BE", "en"); unset: the service speaks Dutch to the member. */
  preferredLanguage?: string;
}

export const parent = (givenName: string, familyName: string, birthDate = '1990-04-01'): FamilyMemberInput => ({
  role: 'PARENT',
  givenName,
  familyName,
  birthDate,
});

export const child = (givenName: string, familyName: string, birthDate: string): FamilyMemberInput => ({
  role: 'CHILD',
  givenName,
  familyName,
  birthDate,
});

/**
 * Sara Peeters with Lien (born 2012, old enough to confirm a support handover) and Mo (born 2021, too
 * young to). `label` tells apart the names of many such families.
 */
export const parentWithTwoChildren = (label?: string): FamilyMemberInput[] => {
  const named = (givenName: string) => (label === undefined ? givenName : `${givenName} ${label}`);
  return [
    parent(named('Sara'), 'Peeters', '1990-04-01'),
    child(named('Lien'), 'Peeters', '2012-02-03'),
    child(named('Mo'), 'Peeters', '2021-06-30'),
  ];
};

export interface Family {
  id: string;
  /** In the order they were registered. */
  members: { id: string; role: string; birthDate: string | null }[];
  memberIds: string[];
}

export interface FamilyWithPlan {
  familyId: string;
  planId: string;
  members: Family['members'];
  memberIds: string[];
}

/** What to do with a plan right after opening it, in this order. */
export interface PlanOptions {
  summary?: string;
  /** Made trajectory supporter by the worker who opened the plan. */
  supporter?: Person;
  /** Agencies the worker adds to the plan team. */
  participants?: { agencyId: string; contribution: string }[];
  /** Users `admin` assigns to the family, after the participants joined (so a participating agency's admin may). */
  assign?: { admin: Person; userIds: string[] };
  /** Participants get the family's consent (all categories) unless false. */
  consentForParticipants?: boolean;
}

/**
 * The people around one family's plan, for the access matrices of goals and notes: `agency`'s
 * caseworker registers the family and its volunteer is assigned; `unassigned` works for the same
 * agency but not with the family; `otherCaseworker` works for `otherAgency`, in another network.
 */
export interface PlanTeam {
  network: Network;
  agency: Agency;
  caseworker: Person;
  volunteer: Person;
  unassigned: Person;
  otherAgency: Agency;
  otherCaseworker: Person;
}

export type PlanTeamActor =
  | 'caseworker'
  | 'volunteer'
  | 'unassigned caseworker (same agency)'
  | 'caseworker of another network'
  | 'agency admin';

/** The subject `actor` sends its requests as. */
export function subjectOf(team: PlanTeam, actor: PlanTeamActor): string {
  const people: Record<PlanTeamActor, Person> = {
    caseworker: team.caseworker,
    volunteer: team.volunteer,
    'unassigned caseworker (same agency)': team.unassigned,
    'caseworker of another network': team.otherCaseworker,
    'agency admin': team.agency.admin,
  };
  return people[actor].subject;
}

/** Factories: every test builds its own data through the public API, as a client would. */
export class World {
  constructor(readonly api: TestApi) {}

  /** A new network with its coordinating agency (CHILD_AND_FAMILY) and its coordinator. */
  async network(): Promise<Network> {
    const [network] = await this.networks(1);
    return network;
  }

  /**
   * `count` networks in three requests of the platform admin: the networks, their coordinating agencies, their
   * coordinators. The plural factories send the mutations of one caller that depend on nothing the others return
   * together (TestApi.okTogether), one request per level: the same records, made by the same callers as by the single
   * ones, with fewer requests (docs/testing.md, "Requests per file, fifth pass").
   */
  async networks(count: number): Promise<Network[]> {
    const created = await this.api.okTogether(
      PLATFORM_ADMIN,
      Array.from({ length: count }, () => operation(CreateNetworkDocument, { input: { name: `Netwerk ${randomUUID()}` } })),
    );
    const ids = created.map(({ createNetwork }) => createNetwork.id);
    const hubs = await this.createAgencies(PLATFORM_ADMIN, ids.map((networkId) => ({ networkId, kind: 'CHILD_AND_FAMILY' as const })));
    const coordinators = await this.members(PLATFORM_ADMIN, hubs.map((agencyId) => ({ agencyId, role: 'NETWORK_COORDINATOR' as const })));
    return ids.map((id, i) => ({ id, coordinator: coordinators[i], coordinatingAgencyId: hubs[i] }));
  }

  async agency(network: Network, kind: AgencyKind = 'CHILD_WELFARE'): Promise<Agency> {
    const [agency] = await this.agencies(network, [kind]);
    return agency;
  }

  /** One agency of each kind in `network`, each with an admin, in two requests of the network's coordinator. */
  async agencies(network: Network, kinds: AgencyKind[]): Promise<Agency[]> {
    const coordinator = network.coordinator.subject;
    const ids = await this.createAgencies(coordinator, kinds.map((kind) => ({ networkId: network.id, kind })));
    const admins = await this.members(coordinator, ids.map((agencyId) => ({ agencyId, role: 'AGENCY_ADMIN' as const })));
    return ids.map((id, i) => ({ id, admin: admins[i] }));
  }

  async createAgency(asSubject: string, networkId: string, kind: AgencyKind): Promise<string> {
    const [id] = await this.createAgencies(asSubject, [{ networkId, kind }]);
    return id;
  }

  /** Agencies created by `asSubject` in one request; their ids, in the order asked. */
  async createAgencies(asSubject: string, agencies: { networkId: string; kind: AgencyKind }[]): Promise<string[]> {
    const created = await this.api.okTogether(
      asSubject,
      agencies.map(({ networkId, kind }) => operation(CreateAgencyDocument, { input: { networkId, name: `Dienst ${randomUUID()}`, kind } })),
    );
    return created.map(({ createAgency }) => createAgency.id);
  }

  /** `subject` gets `role` in the agency: at once when new here, else by accepting the invitation it is sent. */
  async member(asSubject: string, agencyId: string, role: Role, subject?: string): Promise<Person> {
    const [person] = await this.members(asSubject, [{ agencyId, role, subject }]);
    return person;
  }

  /**
   * Memberships added by `asSubject` in one request, as member() adds each (a subject not given is a new one); then each
   * subject that was known already, and so only invited, accepts its invitation (a request of its own).
   */
  async members(asSubject: string, memberships: { agencyId: string; role: Role; subject?: string }[]): Promise<Person[]> {
    const wanted = memberships.map((m) => ({ ...m, subject: m.subject ?? uniqueSubject(m.role.toLowerCase()) }));
    const added = await this.api.okTogether(
      asSubject,
      wanted.map(({ agencyId, subject, role }) => operation(AddMembershipDocument, { input: { agencyId, subject, displayName: `Test ${role}`, role } })),
    );
    const people: Person[] = [];
    for (const [i, { addMembership }] of added.entries()) {
      const { subject, agencyId } = wanted[i];
      const user =
        addMembership.status === 'ACTIVE'
          ? addMembership.user
          : (await this.api.ok(subject, AcceptMembershipInvitationDocument, { input: { invitationId: addMembership.id } })).acceptMembershipInvitation.user;
      people.push({ subject, userId: user!.id, agencyId });
    }
    return people;
  }

  /** A member with the given role, added by the agency's own admin. */
  async staff(agency: Agency, role: StaffRole = 'CASEWORKER'): Promise<Person> {
    const [person] = await this.staffTogether(agency, [role]);
    return person;
  }

  /** Members with these roles, in this order, added by the agency's own admin in one request. */
  async staffTogether(agency: Agency, roles: StaffRole[]): Promise<Person[]> {
    return this.members(agency.admin.subject, roles.map((role) => ({ agencyId: agency.id, role })));
  }

  /**
   * A family registered by `worker`, who is assigned to it automatically. Unless `consentFor` says
   * otherwise, every member consents (all categories) to the worker's agency, as a family that agreed
   * to the help would: tests of the consent rule itself pass `consentFor: []`.
   */
  async family(
    worker: Person,
    members: FamilyMemberInput[] = [parent('Sara', 'Peeters')],
    options: { consentFor?: string[] } = {},
  ): Promise<Family> {
    const family = await this.register(worker, members);
    const consents = (options.consentFor ?? [worker.agencyId]).flatMap((agencyId) => this.consentOperations(family, agencyId));
    if (consents.length) await this.api.okTogether(worker.subject, consents);
    return family;
  }

  private async register(worker: Person, members: FamilyMemberInput[]): Promise<Family> {
    const { registerFamily } = await this.api.ok(worker.subject, RegisterFamilyDocument, { input: { members } });
    return { id: registerFamily.id, members: registerFamily.members, memberIds: registerFamily.members.map((m: { id: string }) => m.id) };
  }

  /**
   * Each member consents that `agencyId` uses `categories` of its data, recorded by `worker`: members
   * of 12 and older for themselves, younger children through the first parent. The consents' ids.
   */
  async consentAll(worker: Person, family: Family, agencyId: string, categories = ALL_CATEGORIES): Promise<string[]> {
    const recorded = await this.api.okTogether(worker.subject, this.consentOperations(family, agencyId, categories));
    return recorded.map(({ recordConsent }) => recordConsent.id);
  }

  /** The recordConsent mutations of consentAll, one per member, sent together in one request. */
  private consentOperations(family: Family, agencyId: string, categories = ALL_CATEGORIES) {
    const twelveYearsAgo = new Date();
    twelveYearsAgo.setFullYear(twelveYearsAgo.getFullYear() - 12);
    const decidesItself = (m: Family['members'][number]) => m.birthDate !== null && new Date(m.birthDate) <= twelveYearsAgo;
    const representative = family.members.find((m) => m.role === 'PARENT' && decidesItself(m));
    return family.members.map((member) =>
      operation(RecordConsentDocument, {
        input: {
          grantorMemberId: (decidesItself(member) ? member : representative!).id,
          subjectMemberIds: [member.id],
          recipientAgencyId: agencyId,
          categories,
          purposeCode: 'PLAN_COORDINATION',
          purpose: 'Samen werken aan het gezinsplan',
          method: 'WRITTEN',
          evidenceReference: `form-${member.id}`,
        },
      }),
    );
  }

  /** Opens a plan for a family `worker` is assigned to, and sets it up as `options` say; the plan's id. */
  async openPlan(worker: Person, familyId: string, options: PlanOptions = {}): Promise<string> {
    const { openPlan } = await this.api.ok(worker.subject, OpenPlanDocument, { input: this.openPlanInput(familyId, options) });
    await this.setUpPlan(worker, familyId, openPlan.id, options);
    return openPlan.id;
  }

  /** A family registered by `worker`, with a plan `worker` opened and set up as `options` say. */
  async familyWithPlan(
    worker: Person,
    options: PlanOptions & { members?: FamilyMemberInput[]; consentFor?: string[] } = {},
  ): Promise<FamilyWithPlan> {
    const family = await this.register(worker, options.members ?? [parent('Sara', 'Peeters')]);
    // The family's consents and the plan's opening in one request, in this order, as family() and openPlan() send them.
    const consents = (options.consentFor ?? [worker.agencyId]).flatMap((agencyId) => this.consentOperations(family, agencyId));
    const answers = await this.api.okTogether(worker.subject, [...consents, operation(OpenPlanDocument, { input: this.openPlanInput(family.id, options) })]);
    const planId = (answers.at(-1) as { openPlan: { id: string } }).openPlan.id;
    await this.setUpPlan(worker, family.id, planId, options, family);
    return { familyId: family.id, planId, members: family.members, memberIds: family.memberIds };
  }

  private openPlanInput = (familyId: string, options: PlanOptions) => ({ familyId, summary: options.summary ?? 'We willen rust in huis.' });

  /**
   * What `options` ask after opening: the supporter and the participants (one request), the participants' consents (one
   * request), the assignments (one request). `family` as registered, when known, saves reading its members.
   */
  private async setUpPlan(worker: Person, familyId: string, planId: string, options: PlanOptions, family?: Family): Promise<void> {
    const team = [
      ...(options.supporter ? [operation(AssignTrajectorySupporterDocument, { input: { planId, userId: options.supporter.userId } })] : []),
      ...(options.participants ?? []).map(({ agencyId, contribution }) => operation(AddPlanParticipantDocument, { input: { planId, agencyId, contribution } })),
    ];
    if (team.length) await this.api.okTogether(worker.subject, team);
    if (options.participants?.length && options.consentForParticipants !== false) {
      const members = family ?? (await this.membersOf(worker, familyId));
      await this.api.okTogether(worker.subject, options.participants.flatMap(({ agencyId }) => this.consentOperations(members, agencyId)));
    }
    if (options.assign?.userIds.length) {
      const { admin, userIds } = options.assign;
      await this.api.okTogether(admin.subject, userIds.map((userId) => operation(AssignCaseDocument, { input: { familyId, userId } })));
    }
  }

  /** The family as `worker` sees its members (for recording consents). */
  async membersOf(worker: Person, familyId: string): Promise<Family> {
    const { family } = await this.api.ok(worker.subject, FamilyMembersDocument, {
      id: familyId,
    });
    return { id: family.id, members: family.members, memberIds: family.members.map((m: { id: string }) => m.id) };
  }

  /** `worker` closes the plan (its goals achieved), as the family's first adult parent agreed. */
  async closePlan(worker: Person, planId: string): Promise<void> {
    const { plan } = await this.api.ok(worker.subject, PlanFamilyMembersDocument, { id: planId });
    const agreed = plan.family.members.find((m: { role: string }) => m.role === 'PARENT');
    await this.api.ok(worker.subject, ClosePlanDocument, { input: { planId, reasonCode: 'GOALS_ACHIEVED', agreedByMemberIds: [agreed!.id] } });
  }

  /**
   * A portal login for the member (who decides for itself): `worker` of its team creates an invitation,
   * and the member redeems its code with her own login; the login's subject.
   */
  async portalLogin(worker: Person, memberId: string, subject = uniqueSubject('portal')): Promise<string> {
    const { createPortalInvitation } = await this.api.ok(worker.subject, CreatePortalInvitationDocument, { input: { memberId } });
    await this.api.ok(subject, RedeemPortalInvitationDocument, { input: { code: createPortalInvitation.code } });
    return subject;
  }

  /**
   * A family of three parents who speak French (Sophie), English (John) and, unset, Dutch (An), each with a
   * portal login; its plan led by a new caseworker of `agency`, and a colleague of hers assigned to it.
   */
  async familyInThreeLanguages(agency: Agency): Promise<{ familyId: string; supporter: Person; colleague: Person; logins: { sophie: string; john: string; an: string } }> {
    const supporter = await this.staff(agency);
    const colleague = await this.staff(agency);
    const { familyId, members } = await this.familyWithPlan(supporter, {
      members: [{ ...parent('Sophie', 'Dubois'), preferredLanguage: 'fr-BE' }, { ...parent('John', 'Smith'), preferredLanguage: 'en-GB' }, parent('An', 'Peeters')],
      supporter,
      assign: { admin: agency.admin, userIds: [colleague.userId] },
    });
    const [sophie, john, an] = await Promise.all(members.map((m) => this.portalLogin(supporter, m.id)));
    return { familyId, supporter, colleague, logins: { sophie: sophie!, john: john!, an: an! } };
  }

  /** Sends `document` as a new integration client of `agency`, with its client-credentials token (a partner system). */
  async asIntegrationClient(agency: Agency, document: DocumentNode, variables: Record<string, unknown>): Promise<GraphQLResult> {
    const { registerIntegrationClient } = await this.api.ok(agency.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: agency.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ', 'REFERRALS_WRITE'] },
    });
    const server = this.api.app.getHttpServer();
    const token = await request(server)
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret });
    const res = await request(server)
      .post('/graphql')
      .set('Authorization', `Bearer ${token.body.access_token as string}`)
      .send({ query: queryText(document), variables });
    return res.body as GraphQLResult;
  }

  /** `admin` assigns one of its agency's users to the family; the assignment's id. */
  async assign(admin: Person, familyId: string, userId: string): Promise<string> {
    const { assignCase } = await this.api.ok(admin.subject, AssignCaseDocument, { input: { familyId, userId } });
    return assignCase.id;
  }

  /** A PlanTeam in a new network, with `otherAgency` in a second new network. */
  async planTeam(): Promise<PlanTeam> {
    const [network, otherNetwork] = await this.networks(2);
    const agency = await this.agency(network);
    const otherAgency = await this.agency(otherNetwork);
    const [caseworker, volunteer, unassigned] = await this.staffTogether(agency, ['CASEWORKER', 'VOLUNTEER', 'CASEWORKER']);
    return { network, agency, caseworker, volunteer, unassigned, otherAgency, otherCaseworker: await this.staff(otherAgency) };
  }

  /** A family of `team`'s caseworker (registered by it, so assigned), with an open plan; the team's volunteer is assigned too. */
  async teamFamilyWithPlan(team: PlanTeam, options: { members: FamilyMemberInput[]; summary: string }): Promise<FamilyWithPlan> {
    return this.familyWithPlan(team.caseworker, {
      ...options,
      assign: { admin: team.agency.admin, userIds: [team.volunteer.userId] },
    });
  }
}
