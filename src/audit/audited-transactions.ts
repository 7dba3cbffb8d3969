import { Injectable } from '@nestjs/common';
import { assertConfirmed } from '../auth/principal-check.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { principalName } from '../auth/principal.js';
import type { SqlParams } from '../policy/sql-scope.js';
import { MembershipRole } from '../users/membership-role.js';

/** Who acts, as the audit records it: passed to the database with every audited statement. */
export interface AuditActor {
  subject: string;
  userId: string | null;
  memberId: string | null;
  agencyId: string | null;
  requestId: string;
}

/** The caller as the audit records it: named as in the logs (principalName), since the trail is never changed. */
export function auditActor(caller: Caller): AuditActor {
  const { principal } = caller;
  return {
    subject: principalName(principal),
    userId: principal.userId,
    memberId: principal.familyMember?.memberId ?? null,
    agencyId: principal.acting?.agencyId ?? null,
    requestId: caller.requestId,
  };
}

/** The legal basis of a write: the family itself, work on an assigned family, or administration. */
export function writeBasis(caller: Caller): string {
  if (caller.principal.familyMember) return 'FAMILY_SELF';
  const roles = caller.principal.acting?.roles ?? [];
  return roles.includes(MembershipRole.CASEWORKER) || roles.includes(MembershipRole.VOLUNTEER) ? 'ASSIGNMENT' : 'ADMINISTRATION';
}

/** The settings the audit triggers read, in the order of `actorSettings`. */
const ACTOR_SETTINGS = ['app.actor_subject', 'app.actor_user_id', 'app.actor_member_id', 'app.acting_agency_id', 'app.request_id', 'app.legal_basis'];

/** The actor's settings made local to the transaction, over the parameters `placeholders` (in the order of `actorSettings`). */
const setActorSql = (placeholders: string[]) => `SELECT ${ACTOR_SETTINGS.map((name, i) => `set_config('${name}', ${placeholders[i]}, true)`).join(', ')}`;

/** Names the actor of the transaction for the database's audit triggers (parameters: `actorSettings`). */
export const SET_ACTOR_SQL = setActorSql(ACTOR_SETTINGS.map((_, i) => `$${i + 1}`));

/**
 * The actor named by the transaction's first statement instead of a statement of its own (`AuditedTransactions.naming`):
 * `from` is a FROM item of one row that makes the settings, to be joined to what that statement reads. The
 * statement's answer has rows only if the settings were made; a work that finds none writes nothing (it throws),
 * and a write without them is refused by the triggers.
 */
export interface ActorNaming {
  from(params: SqlParams): string;
}

export const actorSettings = (actor: AuditActor, legalBasis: string) => [
  actor.subject,
  actor.userId ?? '',
  actor.memberId ?? '',
  actor.agencyId ?? '',
  actor.requestId,
  legalBasis,
];

/**
 * One transaction per mutation, with the actor named for the database: its triggers audit every
 * row written in the same transaction and refuse a write without an actor.
 */
@Injectable()
export class AuditedTransactions {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `legalBasis` for an operation that is administration whatever else the caller is (assigning a case). */
  run<T>(caller: Caller, work: (em: EntityManager) => Promise<T>, legalBasis = writeBasis(caller)): Promise<T> {
    assertConfirmed(caller.ability);
    return this.runAs(auditActor(caller), legalBasis, work);
  }

  /**
   * `run`, with the actor named by the work's first statement (`ActorNaming`): one round trip less, for the
   * writes on the request path whose first statement reads the record they change.
   */
  naming<T>(caller: Caller, work: (em: EntityManager, actor: ActorNaming) => Promise<T>, legalBasis = writeBasis(caller)): Promise<T> {
    assertConfirmed(caller.ability);
    const values = actorSettings(auditActor(caller), legalBasis);
    const actor: ActorNaming = { from: (params) => `(${setActorSql(values.map((value) => params.add(value)))}) actor` };
    return this.db.transaction((em) => work(em, actor));
  }

  /** The same for an actor that is not a request's caller (a scheduled job, a command). */
  runAs<T>(actor: AuditActor, legalBasis: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em) => {
      await em.query(SET_ACTOR_SQL, actorSettings(actor, legalBasis));
      return work(em);
    });
  }
}
