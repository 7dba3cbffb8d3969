import type { INestApplication } from '@nestjs/common';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, type FieldNode, Kind, type OperationDefinitionNode, print, visit } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { DEV_TOKEN_ISSUER } from '../../src/auth/token-verifier.js';
import { SqlStatementCounter } from '../../src/database/sql-statement-counter.js';
import { logRequest } from './request-log.js';
import { listenForTests, ownWorkerApp, workerApp } from './worker-app.js';

export const PLATFORM_ADMIN = 'platform-admin@test';

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

type Variables = Record<string, unknown>;
type Headers = Record<string, string>;
/** A typed document's variables are required when it has required ones; headers are optional. */
type ArgumentsOf<V> = Record<string, never> extends V ? [variables?: V, headers?: Headers] : [variables: V, headers?: Headers];

const UNLIMITED = {
  RATE_LIMIT_PER_PRINCIPAL: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_TOKEN_ENDPOINT: '1000000',
  RATE_LIMIT_AUTH_FAILURES: '1000000',
};

const testEnvironment = (env: Record<string, string> = {}): Record<string, string | undefined> => ({
  ...UNLIMITED,
  ...process.env,
  NODE_ENV: 'test',
  PLATFORM_ADMIN_SUBJECTS: PLATFORM_ADMIN,
  WEBHOOK_WORKER: 'false',
  // A file that starts a worker sees its deliveries within 0.1 s, not a second (docs/testing.md, timings).
  WEBHOOK_POLL_INTERVAL_MS: '100',
  RETENTION_JOB: 'false',
  TRANSITION_JOB: 'false',
  OVERDUE_JOB: 'false',
  DIGEST_JOB: 'false',
  // The factories register many a "Sara Peeters" born 1990-04-01 on purpose: family-identity tests it on its own app.
  DUPLICATE_NAME_CHECK: 'false',
  ...env,
});

const sharedWorkerApp = () => workerApp(testEnvironment());

/** Tokens of TestApi.token by subject, reused for REUSE_TOKEN_MS of their hour (tokens of one test file). */
const recentTokens = new Map<string, { token: Promise<string>; signedAt: number }>();
const REUSE_TOKEN_MS = 10 * 60_000;

function sign(subject: string, options: { expiresIn?: string; secret?: string }): Promise<string> {
  const secret = new TextEncoder().encode(options.secret ?? process.env.AUTH_DEV_SECRET!);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(DEV_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(secret);
}

/** The service as a client sees it: GraphQL over HTTP with bearer tokens, against the test database. */
export class TestApi {
  private constructor(
    readonly app: INestApplication,
    private readonly shared: boolean,
    /**
     * The app's DataSource, for the SQL a test sends beside the API (to arrange a state or read what a request wrote).
     * Found by its name in an app built from `dist/`, so that the test file does not import TypeORM into its sandbox
     * for it (0.3 s of CPU per file, docs/testing.md).
     */
    readonly db: DataSource,
  ) {}

  /**
   * Without a webhook worker or hourly jobs unless `env` asks for them: test files share the database and its queue. Not
   * rate limited unless `env` asks for it: a test sends far more from one address than a client would.
   *
   * Without `env`, the app of the default environment that every test file of this Jest worker shares (built from
   * `dist/`, see support/worker-app.ts): its `stop()` leaves it to the next file. With `env`, an app of the file's own,
   * also built from `dist/` by the worker's loader (the file does not import the service again), that `stop()` closes.
   */
  static async start(env: Record<string, string> = {}): Promise<TestApi> {
    const [app, shared] = Object.keys(env).length ? [await ownWorkerApp(testEnvironment(env)), false] : [await sharedWorkerApp(), true];
    return new TestApi(app, shared, app.get<DataSource>('DataSource'));
  }

  /** The shared app of the default environment, built if this worker has not built it yet. */
  static async sharedApp(): Promise<void> {
    await sharedWorkerApp();
  }

  /**
   * An app of the test file's own, built from the sources in the test's sandbox: for a test that instruments it, or that
   * reads objects of its realm through the app (a `Date` from `api.db` that `expect.any(Date)` accepts).
   */
  static async startOwn(env: Record<string, string> = {}): Promise<TestApi> {
    const [{ createApp }, { loadConfig }, { DataSource }] = await Promise.all([
      import('../../src/bootstrap.js'),
      import('../../src/config/app-config.js'),
      import('typeorm'),
    ]);
    const config = loadConfig(testEnvironment(env));
    const app = await createApp({ ...config, databaseUrl: config.databaseUrl! });
    await listenForTests(app);
    return new TestApi(app, false, app.get(DataSource));
  }

  /** The port of 127.0.0.1 the app listens on (a WebSocket client connects there). */
  get port(): number {
    return (this.app.getHttpServer().address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.shared) await this.app.close();
  }

  /**
   * A development token for `subject`, as `npm run token` makes it. Without options, the token of the last ten minutes
   * for the subject is sent again, as a client does until it expires: signing one per request took 5 % of the e2e
   * tier's CPU, and the service verified each anew (docs/testing.md, "Where the time goes").
   */
  static async token(subject: string, options: { expiresIn?: string; secret?: string } = {}): Promise<string> {
    if (options.expiresIn !== undefined || options.secret !== undefined) return sign(subject, options);
    const now = Date.now();
    const known = recentTokens.get(subject);
    if (known && now - known.signedAt < REUSE_TOKEN_MS) return known.token;
    const token = sign(subject, {});
    recentTokens.set(subject, { token, signedAt: now });
    return token;
  }

  /**
   * Sends one GraphQL operation as `subject` (null: without a token): a document of test/graphql (typed data and
   * variables), or a query string for what the documents cannot say (malformed or unusual requests).
   */
  async gql<T, V extends Variables>(subject: string | null, document: TypedDocumentNode<T, V>, ...rest: ArgumentsOf<V>): Promise<GraphQLResult<T>>;
  async gql<T = Record<string, any>>(subject: string | null, query: string, variables?: Variables, headers?: Headers): Promise<GraphQLResult<T>>;
  async gql(subject: string | null, operation: TypedDocumentNode | string, variables: Variables = {}, headers: Headers = {}): Promise<GraphQLResult> {
    const startedAt = performance.now();
    const req = request(this.app.getHttpServer()).post('/graphql').set(headers);
    if (subject !== null) req.set('Authorization', `Bearer ${await TestApi.token(subject)}`);
    const res = await req.send({ query: queryText(operation), variables });
    logRequest(typeof operation === 'string' ? 'string' : operationName(operation), startedAt);
    if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${res.text}`);
    return res.body as GraphQLResult;
  }

  /** Like gql, but fails the test on any error and returns the data. */
  async ok<T, V extends Variables>(subject: string | null, document: TypedDocumentNode<T, V>, ...rest: ArgumentsOf<V>): Promise<T>;
  async ok<T = Record<string, any>>(subject: string | null, query: string, variables?: Variables, headers?: Headers): Promise<T>;
  async ok(subject: string | null, operation: TypedDocumentNode | string, variables?: Variables, headers?: Headers): Promise<unknown> {
    const result = await this.gql(subject, operation as string, variables, headers);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /**
   * Sends several operations of one type as `subject` in one request (one round trip, one authentication, one parse) and
   * returns their data in order, failing the test on any error. Mutations still run one after another, each as it would
   * alone: the factories set up a world with fewer requests this way (docs/testing.md, "Requests per file").
   */
  async okTogether<const O extends readonly Operation<unknown>[]>(subject: string, operations: O): Promise<{ [K in keyof O]: DataOf<O[K]> }> {
    if (!operations.length) return [] as unknown as { [K in keyof O]: DataOf<O[K]> };
    const { document, variables, rootKeys } = together(operations);
    const data = await this.ok(subject, document as TypedDocumentNode<Record<string, any>, Variables>, variables);
    return rootKeys.map((keys) => Object.fromEntries(keys.map(([alias, key]) => [key, data[alias]]))) as { [K in keyof O]: DataOf<O[K]> };
  }

  /** SQL statements sent while `work` runs (the app serves one request at a time in these tests). */
  async countStatements(work: () => Promise<unknown>): Promise<number> {
    const counter = this.app.get(SqlStatementCounter);
    const before = counter.count;
    await work();
    return counter.count - before;
  }
}

/** A typed document with its variables, for TestApi.okTogether. */
export interface Operation<T> {
  document: TypedDocumentNode<T, any>;
  variables: Variables;
}
type DataOf<O> = O extends Operation<infer T> ? T : never;

export const operation = <T, V extends Variables>(document: TypedDocumentNode<T, V>, variables: V): Operation<T> => ({ document, variables });

/**
 * One document of several operations of one type: each operation's root fields aliased and its variables renamed by its
 * index (`input` of the second is `$input_1`), its fragments once. `rootKeys` maps each operation's aliases back to the
 * keys its own data has.
 */
function together(operations: readonly Operation<unknown>[]) {
  const fragments = new Map<string, DocumentNode['definitions'][number]>();
  const variables: Variables = {};
  const rootKeys: [alias: string, key: string][][] = [];
  const merged = operations.map(({ document, variables: own }, i) => {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    for (const [name, value] of Object.entries(own)) variables[`${name}_${i}`] = value;
    const renamed = visit(document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!, {
      Variable: (node) => ({ ...node, name: { ...node.name, value: `${node.name.value}_${i}` } }),
    });
    const fields = renamed.selectionSet.selections.map((selection, j) => {
      const field = selection as FieldNode;
      return { ...field, alias: { kind: Kind.NAME, value: `op${i}_${j}` } as const, key: (field.alias ?? field.name).value };
    });
    rootKeys.push(fields.map((f) => [f.alias.value, f.key]));
    return { operation: renamed, fields: fields.map(({ key: _, ...field }) => field) };
  });
  const type = merged[0]!.operation.operation;
  if (merged.some((m) => m.operation.operation !== type)) throw new Error('okTogether sends operations of one type (query, mutation)');
  const definition: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: type,
    name: { kind: Kind.NAME, value: merged.map((m) => m.operation.name?.value ?? 'anonymous').join('_') },
    variableDefinitions: merged.flatMap((m) => m.operation.variableDefinitions ?? []),
    selectionSet: { kind: Kind.SELECTION_SET, selections: merged.flatMap((m) => m.fields) },
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...fragments.values()] };
  return { document, variables, rootKeys };
}

/** Any typed document, for tables of operations sent alike (their data read untyped). */
export type AnyDocument = TypedDocumentNode<Record<string, any>, any>;

/** What a request sends as its query: a document printed, a string as it is. */
export const queryText = (operation: DocumentNode | string) => (typeof operation === 'string' ? operation : print(operation));

const operationName = (document: DocumentNode) =>
  document.definitions.find((d) => d.kind === 'OperationDefinition')?.name?.value ?? 'anonymous';

/** A subject no other test uses. */
export const uniqueSubject = (label: string) => `${label}-${randomUUID()}@test`;

/** The error code of the first error, or 'OK'. */
export const codeOf = (result: GraphQLResult<unknown>) =>
  (result.errors?.[0]?.extensions?.code as string | undefined) ?? (result.errors?.length ? 'UNKNOWN' : 'OK');
