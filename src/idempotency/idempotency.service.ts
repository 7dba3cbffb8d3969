import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { PersonalReader } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { conflict, notFound } from '../common/errors.js';
import { PolicyService } from '../policy/policy.service.js';
import { isPersonal, SUBJECTS, type SubjectName } from '../policy/subjects.js';

/** Stable JSON: object keys sorted, so that the same payload always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Idempotency keys of mutations (per caller). Inside the mutation's transaction the key is claimed
 * first: a concurrent repeat waits on the claim (unique key) and then finds the first result's id, so a
 * repeat never has a second effect. A key used again for another operation, payload or acting agency is
 * CONFLICT. The caller re-reads the result under its current rights (a key is no way around the policy).
 * Only the id is kept, not the response (which holds personal data): a repeat shows the record as it is
 * now. Keys are kept for 24 h: the retention job (src/retention) deletes older ones.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly policy: PolicyService,
    private readonly reader: PersonalReader,
  ) {}

  async once(
    em: EntityManager,
    caller: Caller,
    operation: string,
    input: { idempotencyKey?: string | null },
    work: () => Promise<string>,
  ): Promise<string> {
    const { idempotencyKey: key, ...payload } = input;
    if (!key) return work();
    // The acting agency is part of the request: the same key sent for another agency is another request.
    const agency = caller.principal.acting?.agencyId ?? '';
    const hash = createHash('sha256').update(`${operation}\n${agency}\n${canonical(payload)}`).digest('hex');
    const claimed = await em.query(
      `INSERT INTO idempotency_key (caller_subject, key, operation, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING key`,
      [caller.principal.subject, key, operation, hash],
    );
    if (claimed.length === 0) {
      const [first] = await em.query(
        `SELECT operation, request_hash, result_id FROM idempotency_key WHERE caller_subject = $1 AND key = $2`,
        [caller.principal.subject, key],
      );
      if (first.operation !== operation || first.request_hash !== hash) {
        throw conflict('This idempotencyKey was already used for another request');
      }
      return first.result_id;
    }
    const resultId = await work();
    await em.query(`UPDATE idempotency_key SET result_id = $3 WHERE caller_subject = $1 AND key = $2`, [
      caller.principal.subject,
      key,
      resultId,
    ]);
    return resultId;
  }

  /**
   * A create under the caller's key, in its transaction: the first time the record `create` made; a
   * repeat the record it made then, as `reread` shows it now (under the caller's current rights). Without
   * a key, just `create`: not one statement more.
   */
  async created<T extends { id: string }>(
    em: EntityManager,
    caller: Caller,
    operation: string,
    input: { idempotencyKey?: string | null },
    create: () => Promise<T>,
    reread: (id: string) => Promise<T>,
  ): Promise<T> {
    let made: T | undefined;
    const id = await this.once(em, caller, operation, input, async () => (made = await create()).id);
    return made ?? reread(id);
  }

  /** The record of `subject` with `id` if the caller may read it now (a read of personal data audited), else NOT_FOUND. */
  async readable<T extends ObjectLiteral>(em: EntityManager, caller: Caller, entity: EntityTarget<T>, subject: SubjectName, id: string): Promise<T> {
    const qb = em.createQueryBuilder(entity, SUBJECTS[subject].alias).where(`${SUBJECTS[subject].alias}.id = :id`, { id });
    const row = isPersonal(subject) ? await this.reader.of(caller).one(qb, subject) : await this.policy.scope(qb, caller.ability, 'read', subject).getOne();
    if (!row) throw notFound(subject);
    return row;
  }
}

/**
 * Forgets keys older than a day: idempotency keys answer repeats of a request for a day (docs/api.md, "Idempotency");
 * older ones only hold ids and hashes. For the retention job, which has no Nest context in `npm run retention`.
 */
export async function forgetExpiredIdempotencyKeys(em: EntityManager): Promise<void> {
  await em.query(`DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours'`);
}
