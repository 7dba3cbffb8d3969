import pg from 'pg';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  AgencyMembershipsDocument,
  BreakGlassDocument,
  RegisterIntegrationClientDocument,
  RemoveMembershipDocument,
  RevokeConsentDocument,
} from '../graphql/generated.js';
import { auditOfRequest } from './audit-parts.js';
import { type GraphQLResult, TestApi } from './test-app.js';
import type { Agency, Network, Person, World } from './world.js';

/** Who sends a request: a person's or portal login's subject (a development token), or an integration client's token. */
export type Sender = string | { token: string };

/** A token of a new integration client of `agency` (POST /oauth/token), valid on every app of the test database. */
export async function integrationClientToken(api: TestApi, agency: Agency): Promise<{ token: string }> {
  const { registerIntegrationClient } = await api.ok(agency.admin.subject, RegisterIntegrationClientDocument, {
    input: { agencyId: agency.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ', 'REFERRALS_WRITE'] },
  });
  const res = await request(api.app.getHttpServer())
    .post('/oauth/token')
    .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret });
  return { token: res.body.access_token as string };
}

/**
 * A compiled read (COMPILED_READS on) beside the field resolvers' path (off), on the same database. The
 * resolvers' path writes an entry per family per reading statement, the compiled path one per family for the
 * whole request (docs/audit.md), so the entries are compared by what they record: each expanded into its
 * parts (audit-parts.ts), a record per line with its part's type, members, basis, categories and consents and
 * the entry's other columns (all but seq, at, request_id, the chain's hash and prev_hash, which the chainer
 * sets later), in a canonical order; and the families of the entries, an entry each.
 */
export class CompiledPaths {
  private constructor(
    readonly compiled: TestApi,
    readonly resolvers: TestApi,
    readonly sql: pg.Pool,
  ) {}

  /** The shared app (compiled reads on), an app of the file's own with them off, and a pool to read the audit. */
  static async start(): Promise<CompiledPaths> {
    const compiled = await TestApi.start();
    const resolvers = await TestApi.start({ COMPILED_READS: 'false' });
    return new CompiledPaths(compiled, resolvers, new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 }));
  }

  async stop(): Promise<void> {
    await this.sql.end();
    await this.resolvers.stop();
    await this.compiled.stop();
  }

  /** What the read audit entries of a request record (support/audit-parts.ts). */
  auditOf(requestId: string): Promise<{ records: string[]; families: string[] }> {
    return auditOfRequest(this.sql, requestId);
  }

  /** The same request on both paths: their answers, the compiled path's SQL statements and both audits. */
  async both(sender: Sender, query: string, variables: Record<string, unknown>) {
    const ids = { compiled: `compiled-${randomUUID()}`, resolvers: `resolvers-${randomUUID()}` };
    const send = (api: TestApi, requestId: string) =>
      typeof sender === 'string'
        ? api.gql(sender, query, variables, { 'X-Request-Id': requestId })
        : api.gql(null, query, variables, { 'X-Request-Id': requestId, Authorization: `Bearer ${sender.token}` });
    let viaCompiled!: GraphQLResult;
    // The principal remembered first, as a client's earlier request leaves it: the compiled read then checks it in its own statement.
    await send(this.compiled, `warm-${randomUUID()}`).then(() => undefined, () => undefined);
    const statements = await this.compiled.countStatements(async () => {
      viaCompiled = await send(this.compiled, ids.compiled);
    });
    const viaResolvers = await send(this.resolvers, ids.resolvers);
    return { viaCompiled, viaResolvers, statements, audit: { compiled: await this.auditOf(ids.compiled), resolvers: await this.auditOf(ids.resolvers) } };
  }
}

/** The contract tests' network: the author's agency, a partner (mental health) and the school's agency, and the author. */
export async function agenciesOfEveryKind(world: World): Promise<{ network: Network; agency: Agency; partner: Agency; revokedAgency: Agency; author: Person }> {
  const network = await world.network();
  const agency = await world.agency(network);
  const partner = await world.agency(network, 'MENTAL_HEALTH');
  const revokedAgency = await world.agency(network, 'SCHOOL_GUIDANCE');
  return { network, agency, partner, revokedAgency, author: await world.staff(agency) };
}

/**
 * The family's team as the contract tests meet it, `author` of `agency` its supporter and the school's agency
 * (`revokedAgency`) with consent (a participant of the plan) and a partner on the plan: a colleague and a
 * volunteer of `agency`, a partner's caseworker, the school's caseworker after the family revoked its consents
 * and a second one of its caseworkers who broke the glass, and a caseworker whose membership `agency` just ended.
 */
export async function teamOfEveryKind(
  world: World,
  api: TestApi,
  sql: pg.Pool,
  family: { id: string; author: Person; agency: Agency; partner: Agency; revokedAgency: Agency },
): Promise<Record<'colleague' | 'volunteer' | 'therapist' | 'schoolWorker' | 'responder' | 'leaver', Person>> {
  const { author, agency, partner, revokedAgency } = family;
  const colleague = await world.staff(agency);
  const volunteer = await world.staff(agency, 'VOLUNTEER');
  for (const person of [colleague, volunteer]) await world.assign(agency.admin, family.id, person.userId);
  const therapist = await world.staff(partner);
  await world.assign(partner.admin, family.id, therapist.userId);
  const schoolWorker = await world.staff(revokedAgency);
  const responder = await world.staff(revokedAgency);
  for (const person of [schoolWorker, responder]) await world.assign(revokedAgency.admin, family.id, person.userId);
  const { rows: consents } = await sql.query<{ id: string; grantor: string }>(
    `SELECT id, grantor_member_id AS grantor FROM consent WHERE family_id = $1 AND recipient_agency_id = $2`,
    [family.id, revokedAgency.id],
  );
  for (const { id, grantor } of consents) {
    await api.ok(author.subject, RevokeConsentDocument, { input: { consentId: id, reason: 'Niet meer nodig', revokedByMemberId: grantor } });
  }
  await api.ok(responder.subject, BreakGlassDocument, { input: { familyId: family.id, justification: 'Acute melding van de school vanmorgen.' } });
  const leaver = await world.staff(agency);
  await world.assign(agency.admin, family.id, leaver.userId);
  const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
  const leaverMembership = memberships.edges.find((e) => e.node.user?.id === leaver.userId)!.node.id;
  await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: leaverMembership });
  return { colleague, volunteer, therapist, schoolWorker, responder, leaver };
}
