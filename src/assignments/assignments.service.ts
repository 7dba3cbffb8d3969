import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, conflict, forbidden, notFound } from '../common/errors.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { CaseAssignmentWriter } from './case-assignment-writer.js';
import { CaseAssignment } from './case-assignment.entity.js';
import type { AssignCaseInput } from './dto/assign-case.input.js';

/**
 * Staffing a case is an agency admin's act, also when the admin is a caseworker too: audited as such, so
 * that the family's access log says so when an admin assigned herself (see portal/access-log-wording.ts).
 */
const ADMINISTRATION = 'ADMINISTRATION';

@Injectable()
export class AssignmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly assignments: CaseAssignmentWriter,
  ) {}

  /**
   * An agency admin assigns one of its caseworkers or volunteers to a family its agency already
   * works with. Admins cannot read family data, so a family they may not assign to is "not found".
   */
  async assign(caller: Caller, input: AssignCaseInput): Promise<CaseAssignment> {
    const acting = caller.principal.acting;
    if (!acting) throw forbidden('Assigning a case needs an acting agency');
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'assignCase', input, async () => {
        const family = await this.policy.attributesOf(em, 'Family', input.familyId, { lock: true });
        const candidate = { networkId: family?.networkId, agencyId: acting.agencyId, familyAgencyIds: family?.familyAgencyIds };
        if (!family || !this.policy.can(caller.ability, 'create', 'CaseAssignment', candidate)) {
          throw notFound('Family');
        }
        const [worker] = await em.query(
          `SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role IN ('CASEWORKER', 'VOLUNTEER')`,
          [input.userId, acting.agencyId],
        );
        if (!worker) throw badInput('userId', 'userId must be a caseworker or volunteer of your agency');
        return this.assignments.assign(em, {
          familyId: family.id,
          userId: input.userId,
          agencyId: acting.agencyId,
          assignedByUserId: caller.principal.userId,
        });
      }, (id) => this.idempotency.readable(em, caller, CaseAssignment, 'CaseAssignment', id)),
      ADMINISTRATION,
    );
  }

  async end(caller: Caller, assignmentId: string): Promise<CaseAssignment> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'CaseAssignment', assignmentId, { lock: true });
      const assignment = await em.findOneByOrFail(CaseAssignment, { id: assignmentId });
      if (assignment.endedAt) throw conflict('This assignment has already ended');
      return this.assignments.end(em, assignment);
    }, ADMINISTRATION);
  }

  /** Active assignments of many families in one query, visible to whoever may read the family. */
  activeOf(caller: Caller, loaders: RequestLoaders, familyId: string): Promise<CaseAssignment[]> {
    return loaders
      .get<string, CaseAssignment[]>('caseAssignments', async (familyIds) => {
        const qb = this.db.manager
          .createQueryBuilder(CaseAssignment, 'c')
          .innerJoin('family', 'f', 'f.id = c.family_id')
          .where('c.family_id = ANY(:familyIds) AND c.ended_at IS NULL', { familyIds })
          .orderBy('c.id');
        const rows = await this.policy.scope(qb, caller.ability, 'read', 'Family').getMany();
        return groupBy(familyIds, rows, (a) => a.familyId);
      })
      .load(familyId);
  }
}
