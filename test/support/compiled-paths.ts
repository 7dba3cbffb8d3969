import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { RegisterIntegrationClientDocument } from '../graphql/generated.js';
import { type PartedEntry, partsOf } from './audit-parts.js';
import type { GraphQLResult, TestApi } from './test-app.js';
import type { Agency } from './world.js';

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
  constructor(
    readonly compiled: TestApi,
    readonly resolvers: TestApi,
    private readonly sql: pg.Pool,
  ) {}

  async auditOf(requestId: string): Promise<{ records: string[]; families: string[] }> {
    const { rows } = await this.sql.query<{ entry: PartedEntry & Record<string, unknown> }>(
      `SELECT to_jsonb(ae) - 'seq' - 'at' - 'request_id' - 'hash' - 'prev_hash' AS entry FROM audit_event ae WHERE request_id = $1`,
      [requestId],
    );
    const records = rows.flatMap(({ entry }) => {
      const { entity_type, entity_ids, member_ids, categories, legal_basis, consent_ids, parts, ...columns } = entry;
      return partsOf({ entity_type, entity_ids, member_ids, categories, legal_basis, consent_ids, parts }).flatMap((part) =>
        part.records.map((record) =>
          JSON.stringify({ ...columns, type: part.type, record, members: [...part.members].sort(), basis: part.basis, categories: [...part.categories].sort(), consents: [...part.consents].sort() }),
        ),
      );
    });
    return { records: records.sort(), families: rows.map(({ entry }) => entry.family_id as string).sort() };
  }

  /** The same request on both paths: their answers, the compiled path's SQL statements and both audits. */
  async both(sender: Sender, query: string, variables: Record<string, unknown>) {
    const ids = { compiled: `compiled-${randomUUID()}`, resolvers: `resolvers-${randomUUID()}` };
    const send = (api: TestApi, requestId: string) =>
      typeof sender === 'string'
        ? api.gql(sender, query, variables, { 'X-Request-Id': requestId })
        : api.gql(null, query, variables, { 'X-Request-Id': requestId, Authorization: `Bearer ${sender.token}` });
    let viaCompiled!: GraphQLResult;
    const statements = await this.compiled.countStatements(async () => {
      viaCompiled = await send(this.compiled, ids.compiled);
    });
    const viaResolvers = await send(this.resolvers, ids.resolvers);
    return { viaCompiled, viaResolvers, statements, audit: { compiled: await this.auditOf(ids.compiled), resolvers: await this.auditOf(ids.resolvers) } };
  }
}
