import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NIL as NIL_UUID, v5 } from 'uuid';
import { type AuditActor, AuditedTransactions } from '../audit/audited-transactions.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { HourlyJob } from '../scheduling/hourly-job.js';
import { MembershipRole } from '../users/membership-role.js';
import { overdueSql } from './referral-deadlines.js';

/** The namespace of the overdue events' ids: one id per referral and stage (version), on every replica. */
const OVERDUE_EVENTS = '5b0d3f4e-7c1a-4f55-9a0e-0a7f1c3d2b61';
const BATCH = 100;

interface OverdueStage {
  id: string;
  family_id: string;
  from_agency_id: string;
  to_agency_id: string;
  created_by_user_id: string;
  status: string;
  version: number;
  due_at: Date;
}

/**
 * Overdue referrals in the inboxes (docs/inbox.md): each stage past its deadline tells the receiving
 * agency's caseworkers and admins and the caseworker who made the referral, once. Safe with several
 * replicas: the event id is derived from the referral and its version, and the inbox keeps one item per
 * event and recipient; a stage told before is not selected again.
 */
@Injectable()
export class ReferralOverdue {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: AuditedTransactions,
    private readonly inbox: InboxService,
  ) {}

  /** Tells every overdue stage not told yet; how many stages this run found. */
  async tellOverdue(): Promise<number> {
    const actor: AuditActor = { subject: 'system:overdue-referrals', userId: null, memberId: null, agencyId: null, requestId: randomUUID() };
    let told = 0;
    for (let after: string = NIL_UUID; ; ) {
      const stages: OverdueStage[] = await readWithoutAudit("the system's own job, for no caller", this.db.query(
        `SELECT r.id, r.family_id, r.from_agency_id, r.to_agency_id, r.created_by_user_id, r.status, r.version, r.due_at
           FROM referral r
          WHERE ${overdueSql('r')} AND r.id > $1
            AND NOT EXISTS (SELECT 1 FROM inbox_item ii WHERE ii.subject_id = r.id AND ii.kind = $2 AND ii.params->>'version' = r.version::text)
          ORDER BY r.id LIMIT ${BATCH}`,
        [after, InboxItemKind.REFERRAL_OVERDUE],
      ));
      for (const stage of stages) {
        await this.tx.runAs(actor, 'ADMINISTRATION', (em) =>
          this.inbox.deliver(
            em,
            {
              id: v5(`${stage.id}/${stage.version}`, OVERDUE_EVENTS),
              kind: InboxItemKind.REFERRAL_OVERDUE,
              familyId: stage.family_id,
              about: { type: 'Referral', id: stage.id },
              params: { to: stage.status, version: stage.version },
              occurredAt: stage.due_at,
            },
            [
              { staffOf: stage.to_agency_id, roles: [MembershipRole.CASEWORKER, MembershipRole.AGENCY_ADMIN] },
              { user: stage.created_by_user_id, agency: stage.from_agency_id },
            ],
          ),
        );
      }
      told += stages.length;
      if (stages.length < BATCH) return told;
      after = stages.at(-1)!.id;
    }
  }
}

/** The overdue referrals, every hour (OVERDUE_JOB=false turns it off; `npm run jobs -- --run overdue` runs it now). */
@Injectable()
export class ReferralOverdueJob extends HourlyJob {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly overdue: ReferralOverdue,
  ) {
    super(config.overdueJob);
  }

  protected async runOnce(): Promise<string | null> {
    const told = await this.overdue.tellOverdue();
    return told > 0 ? `Overdue referrals: told ${told} stages` : null;
  }
}
