import { Injectable } from '@nestjs/common';
import { assertConfirmed } from '../auth/principal-check.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { principalName } from '../auth/principal.js';
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

/** Names the actor of the transaction for the database's audit triggers (parameters: `actorSettings`). */
export const SET_ACTOR_SQL = `SELECT set_config('app.actor_subject', $1, true), set_config('app.actor_user_id', $2, true),
    set_config('app.actor_member_id', $3, true), set_config('app.acting_agency_id', $4, true),
    set_config('app.request_id', $5, true), set_config('app.legal_basis', $6, true)`;

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

  /** The same for an actor that is not a request's caller (a scheduled job, a command). */
  runAs<T>(actor: AuditActor, legalBasis: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em) => {
      await em.query(SET_ACTOR_SQL, actorSettings(actor, legalBasis));
      return work(em);
    });
  }
}
