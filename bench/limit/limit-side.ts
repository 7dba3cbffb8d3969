/**
 * The benchmark's limit side: what a benchmarked read costs at the least while doing what the service does.
 * The same token verification (TokenVerifier), the same principal query (PrincipalService) and ability
 * (defineAbilityFor) as the service, then ONE prepared statement per read (./statements.ts) that filters by the
 * policy's own SQL, answers the service's `data` as JSON and writes the service's read-audit entries. Served
 * by ./server.ts; test/limit-side.e2e-spec.ts holds it to the service's answers and audit rows.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import type { AuditedTransactions } from '../../src/audit/audited-transactions.js';
import type { Caller } from '../../src/auth/caller.decorator.js';
import type { Principal } from '../../src/auth/principal.js';
import { PrincipalService } from '../../src/auth/principal.service.js';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { UUID_PATTERN } from '../../src/common/ids.js';
import { DEFAULT_PAGE_SIZE } from '../../src/common/pagination.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { defineAbilityFor, type PolicyAction } from '../../src/policy/ability.factory.js';
import type { SubjectName } from '../../src/policy/subjects.js';
import { accessLogRead, familiesRead, incomingOverdueRead, named, planRead, type Statement } from './statements.js';

/** A GraphQL-shaped answer: `data`, or the error code the service answers. */
export interface Answer {
  data: unknown;
  errors?: { message: string; extensions: { code: string } }[];
}

type Arguments = Record<string, string | undefined>;

interface Read {
  /** The GraphQL root field it answers. */
  field: string;
  /** The operation's declared policy (its resolver's @Policy): the type-level check before any SQL. */
  policy: [PolicyAction, SubjectName];
  statement: (caller: Caller, args: Arguments) => Statement;
  /** What is not found when the statement answers null (else null is the answer). */
  notFound?: string;
}

const READS: Record<string, Read> = {
  plan: { field: 'plan', policy: ['read', 'Plan'], statement: (c, a) => planRead(c, uuidOrNull(a.id)), notFound: 'Plan' },
  families: { field: 'families', policy: ['read', 'Family'], statement: (c, a) => familiesRead(c, pageSize(a)) },
  'referrals/incoming-overdue': { field: 'referrals', policy: ['read', 'Referral'], statement: (c, a) => incomingOverdueRead(c, pageSize(a)) },
  'access-log': {
    field: 'accessLog',
    policy: ['read', 'AuditEvent'],
    statement: (c, a) => accessLogRead(c, uuidOrNull(a.familyId), pageSize(a)),
    notFound: 'Family',
  },
};

export type LimitRead = keyof typeof READS;
export const LIMIT_READS = Object.keys(READS);

const uuidOrNull = (id: string | undefined) => (id && UUID_PATTERN.test(id) ? id : null);
const pageSize = (args: Arguments) => Number(args.first ?? DEFAULT_PAGE_SIZE);
const error = (message: string, code: string): Answer => ({ data: null, errors: [{ message, extensions: { code } }] });

export class LimitSide {
  private readonly verifier: TokenVerifier;
  private readonly principals: PrincipalService;

  constructor(
    private readonly pool: pg.Pool,
    config: AppConfig,
  ) {
    this.verifier = new TokenVerifier(config);
    // The service's principal query, over this pool and prepared like the reads (it only calls `query`).
    const db = { query: async (text: string, values: unknown[]) => (await pool.query(named(text, values))).rows };
    this.principals = new PrincipalService(db as unknown as DataSource, config, null as unknown as AuditedTransactions);
  }

  /** The caller of a request with these headers, as the service's auth guard makes it; null when unauthenticated. */
  async callerOf(headers: { authorization?: string; 'x-acting-agency'?: string | string[] }): Promise<Caller | null> {
    const { subject } = await this.verifier.bearerOf({ headers });
    if (!subject) return null;
    const acting = headers['x-acting-agency'];
    const principal: Principal | null =
      subject.kind === 'client'
        ? await this.principals.resolveClient(subject.clientId, subject.issuedAfterRotation)
        : await this.principals.resolve(subject.subject, Array.isArray(acting) ? acting[0] : acting);
    return principal && { principal, ability: defineAbilityFor(principal), requestId: randomUUID(), tokenExpiresAt: subject.expiresAt };
  }

  /** One read for a caller: one statement, its JSON as the answer's data. */
  async read(read: LimitRead, caller: Caller, args: Arguments): Promise<Answer> {
    const { field, policy, statement, notFound } = READS[read]!;
    // As the service's PolicyGuard: may the caller read some record of the kind at all.
    if (!caller.ability.can(...policy)) return error(`You may not ${policy.join(' a ')}`, 'FORBIDDEN');
    const value = (await this.pool.query(statement(caller, args))).rows[0]?.data ?? null;
    return value === null && notFound ? error(`${notFound} not found`, 'NOT_FOUND') : { data: { [field]: value } };
  }

  /** A request: authentication, then the read. */
  async answer(read: LimitRead, headers: Parameters<LimitSide['callerOf']>[0], args: Arguments): Promise<Answer> {
    const caller = await this.callerOf(headers).catch(() => undefined);
    if (caller === undefined) return error('Forbidden', 'FORBIDDEN');
    if (caller === null) return error('Unauthenticated', 'UNAUTHENTICATED');
    return this.read(read, caller, args);
  }
}
