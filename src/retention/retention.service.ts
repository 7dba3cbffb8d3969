import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type AuditActor, AuditedTransactions } from '../audit/audited-transactions.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { forgetExpiredIdempotencyKeys } from '../idempotency/idempotency.service.js';
import { forgetReplacedSecrets } from '../integrations/integrations.service.js';
import { OPEN_PLAN_SQL, OPEN_REFERRAL_SQL } from './care-in-progress.js';
import { readWithoutAudit } from '../audit/personal-reader.js';

/** Who erases when the retention period ends, as the audit records it. */
export const RETENTION_ACTOR_SUBJECT = 'system:retention';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Due for erasure (SQL on the family aliased `f`, $1 the retention period in days): not erased yet, no care
 * in progress, and its latest plan closed — or, for a family that never had a plan, it was registered —
 * longer ago than the retention period. A registration merged into a family (absorbed, or set aside by a pairing)
 * is never due on its own: it is erased with that family (docs/retention.md, "Merged registrations").
 */
const DUE_SQL = `f.erased_at IS NULL AND f.merged_into_family_id IS NULL AND NOT ${OPEN_PLAN_SQL} AND NOT ${OPEN_REFERRAL_SQL}
  AND coalesce((SELECT max(cp.closed_at) FROM plan cp WHERE cp.family_id = f.id AND cp.status = 'CLOSED'), f.created_at)
      < now() - make_interval(days => $1)`;

/**
 * The end of the retention period: erases the personal data of every family due (`erase_personal_data`,
 * see the migration PlanClosureRetention), as the system actor. Run by `npm run retention` and by the
 * hourly job; several may run at once (replicas): each family is erased once, in its own transaction.
 */
@Injectable()
export class RetentionService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: AuditedTransactions,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'retention'>,
  ) {}

  /**
   * Erases every family due now, and forgets what the service no longer needs (expired idempotency keys,
   * replaced client secrets past their grace period); how many families were erased by this run.
   */
  async applyRetention(): Promise<number> {
    const actor: AuditActor = { subject: RETENTION_ACTOR_SUBJECT, userId: null, memberId: null, agencyId: null, requestId: randomUUID() };
    let erased = 0;
    // In id order, so that a family that cannot be erased does not stop the others.
    for (let after = NIL_UUID; ; ) {
      const familyId = await this.tx.runAs(actor, 'ADMINISTRATION', async (em) => {
        // Locked like openPlan locks it, so no plan opens meanwhile; a family another run holds is skipped, and
        // one it erased just before no longer matches once locked.
        const [family]: { id: string }[] = await readWithoutAudit("the system's own job, for no caller", em.query(
          `SELECT f.id FROM family f WHERE f.id > $2 AND ${DUE_SQL} ORDER BY f.id LIMIT 1 FOR UPDATE OF f SKIP LOCKED`,
          [this.config.retention.days, after],
        ));
        if (family) await em.query(`SELECT erase_personal_data($1)`, [family.id]);
        return family?.id;
      });
      if (!familyId) break;
      erased++;
      after = familyId;
    }
    await forgetExpiredIdempotencyKeys(this.db.manager);
    await this.forgetReplacedSecrets(actor);
    return erased;
  }

  /** Client secrets replaced by a rotation and past their grace period, forgotten as `actor` (audited). */
  async forgetReplacedSecrets(actor: AuditActor): Promise<void> {
    await this.tx.runAs(actor, 'ADMINISTRATION', forgetReplacedSecrets);
  }
}
