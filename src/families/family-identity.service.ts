import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CaseAssignmentWriter } from '../assignments/case-assignment-writer.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, conflict, forbidden, invalidTransition, notFound, tooManyRequests } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PlanTeamService } from '../plans/plan-team.service.js';
import { RateLimiter } from '../security/rate-limiter.js';
import type { FindKnownFamilyInput, KnownFamily } from './dto/known-family.type.js';
import {
  type RequestTeamParticipationInput,
  type RespondToTeamParticipationInput,
  type TeamParticipationRequest,
  TeamParticipationStatus,
} from './dto/team-participation.type.js';
import { askerOf, KnownFamilies } from './known-families.js';

interface RequestRow {
  id: string;
  family_id: string;
  plan_id: string;
  requested_by_user_id: string;
  requesting_agency_id: string;
  message: string | null;
  status: TeamParticipationStatus;
  version: number;
  created_at: Date;
  decided_at: Date | null;
}

const REQUEST_COLUMNS = `r.id, r.family_id, r.plan_id, r.requested_by_user_id, r.requesting_agency_id, r.message, r.status, r.version, r.created_at, r.decided_at`;

const toRequest = (row: RequestRow): TeamParticipationRequest => ({
  id: row.id,
  status: row.status,
  version: row.version,
  planId: row.plan_id,
  requestingAgencyId: row.requesting_agency_id,
  message: row.message,
  createdAt: row.created_at,
  decidedAt: row.decided_at,
});

/**
 * "Is this family known, and who is involved?" for professionals, and the request of one who found it to
 * join its team (docs/family-identity.md). The answer names agencies and the supporter's contact at work,
 * never members or content; every lookup is recorded (family_lookup) and so audited and in the family's
 * access log.
 */
@Injectable()
export class FamilyIdentityService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly known: KnownFamilies,
    private readonly tx: AuditedTransactions,
    private readonly limiter: RateLimiter,
    private readonly team: PlanTeamService,
    private readonly assignments: CaseAssignmentWriter,
    private readonly inbox: InboxService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async find(caller: Caller, input: FindKnownFamilyInput): Promise<KnownFamily> {
    const asker = askerOf(caller);
    const byName = [input.givenName, input.familyName, input.birthDate].some((value) => value !== undefined && value !== null);
    if (!input.nationalNumber && !byName) throw badInput('nationalNumber', 'Give nationalNumber, or givenName, familyName and birthDate');
    if (byName) {
      for (const field of ['givenName', 'familyName', 'birthDate'] as const) {
        if (!input[field]) throw badInput(field, `${field} is needed with the other parts of a name and birth date`);
      }
    }
    const wait = await this.limiter.familyLookup(asker.userId);
    if (wait > 0) throw tooManyRequests(wait);
    const keys = this.known.keysOf(
      { nationalNumber: input.nationalNumber, givenName: input.givenName ?? '', familyName: input.familyName ?? '', birthDate: byName ? input.birthDate : undefined },
      'nationalNumber',
    );
    return this.tx.run(caller, async (em) => this.known.recordLookups(em, asker, input.purpose, await this.known.find(em, [keys])));
  }

  /**
   * Asks the supporter of the family found by the caller's lookup `handle` that the caller's agency join the
   * team. The same handle asks once: asked again, the request as it is.
   */
  async requestParticipation(caller: Caller, input: RequestTeamParticipationInput): Promise<TeamParticipationRequest> {
    const asker = askerOf(caller);
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'requestTeamParticipation', input, () => this.requestParticipationWithin(em, caller, input), async (id) => {
        // A repeat under the key: the request as it is now, to who made it.
        const [own] = await this.requestsWhere(em, 'r.id = $1 AND r.requested_by_user_id = $2 AND r.requesting_agency_id = $3', [id, asker.userId, asker.agencyId]);
        if (!own) throw notFound('Team participation request');
        return toRequest(own);
      }),
    );
  }

  private async requestParticipationWithin(em: EntityManager, caller: Caller, input: RequestTeamParticipationInput): Promise<TeamParticipationRequest> {
    const asker = askerOf(caller);
    // The lookup is the caller's own record (ids only); nobody else's handle resolves.
    const [found]: { family_id: string; network_id: string; plan_id: string | null; supporter_user_id: string | null; supporter_agency_id: string | null }[] =
      await readWithoutAudit('a check before a write that answers no personal data', em.query(
        `SELECT fl.family_id, f.network_id, p.id AS plan_id, ts.user_id AS supporter_user_id, ts.agency_id AS supporter_agency_id
           FROM family_lookup fl
           JOIN family f ON f.id = fl.family_id
           LEFT JOIN plan p ON p.family_id = fl.family_id AND p.status <> 'CLOSED'
           LEFT JOIN trajectory_supporter ts ON ts.plan_id = p.id AND ts.state = 'CURRENT'
          WHERE fl.id = $1 AND fl.user_id = $2 AND fl.agency_id = $3
          FOR UPDATE OF fl`,
        [input.handle, asker.userId, asker.agencyId],
      ));
    if (!found) throw notFound('Lookup');
    const [asked] = await this.requestsWhere(em, 'r.lookup_id = $1', [input.handle]);
    if (asked) return toRequest(asked);
    if (found.network_id !== caller.principal.acting!.networkId) {
      throw badInput('handle', "The family is served in another network: its team has no place for your agency; contact its trajectory supporter");
    }
    if (!found.plan_id || !found.supporter_user_id) throw invalidTransition('The family', 'WITHOUT_SUPPORTER', 'ask its supporter');
    const id = newId();
    await em.query(
      `INSERT INTO team_participation_request (id, lookup_id, family_id, plan_id, requested_by_user_id, requesting_agency_id, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, input.handle, found.family_id, found.plan_id, asker.userId, asker.agencyId, input.message ?? null],
    );
    await this.inbox.deliver(
      em,
      { id, kind: InboxItemKind.TEAM_PARTICIPATION_REQUESTED, familyId: found.family_id, about: { type: 'Plan', id: found.plan_id }, params: {}, occurredAt: new Date() },
      [{ user: found.supporter_user_id, agency: found.supporter_agency_id! }],
    );
    const [row] = await this.requestsWhere(em, 'r.id = $1', [id]);
    return toRequest(row!);
  }

  /**
   * The family's current trajectory supporter accepts (the requester's agency joins the plan team and the
   * requester is assigned: consent still decides what they read) or declines. Seen only by the supporter and
   * the requester; the requester may not answer herself (FORBIDDEN).
   */
  async respond(caller: Caller, input: RespondToTeamParticipationInput): Promise<TeamParticipationRequest> {
    const asker = askerOf(caller);
    return this.tx.run(caller, async (em) => {
      const [row] = await this.requestsWhere(
        em,
        `r.id = $1 AND (r.requested_by_user_id = $2 OR EXISTS (SELECT 1 FROM trajectory_supporter ts
           WHERE ts.plan_id = r.plan_id AND ts.state = 'CURRENT' AND ts.user_id = $2 AND ts.agency_id = $3))
         FOR UPDATE OF r`,
        [input.requestId, asker.userId, asker.agencyId],
      );
      if (!row) throw notFound('Team participation request');
      const [{ supports }]: { supports: boolean }[] = await em.query(
        `SELECT EXISTS (SELECT 1 FROM trajectory_supporter WHERE plan_id = $1 AND state = 'CURRENT' AND user_id = $2 AND agency_id = $3) AS supports`,
        [row.plan_id, asker.userId, asker.agencyId],
      );
      if (!supports) throw forbidden("Only the family's trajectory supporter answers a request to join its team");
      const decision = input.accept ? TeamParticipationStatus.ACCEPTED : TeamParticipationStatus.DECLINED;
      if (row.status === decision) return toRequest(row);
      if (row.status !== TeamParticipationStatus.REQUESTED) throw invalidTransition('The request', row.status, input.accept ? 'accept' : 'decline');
      if (row.version !== input.expectedVersion) throw conflict(`The request changed meanwhile (version ${row.version})`);
      await em.query(
        `UPDATE team_participation_request SET status = $2, version = version + 1, decided_by_user_id = $3, decided_at = now() WHERE id = $1`,
        [row.id, decision, asker.userId],
      );
      if (input.accept) {
        await this.team.joinOnRequest(em, caller, { id: row.id, planId: row.plan_id, agencyId: row.requesting_agency_id });
        await this.assignments.assignSelf(em, row.family_id, row.requested_by_user_id, row.requesting_agency_id);
      }
      const [answered] = await this.requestsWhere(em, 'r.id = $1', [row.id]);
      return toRequest(answered!);
    });
  }

  /** The requests waiting for the caller's answer: on the plans she is the current supporter of, acting for her agency. */
  async pending(caller: Caller): Promise<TeamParticipationRequest[]> {
    const asker = askerOf(caller);
    const rows = await this.requestsWhere(
      this.db.manager,
      `r.status = 'REQUESTED' AND EXISTS (SELECT 1 FROM trajectory_supporter ts
         WHERE ts.plan_id = r.plan_id AND ts.state = 'CURRENT' AND ts.user_id = $1 AND ts.agency_id = $2)
       ORDER BY r.created_at, r.id LIMIT 100`,
      [asker.userId, asker.agencyId],
    );
    return rows.map(toRequest);
  }

  private requestsWhere(em: EntityManager, where: string, params: unknown[]): Promise<RequestRow[]> {
    return em.query(`SELECT ${REQUEST_COLUMNS} FROM team_participation_request r WHERE ${where}`, params);
  }
}
