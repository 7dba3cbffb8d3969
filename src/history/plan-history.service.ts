import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ReadAudit } from '../audit/read-audit.js';
import { PolicyService } from '../policy/policy.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import type { Caller } from '../auth/caller.decorator.js';
import { newId } from '../common/ids.js';
import { type Connection, DEFAULT_PAGE_SIZE, paginate, type PageArgs } from '../common/pagination.js';
import { PlanHistoryEntry } from './plan-history-entry.entity.js';

export interface PlanChange {
  planId: string;
  entityType: 'Plan' | 'Goal' | 'Action' | 'Note' | 'PlanParticipant' | 'TrajectorySupporter';
  entityId: string;
  change: string;
  details?: Record<string, unknown>;
}

/** The plan's history: written in the transaction of the change it describes. */
@Injectable()
export class PlanHistoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: ReadAudit,
    private readonly policy: PolicyService,
  ) {}

  async record(em: EntityManager, caller: Caller, change: PlanChange): Promise<void> {
    const entry = em.create(PlanHistoryEntry, {
      ...change,
      id: newId(),
      actorUserId: caller.principal.userId,
      actingAgencyId: caller.principal.acting?.agencyId ?? null,
      details: change.details ?? {},
      at: new Date(),
    });
    await em.insert(PlanHistoryEntry, entry);
  }

  /** Visible to whoever may read the plan. */
  async list(caller: Caller, planId: string, page: PageArgs): Promise<Connection<PlanHistoryEntry>> {
    const qb = this.db.manager
      .createQueryBuilder(PlanHistoryEntry, 'h')
      .innerJoin('plan', 'p', 'p.id = h.plan_id')
      .where('h.plan_id = :planId', { planId });
    // An entry about a goal, an action or a note tells about it (wording, category): shown only to
    // whoever may read that record (a health goal's history is health data).
    const params = new SqlParams();
    const goal = this.policy.readableSql(caller.ability, 'Goal', 'h.entity_id', params);
    const action = this.policy.readableSql(caller.ability, 'Action', 'h.entity_id', params);
    const note = this.policy.readableSql(caller.ability, 'Note', 'h.entity_id', params);
    qb.andWhere(
      `CASE h.entity_type WHEN 'Goal' THEN ${goal} WHEN 'Action' THEN ${action} WHEN 'Note' THEN ${note} ELSE TRUE END`,
      params.values,
    );
    // The Plan subject's own joins (family) follow from scope().
    return paginate(this.audit.readable(qb, caller, 'Plan', { entityType: 'PlanHistoryEntry', idColumn: 'h.id', pageSize: page.first ?? DEFAULT_PAGE_SIZE }), 'h.id', page);
  }
}
