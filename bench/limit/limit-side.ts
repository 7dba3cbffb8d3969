/**
 * The benchmark's limit side: what a benchmarked read costs at the least while doing what the service does.
 * The same token verification (TokenVerifier), the same principal query (PrincipalService) and ability
 * (defineAbilityFor) as the service, then ONE prepared statement per read (./statements.ts) that filters by the
 * policy's own SQL, answers the service's `data` as JSON and writes the service's read-audit entries. Served
 * by ./server.ts; test/limit-side.e2e-spec.ts holds it to the service's answers and audit rows.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { actorSettings, auditActor, type AuditedTransactions, SET_ACTOR_SQL, writeBasis } from '../../src/audit/audited-transactions.js';
import type { Caller } from '../../src/auth/caller.decorator.js';
import type { Principal } from '../../src/auth/principal.js';
import { PrincipalService } from '../../src/auth/principal.service.js';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { newId, UUID_PATTERN } from '../../src/common/ids.js';
import { DEFAULT_PAGE_SIZE } from '../../src/common/pagination.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { DEFAULT_LANGUAGE } from '../../src/i18n/language.js';
import { type InboxItemKind, type InboxParams, inboxText } from '../../src/inbox/inbox-kind.js';
import { defineAbilityFor, type PolicyAction } from '../../src/policy/ability.factory.js';
import type { SubjectName } from '../../src/policy/subjects.js';
import {
  accessLogRead,
  type AddActionOutcome,
  addActionWrite,
  familiesRead,
  inboxRead,
  incomingOverdueRead,
  myFamilyRead,
  named,
  networkInsightRead,
  planRead,
  rescheduleHandoverWrite,
  type RescheduleOutcome,
  type Statement,
} from './statements.js';

/** A GraphQL-shaped answer: `data`, or the error code the service answers. */
export interface Answer {
  data: unknown;
  errors?: { message: string; extensions: { code: string } }[];
}

type Arguments = Record<string, string | undefined>;

interface Read {
  /** The GraphQL root field it answers. */
  field: string;
  /** The operation's declared policy (its resolver's @Policy): the type-level check before any SQL; none for an own read (@Authenticated). */
  policy?: [PolicyAction, SubjectName];
  /** Why the caller may not make this read at all (the service's FORBIDDEN before any SQL), or null. */
  refusal?: (caller: Caller) => string | null;
  statement: (caller: Caller, args: Arguments) => Statement;
  /** What is not found when the statement answers null (else null is the answer). */
  notFound?: string;
  /** Planned for its values, as the service plans the insight (its statements' generic plans walk every network). */
  customPlans?: true;
  /** What Node makes of the statement's answer, where the service makes a field in Node too (the inbox's texts). */
  finish?: (value: unknown, caller: Caller, timeZone: string) => unknown;
}

/** The insight's default period, as the service takes it: the 12 months before now. */
function lastYear(): { from: Date; to: Date } {
  const to = new Date();
  const from = new Date(to);
  from.setUTCFullYear(from.getUTCFullYear() - 1);
  return { from, to };
}

const READS: Record<string, Read> = {
  plan: { field: 'plan', policy: ['read', 'Plan'], statement: (c, a) => planRead(c, uuidOrNull(a.id)), notFound: 'Plan' },
  families: { field: 'families', policy: ['read', 'Family'], statement: (c, a) => familiesRead(c, pageSize(a)) },
  // As PortalResolver.myFamily: the Family policy, then only for a family member logged in to the portal.
  'my-family': {
    field: 'myFamily',
    policy: ['read', 'Family'],
    refusal: ({ principal }) => (principal.familyMember ? null : 'myFamily is for family members logged in to the portal'),
    statement: (c) => myFamilyRead(c),
    notFound: 'Family',
  },
  'referrals/incoming-overdue': { field: 'referrals', policy: ['read', 'Referral'], statement: (c, a) => incomingOverdueRead(c, pageSize(a)) },
  'access-log': {
    field: 'accessLog',
    policy: ['read', 'AuditEvent'],
    statement: (c, a) => accessLogRead(c, uuidOrNull(a.familyId), pageSize(a)),
    notFound: 'Family',
  },
  // As InboxService.recipient: an inbox belongs to a professional acting for an agency or to a portal member.
  inbox: {
    field: 'inbox',
    refusal: ({ principal }) => (principal.familyMember || (principal.userId && principal.acting) ? null : 'An inbox belongs to a professional acting for an agency, or to a family member in the portal'),
    statement: (c, a) => inboxRead(c, pageSize(a)),
    finish: inboxTexts,
  },
  'network-insight': {
    field: 'networkInsight',
    policy: ['readInsights', 'Network'],
    statement: (c, a) => networkInsightRead(c, uuidOrNull(a.networkId), lastYear()),
    notFound: 'Network',
    customPlans: true,
  },
};

export type LimitRead = keyof typeof READS;
export const LIMIT_READS = Object.keys(READS);

/** Each inbox node's `text` in the caller's language from its kind and `params` (which the service does not answer), by the service's `inboxText`. */
function inboxTexts(value: unknown, { principal }: Caller, timeZone: string): unknown {
  const inbox = value as { edges: { node: { kind: InboxItemKind; params?: InboxParams; text?: string } }[] } | null;
  for (const { node } of inbox?.edges ?? []) {
    node.text = inboxText(node.kind, node.params!, principal.language ?? DEFAULT_LANGUAGE, timeZone);
    delete node.params;
  }
  return inbox;
}

const uuidOrNull = (id: string | undefined) => (id && UUID_PATTERN.test(id) ? id : null);
const pageSize = (args: Arguments) => Number(args.first ?? DEFAULT_PAGE_SIZE);
/** The service's error code for each way an `addAction` is refused. */
const ADD_ACTION_ERRORS: Record<Exclude<AddActionOutcome, 'OK'>, string> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  PLAN_CLOSED: 'INVALID_TRANSITION',
  GOAL_FINAL: 'INVALID_TRANSITION',
  ASSIGNEE_NOT_ON_TEAM: 'BAD_USER_INPUT',
};

/** The service's error code for each way a `rescheduleHandover` is refused. */
const RESCHEDULE_ERRORS: Record<Exclude<RescheduleOutcome, 'OK'>, string> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  STALE_VERSION: 'CONFLICT',
  NOT_SCHEDULED: 'INVALID_TRANSITION',
  EXTERNAL: 'INVALID_TRANSITION',
  BAD_INPUT: 'BAD_USER_INPUT',
};

const error = (message: string, code: string): Answer => ({ data: null, errors: [{ message, extensions: { code } }] });

/**
 * A pool with the service's session settings (dataSourceOptions: generic plans, the families' time zone for
 * `current_date` in the access rule), for the limit side's statements.
 */
export function limitPool(connectionString: string, plans: 'generic' | 'custom' = 'generic'): pg.Pool {
  const { extra } = dataSourceOptions(connectionString) as { extra: { options: string; max: number } };
  // Custom: what the service's insight sets for its transaction (NetworkInsightService: plans for the network and period).
  const options = plans === 'generic' ? extra.options : `${extra.options.replace('force_generic_plan', 'force_custom_plan')} -c random_page_cost=1.1`;
  return new pg.Pool({ connectionString, max: extra.max, application_name: 'gezin1plan-limit', options });
}

export class LimitSide {
  private readonly verifier: TokenVerifier;
  private readonly principals: PrincipalService;
  private readonly timeZone: string;

  constructor(
    private readonly pool: pg.Pool,
    config: AppConfig,
    /** For the reads planned for their values (`customPlans`). */
    private readonly customPlanPool: pg.Pool,
  ) {
    this.verifier = new TokenVerifier(config);
    this.timeZone = config.legalTimeZone;
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
    const { field, policy, refusal, statement, notFound, customPlans, finish } = READS[read]!;
    // As the service's PolicyGuard: may the caller read some record of the kind at all.
    if (policy && !caller.ability.can(...policy)) return error(`You may not ${policy.join(' a ')}`, 'FORBIDDEN');
    const refused = refusal?.(caller);
    if (refused) return error(refused, 'FORBIDDEN');
    const answered = (await (customPlans ? this.customPlanPool : this.pool).query(statement(caller, args))).rows[0]?.data ?? null;
    const value = finish ? finish(answered, caller, this.timeZone) : answered;
    return value === null && notFound ? error(`${notFound} not found`, 'NOT_FOUND') : { data: { [field]: value } };
  }

  /**
   * `addAction` for a team member (`assigneeUserId`; a family member as assignee is not written here) as the
   * service makes it: one transaction with the actor named for the audit triggers, one statement that checks
   * and writes (addActionWrite). Input validation beyond that is the service's only.
   */
  async addAction(caller: Caller, input: { goalId?: string; title: string; assigneeUserId?: string; dueDate?: string | null }): Promise<Answer> {
    if (!caller.ability.can('create', 'Action')) return error('You may not create a Action', 'FORBIDDEN');
    if (!input.assigneeUserId) return error('Only an action for a team member is written here', 'BAD_USER_INPUT');
    const ids = { action: newId(), history: newId() };
    const { outcome } = await this.write(caller, addActionWrite(caller, { goalId: uuidOrNull(input.goalId), title: input.title, assigneeUserId: input.assigneeUserId, dueDate: input.dueDate ?? null }, ids));
    return outcome === 'OK' ? { data: { addAction: { id: ids.action } } } : error(outcome, ADD_ACTION_ERRORS[outcome as Exclude<AddActionOutcome, 'OK'>]);
  }

  /**
   * `rescheduleHandover` as the service makes it (ReferralsService.step): the `refer` policy (the PolicyGuard's
   * FORBIDDEN), then one transaction with the actor named for the audit triggers and one statement that checks
   * and writes (rescheduleHandoverWrite). The input's own checks (a place or a link, a time in the future) are
   * made here and reported after the record's, in the service's order.
   */
  async rescheduleHandover(caller: Caller, input: { referralId?: string; expectedVersion: number; startsAt: string; location?: string | null; onlineUrl?: string | null; attendees: string[] }): Promise<Answer> {
    if (!caller.ability.can('refer', 'Referral')) return error('You may not refer a Referral', 'FORBIDDEN');
    const startsAt = new Date(input.startsAt);
    const valid = !input.location !== !input.onlineUrl && startsAt.getTime() > Date.now();
    const ids = { meeting: newId(), transition: newId(), event: newId(), item: newId() };
    const written = { referralId: uuidOrNull(input.referralId), expectedVersion: input.expectedVersion, startsAt, location: input.location ?? null, onlineUrl: input.onlineUrl ?? null, attendees: input.attendees, valid };
    const { outcome, status, version } = await this.write(caller, rescheduleHandoverWrite(caller, written, ids, new Date()));
    if (outcome === 'OK') return { data: { rescheduleHandover: { id: input.referralId, version } } };
    return error(outcome === 'NOT_SCHEDULED' ? `Referral is ${status}` : outcome, RESCHEDULE_ERRORS[outcome as Exclude<RescheduleOutcome, 'OK'>]);
  }

  /** A write's statement in a transaction whose actor is named for the audit triggers (the service's SET_ACTOR_SQL and write basis); its row. */
  private async write(caller: Caller, statement: Statement): Promise<Record<string, any>> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(named(SET_ACTOR_SQL, actorSettings(auditActor(caller), writeBasis(caller))));
      const [row] = (await client.query(statement)).rows;
      await client.query(row.outcome === 'OK' ? 'COMMIT' : 'ROLLBACK');
      return row;
    } catch (failure) {
      await client.query('ROLLBACK');
      throw failure;
    } finally {
      client.release();
    }
  }

  /** A request: authentication, then the read. */
  async answer(read: LimitRead, headers: Parameters<LimitSide['callerOf']>[0], args: Arguments): Promise<Answer> {
    const caller = await this.callerOf(headers).catch(() => undefined);
    if (caller === undefined) return error('Forbidden', 'FORBIDDEN');
    if (caller === null) return error('Unauthenticated', 'UNAUTHENTICATED');
    return this.read(read, caller, args);
  }
}
