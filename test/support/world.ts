import { randomUUID } from 'node:crypto';
import { PLATFORM_ADMIN, type TestApi, uniqueSubject } from './test-app.js';

export type Role = 'CASEWORKER' | 'VOLUNTEER' | 'AGENCY_ADMIN' | 'NETWORK_COORDINATOR';

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

/** Factories: every test builds its own data through the public API, as a client would. */
export class World {
  constructor(readonly api: TestApi) {}

  async network(): Promise<Network> {
    const { createNetwork } = await this.api.ok(
      PLATFORM_ADMIN,
      `mutation($input: CreateNetworkInput!) { createNetwork(input: $input) { id } }`,
      { input: { name: `Netwerk ${randomUUID()}` } },
    );
    const hub = await this.createAgency(PLATFORM_ADMIN, createNetwork.id, 'CHILD_AND_FAMILY');
    const coordinator = await this.member(PLATFORM_ADMIN, hub, 'NETWORK_COORDINATOR');
    return { id: createNetwork.id, coordinator, coordinatingAgencyId: hub };
  }

  async agency(network: Network, kind = 'CHILD_WELFARE'): Promise<Agency> {
    const id = await this.createAgency(network.coordinator.subject, network.id, kind);
    const admin = await this.member(network.coordinator.subject, id, 'AGENCY_ADMIN');
    return { id, admin };
  }

  async createAgency(asSubject: string, networkId: string, kind: string): Promise<string> {
    const { createAgency } = await this.api.ok(
      asSubject,
      `mutation($input: CreateAgencyInput!) { createAgency(input: $input) { id } }`,
      { input: { networkId, name: `Dienst ${randomUUID()}`, kind } },
    );
    return createAgency.id;
  }

  async member(asSubject: string, agencyId: string, role: Role, subject = uniqueSubject(role.toLowerCase())): Promise<Person> {
    const { addMembership } = await this.api.ok(
      asSubject,
      `mutation($input: AddMembershipInput!) { addMembership(input: $input) { user { id } } }`,
      { input: { agencyId, subject, displayName: `Test ${role}`, role } },
    );
    return { subject, userId: addMembership.user.id, agencyId };
  }

  /** A member with the given role, added by the agency's own admin. */
  async staff(agency: Agency, role: 'CASEWORKER' | 'VOLUNTEER' | 'AGENCY_ADMIN' = 'CASEWORKER'): Promise<Person> {
    return this.member(agency.admin.subject, agency.id, role);
  }
}
