import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  AcceptReferralDocument,
  CreateReferralDocument,
  DeclineReferralDocument,
  type IntegrationScope,
  ReceiveReferralDocument,
  RegisterIntegrationClientDocument,
  SendReferralDocument,
  WithdrawReferralDocument,
} from '../graphql/generated.js';
import type { TestApi } from './test-app.js';
import { type Agency, type Network, type Person, parentWithTwoChildren, World } from './world.js';

/** The steps a scene takes, each answering the referral's new version. */
const STEPS = {
  sendReferral: SendReferralDocument,
  receiveReferral: ReceiveReferralDocument,
  acceptReferral: AcceptReferralDocument,
  declineReferral: DeclineReferralDocument,
  withdrawReferral: WithdrawReferralDocument,
};
type Step = keyof typeof STEPS;
/** Who takes each step: the referring caseworker or the receiving agency's intake worker. */
const BY_RECEIVER = new Set<Step>(['receiveReferral', 'acceptReferral', 'declineReferral']);

export interface SceneClient {
  id: string;
  secret: string;
}

/**
 * One network where `worker` of `referrer` refers families to `receiver` (whose `intake` takes the
 * receiver's steps), `other` is a third agency; for the tests of referral events.
 */
export class ReferralScene {
  private constructor(
    readonly api: TestApi,
    readonly world: World,
    readonly network: Network,
    readonly referrer: Agency,
    readonly receiver: Agency,
    readonly other: Agency,
    readonly worker: Person,
    readonly intake: Person,
  ) {}

  static async create(api: TestApi): Promise<ReferralScene> {
    const world = new World(api);
    const network = await world.network();
    const referrer = await world.agency(network);
    const receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    const other = await world.agency(network, 'SCHOOL_GUIDANCE');
    return new ReferralScene(api, world, network, referrer, receiver, other, await world.staff(referrer), await world.staff(receiver));
  }

  /** A partner system of `agency` (default: the receiver) registered by its admin. */
  async client(webhookUrl: string | null, scopes: IntegrationScope[] = ['REFERRALS_READ'], agency: Agency = this.receiver): Promise<SceneClient> {
    const { registerIntegrationClient } = await this.api.ok(agency.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: agency.id, name: `Dossiersysteem ${randomUUID()}`, scopes, ...(webhookUrl ? { webhookUrl } : {}) },
    });
    return { id: registerIntegrationClient.client.id, secret: registerIntegrationClient.clientSecret };
  }

  /** The GraphQL answer to `query` sent by a new integration client of the receiver, with the token it gets (client credentials). */
  async asClient(query: string): Promise<{ errors?: { extensions?: { code?: string } }[]; data?: unknown }> {
    const client = await this.client(null);
    const server = this.api.app.getHttpServer();
    const token = await request(server).post('/oauth/token').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    return (await request(server).post('/graphql').set('Authorization', `Bearer ${token.body.access_token as string}`).send({ query })).body;
  }

  /** A DRAFT referral to the receiver for the first child of a new family, who consented to it; and the family's id. */
  async draft(): Promise<{ id: string; version: number; familyId: string }> {
    const f = await this.world.familyWithPlan(this.worker, { members: parentWithTwoChildren() });
    const child = f.memberIds[1]!;
    await this.world.consentAll(this.worker, { ...f, id: f.familyId, members: f.members.filter((m) => m.id === child) }, this.receiver.id, ['REFERRAL']);
    const { createReferral } = await this.api.ok(this.worker.subject, CreateReferralDocument, {
      input: { planId: f.planId, toAgencyId: this.receiver.id, memberIds: [child], reason: 'Schoolproblemen', urgency: 'ROUTINE', requestedService: 'Begeleiding' },
    });
    return { ...createReferral, familyId: f.familyId };
  }

  /** Takes `mutation` (sendReferral, acceptReferral, …) as the party whose step it is; the new version. */
  async step(mutation: Step, referralId: string, expectedVersion: number, extra: Record<string, unknown> = {}): Promise<number> {
    const actor = BY_RECEIVER.has(mutation) ? this.intake : this.worker;
    // Every step's input is { referralId, expectedVersion, …extra }, and every step answers the referral.
    const step = STEPS[mutation] as unknown as TypedDocumentNode<Partial<Record<Step, { version: number }>>, { input: Record<string, unknown> }>;
    const data = await this.api.ok(actor.subject, step, { input: { referralId, expectedVersion, ...extra } });
    return data[mutation]!.version;
  }
}
