import type { INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import request from 'supertest';
import WebSocket from 'ws';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { GRAPHQL_LIMITS } from '../src/security/graphql-limits.js';
import { MAX_BODY_BYTES } from '../src/security/http-security.js';
import { UsersService } from '../src/users/users.service.js';
import { PLATFORM_ADMIN, TestApi } from './support/test-app.js';

/**
 * Issue 7, point 1: what a hostile client may send before any resolver runs — operation shape limits
 * (graphql-armor), batching, CSRF, field suggestions, body size — and what it gets back: a coded error
 * without stack or internals, also from a production process (introspection off, errors masked).
 */

/** `family { plan { family { plan … { id } } } }`: a legitimate cycle of the schema, `depth` fields deep. */
const nested = (depth: number) => {
  let inner = 'id';
  for (let level = depth - 1; level >= 2; level--) inner = `${level % 2 === 0 ? 'plan' : 'family'} { ${inner} }`;
  return `query($id: ID!) { family(id: $id) { ${inner} } }`;
};

/** Families with their plans' goals and actions, `copies` times over: about 13,200 cost each. */
const costly = (copies: number) =>
  `{ families(first: 100) { edges { node { ${'plan { goals { actions { id title status dueDate } } notes { id } } members { id givenName familyName birthDate } '.repeat(copies)}} } } }`;

/** The deepest and the costliest operation the test suite and the benchmark send: they must pass. */
const DEEPEST_LEGITIMATE = `{ families(first: 50) { edges { node { id members { id givenName } caseAssignments { user { id displayName } agency { name } }
  plan { id status supporter { user { id } } participants { agency { id } } } } } } }`;
const COSTLIEST_LEGITIMATE = `query($direction: ReferralDirection!) { referrals(direction: $direction, first: 100) { edges { node { id status version urgency
  reason externalReference sentAt receivedAt acceptedAt createdAt updatedAt fromAgency { id } toAgency { id } members { id givenName familyName } } } } }`;

const ANY_ID = '0190f5a0-0000-7000-8000-000000000000';

type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** What the service logs (its JSON lines, parsed) while `work` runs, written here instead of to stdout. */
async function loggedWhile<T>(work: () => Promise<T>): Promise<{ result: T; log: Record<string, unknown>[] }> {
  const root = PinoLogger.root as unknown as Record<symbol, unknown>;
  const stdout = root[pino.symbols.streamSym];
  const lines: string[] = [];
  root[pino.symbols.streamSym] = { write: (line: string) => lines.push(line) };
  try {
    return { result: await work(), log: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  } finally {
    root[pino.symbols.streamSym] = stdout;
  }
}

/** No stack, no SQL, no file paths in anything the client gets. */
function expectNoInternals(res: request.Response) {
  expect(res.text).not.toMatch(/stacktrace|\bat .+\.(js|ts):\d+|node_modules|SELECT |INSERT |syntax error at/i);
}

describe('hostile GraphQL operations', () => {
  let api: TestApi;
  let token: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).set(headers).send(body as object);

  beforeAll(async () => {
    // An app of this file's own: a test spies on the console it reports to, which the shared app does not use.
    api = await TestApi.startOwn();
    token = await TestApi.token(PLATFORM_ADMIN);
  });
  afterAll(() => api.stop());

  async function refused(query: string, pattern: RegExp, variables: Record<string, unknown> = { id: ANY_ID }) {
    const res = await post({ query, variables });
    expect(res.status).toBe(400);
    const body = res.body as Body;
    expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(pattern), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    expectNoInternals(res);
  }

  async function accepted(query: string, variables: Record<string, unknown> = {}) {
    const res = await post({ query, variables });
    expect((res.body as Body).errors?.map((e) => e.extensions?.code) ?? []).not.toContain('GRAPHQL_VALIDATION_FAILED');
    expect(res.status).toBe(200);
  }

  it(`refuses an operation nested deeper than ${GRAPHQL_LIMITS.depth}, and accepts one at the limit`, async () => {
    await refused(nested(GRAPHQL_LIMITS.depth + 1), /depth limit/i);
    await accepted(nested(GRAPHQL_LIMITS.depth), { id: ANY_ID });
  });

  it(`refuses more than ${GRAPHQL_LIMITS.aliases} aliases`, async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { subject }`).join(' ')} }`;
    await refused(aliases(GRAPHQL_LIMITS.aliases + 1), /aliases limit/i);
    await accepted(aliases(GRAPHQL_LIMITS.aliases));
  });

  it(`refuses an operation costing more than ${GRAPHQL_LIMITS.cost}`, async () => {
    await refused(costly(2), /cost limit/i);
    await accepted(costly(1));
  });

  it('charges the fields of a fragment as if they were written out', async () => {
    const spread = (copies: number) =>
      `{ families(first: 100) { edges { node { ...PlanAndMembers } } } } fragment PlanAndMembers on Family { ${'plan { goals { actions { id title status dueDate } } notes { id } } members { id givenName familyName birthDate } '.repeat(copies)}}`;
    await accepted(spread(1));
    await refused(spread(2), /cost limit/i);
  });

  it(`refuses a document of more than ${GRAPHQL_LIMITS.tokens} tokens`, async () => {
    // Aliases of __typename are free of the alias limit: only the token count stops this one.
    const fields = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    const res = await post({ query: fields(GRAPHQL_LIMITS.tokens) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/more tha[nt] \d+ tokens/i), extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
    expectNoInternals(res);
    await accepted(fields(GRAPHQL_LIMITS.tokens / 4));
  });

  it(`refuses more than ${GRAPHQL_LIMITS.directives} directives`, async () => {
    const directives = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename @skip(if: false)`).join(' ')} }`;
    await refused(directives(GRAPHQL_LIMITS.directives + 1), /directives limit/i, {});
    await accepted(directives(GRAPHQL_LIMITS.directives));
  });

  it('accepts the deepest and the costliest operation the tests and the benchmark send', async () => {
    await accepted(DEEPEST_LEGITIMATE);
    await accepted(COSTLIEST_LEGITIMATE, { direction: 'INCOMING' });
  });

  it('refuses batched operations: one operation per request', async () => {
    const res = await post([{ query: '{ me { subject } }' }, { query: '{ me { subject } }' }]);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ message: expect.stringMatching(/batching/i), extensions: { code: 'BAD_REQUEST' } });
  });

  it('refuses a request a browser could send cross-site without asking (CSRF)', async () => {
    const simple = await request(api.app.getHttpServer()).get('/graphql').query({ query: '{ __typename }' });
    expect(simple.status).toBe(400);
    expect(simple.body.errors[0]).toMatchObject({ message: expect.stringMatching(/Cross-Site Request Forgery/), extensions: { code: 'BAD_REQUEST' } });
    const preflighted = await request(api.app.getHttpServer()).get('/graphql').query({ query: '{ __typename }' }).set('apollo-require-preflight', 'true');
    expect(preflighted.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('does not suggest field names', async () => {
    const res = await post({ query: '{ famlies(first: 1) { edges { cursor } } }' });
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors[0].message).not.toMatch(/families|did you mean/i);
  });

  it(`refuses a body over ${MAX_BODY_BYTES / 1024} kB with a coded error, before parsing it`, async () => {
    const res = await post({ query: '{ me { subject } }', variables: { padding: 'x'.repeat(MAX_BODY_BYTES) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: expect.stringMatching(/larger than/), extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    expectNoInternals(res);
    const oauth = await request(api.app.getHttpServer()).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_secret: 'x'.repeat(MAX_BODY_BYTES) });
    expect(oauth.status).toBe(413);
    expect(oauth.body).toMatchObject({ error: 'payload_too_large' });
  });

  it('answers malformed JSON with a coded error, not an HTML page with a stack', async () => {
    const res = await request(api.app.getHttpServer()).post('/graphql').set('content-type', 'application/json').send('{"query": "{ me { subject } }",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] });
    expectNoInternals(res);
  });

  it('sends security headers (helmet)', async () => {
    const res = await post({ query: '{ __typename }' });
    expect(res.headers).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'strict-transport-security': expect.stringContaining('max-age='),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('closes a subscription socket that sends a message over the body limit (1009), not at 100 MiB', async () => {
    // graphql-ws reports the socket's error on the console itself: expected here, not printed.
    const reported = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const socket = new WebSocket(`ws://127.0.0.1:${api.port}/graphql`, 'graphql-transport-ws');
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(MAX_BODY_BYTES + 1) } }));
      expect(await closed).toBe(1009);
      expect(reported).toHaveBeenCalledWith(expect.stringContaining('Internal error emitted on a WebSocket socket'), expect.objectContaining({ message: 'Max payload size exceeded' }));
    } finally {
      reported.mockRestore();
    }
  });
});

describe('a production process', () => {
  let app: INestApplication;
  let token: string;
  const post = (query: string) => request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query });

  beforeAll(async () => {
    // The test settings (development tokens, the test database) with production behaviour.
    const config = loadConfig({ ...process.env, NODE_ENV: 'test', WEBHOOK_WORKER: 'false', PLATFORM_ADMIN_SUBJECTS: PLATFORM_ADMIN });
    app = await createApp({ ...config, env: 'production', databaseUrl: config.databaseUrl! });
    await app.init();
    token = await TestApi.token(PLATFORM_ADMIN);
  });
  afterAll(() => app.close());

  it('refuses introspection', async () => {
    const res = await post('{ __schema { types { name } } }');
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.data).toBeUndefined();
  });

  it('masks an internal error: its code, no message, stack or SQL', async () => {
    const users = app.get(UsersService);
    const viewer = users.viewer;
    users.viewer = () => {
      throw new Error('syntax error at or near "FROM" in SELECT subject FROM app_user');
    };
    try {
      const { result: res, log } = await loggedWhile(() => post('{ me { subject } }'));
      expect(res.body.errors).toEqual([{ message: 'Internal server error', path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expectNoInternals(res);
      // The operator has it all in the log (level error), where the test reads it instead of printing it.
      expect(log).toContainEqual(expect.objectContaining({ level: 50, requestId: res.headers['x-request-id'], err: expect.objectContaining({ message: expect.stringContaining('syntax error at or near') }) }));
    } finally {
      users.viewer = viewer;
    }
  });

  it('keeps client errors as they are, without stack', async () => {
    const res = await post('{ family(id: "not-an-id") { id } }');
    expect(res.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
    expectNoInternals(res);
    const limited = await post(nested(GRAPHQL_LIMITS.depth + 1));
    expect(limited.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
