import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PersonalReader } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { newId } from '../common/ids.js';
import { type Connection, DEFAULT_PAGE_SIZE, paginate, type PageArgs } from '../common/pagination.js';
import { SqlParams } from '../policy/sql-scope.js';
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
    private readonly reader: PersonalReader,
  ) {}

  async record(em: EntityManager, caller: Caller, change: PlanChange): Promise<void> {
    await em.insert(PlanHistoryEntry, em.create(PlanHistoryEntry, entryOf(caller, change)));
  }

  /**
   * The entry of a change as the statement that writes it, to be a data-modifying CTE of the change's own
   * statement (one round trip for both); its values are `params`.
   */
  recordingSql(caller: Caller, change: PlanChange, params: SqlParams): string {
    const entry = entryOf(caller, change);
    return `INSERT INTO plan_history (id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at)
      VALUES (${params.add(entry.id)}::uuid, ${params.add(entry.planId)}::uuid, ${params.add(entry.actorUserId)}::uuid, ${params.add(entry.actingAgencyId)}::uuid,
              ${params.add(entry.entityType)}, ${params.add(entry.entityId)}::uuid, ${params.add(entry.change)}, ${params.add(JSON.stringify(entry.details))}::jsonb,
              ${params.add(entry.at)}::timestamptz)`;
  }

  /** Visible to whoever may read the plan. */
  async list(caller: Caller, planId: string, page: PageArgs): Promise<Connection<PlanHistoryEntry>> {
    const qb = this.db.manager
      .createQueryBuilder(PlanHistoryEntry, 'h')
      .where('h.plan_id = :planId', { planId });
    const reader = this.reader.of(caller);
    // An entry about a goal, an action or a note tells about it (wording, category): shown only to
    // whoever may read that record (a health goal's history is health data).
    const params = new SqlParams();
    const goal = reader.readableSql('Goal', 'h.entity_id', params);
    const action = reader.readableSql('Action', 'h.entity_id', params);
    const note = reader.readableSql('Note', 'h.entity_id', params);
    qb.andWhere(
      `CASE h.entity_type WHEN 'Goal' THEN ${goal} WHEN 'Action' THEN ${action} WHEN 'Note' THEN ${note} ELSE TRUE END`,
      params.values,
    );
    // Entries are parts of the plan: whoever may read it reads them, audited as such.
    return paginate(qb, 'h.id', page, (q) =>
      reader.many(q, 'Plan', { through: 'h.plan_id', entityType: 'PlanHistoryEntry', pageSize: page.first ?? DEFAULT_PAGE_SIZE }),
    );
  }
}

/** The history entry of a change by the caller, now. */
function entryOf(caller: Caller, change: PlanChange): PlanHistoryEntry {
  return {
    ...change,
    id: newId(),
    actorUserId: caller.principal.userId,
    actingAgencyId: caller.principal.acting?.agencyId ?? null,
    details: change.details ?? {},
    at: new Date(),
  };
}
