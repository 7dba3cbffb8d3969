import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { systemCaller } from '../auth/system-caller.js';
import { badInput, DomainError, invalidTransition } from '../common/errors.js';
import { type Connection, type PageArgs, paginate } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { FamiliesService } from '../families/families.service.js';
import { FamilyMember } from '../families/family-member.entity.js';
import { ActionsService } from '../goals/actions.service.js';
import { GoalOwner } from '../goals/goal-owner.js';
import { Goal } from '../goals/goal.entity.js';
import { GoalsService } from '../goals/goals.service.js';
import { LifeDomain } from '../goals/life-domain.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { PlanStatus } from '../plans/plan-status.js';
import { PlanWriter } from '../plans/plan-writer.js';
import { PolicyService } from '../policy/policy.service.js';
import { grantToConfirm } from '../policy/subjects.js';
import { ADULT_SERVICES_AFTER, YOUTH_SERVICES } from './adult-services.js';
import type { AdulthoodTransition } from './adulthood-transition.type.js';
import type { ProposeTransitionChecklistInput } from './dto/transition.inputs.js';

const ONE_CHECKLIST = 'goal_transition_checklist_uq';

/** The member `fm`'s 18th birthday. */
const turns18 = (member: string) => `(${member}.birth_date + interval '18 years')::date`;

/**
 * The member (`member`: a family_member alias) is in transition: turns 18 within the horizon (months,
 * parameter `:horizon`), or has turned 18 and still has consents a parent gave for them to confirm.
 */
const inTransition = (member: string) => `(${member}.birth_date IS NOT NULL AND ${turns18(member)} <= current_date + make_interval(months => :horizon)
  AND (${turns18(member)} >= current_date OR EXISTS (SELECT 1 FROM consent_grant tg WHERE tg.member_id = ${member}.id AND ${grantToConfirm('tg')})))`;

interface TransitionRow {
  id: string;
  planId: string;
  turns18On: string;
}

/**
 * The transition to 18 ("de overgang naar 18"): the trajectory supporter sees it coming and proposes a
 * checklist goal in the plan, so that adult services are involved in time and the young adult decides
 * on the consents a parent gave for them (see ConsentsService.confirm).
 */
@Injectable()
export class TransitionsService {
  private readonly horizon: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly reader: PersonalReader,
    private readonly writer: PlanWriter,
    private readonly families: FamiliesService,
    private readonly goals: GoalsService,
    private readonly actions: ActionsService,
    private readonly inbox: InboxService,
  ) {
    this.horizon = config.transitions.horizonMonths;
  }

  /**
   * Members in transition on the active plans the caller supports, that the caller may read (the access
   * rule is part of the query); the members are then loaded, and audited, in one query.
   */
  async upcoming(caller: Caller, loaders: RequestLoaders, page: PageArgs): Promise<Connection<AdulthoodTransition>> {
    const qb = this.db.manager
      .createQueryBuilder(FamilyMember, 'tm')
      .innerJoin('plan', 'tp', `tp.family_id = tm.family_id AND tp.status = 'ACTIVE'`)
      .innerJoin('trajectory_supporter', 'tts', `tts.plan_id = tp.id AND tts.state = 'CURRENT' AND tts.user_id = :supporter`, {
        supporter: caller.principal.userId,
      })
      .where(inTransition('tm'), { horizon: this.horizon });
    // Which members, by the FamilyMember read rule; the members themselves are read (and audited) below.
    this.reader.of(caller).scopeThrough(qb, 'FamilyMember', 'tm.id');
    const rows = await paginate(qb, 'tm.id', page, (q) =>
      q
        .select('tm.id', 'id')
        .addSelect('tp.id', 'planId')
        .addSelect(`to_char(${turns18('tm')}, 'YYYY-MM-DD')`, 'turns18On')
        .getRawMany<TransitionRow>(),
    );
    const members = await Promise.all(rows.edges.map((e) => this.families.memberById(caller, loaders, e.node.id)));
    return {
      pageInfo: rows.pageInfo,
      edges: rows.edges.map((edge, i) => ({
        cursor: edge.cursor,
        node: { member: members[i]!, planId: edge.node.planId, turns18On: edge.node.turns18On },
      })),
    };
  }

  /** The checklist goal of a member on the family's open plan, if the caller may read it. */
  checklistOf(caller: Caller, loaders: RequestLoaders, memberId: string): Promise<Goal | null> {
    return loaders
      .get<string, Goal | null>('transitionChecklist', async (memberIds) => {
        const qb = this.db.manager
          .createQueryBuilder(Goal, 'g')
          .where(`g.transition_member_id = ANY(:memberIds)`, { memberIds })
          .andWhere(`EXISTS (SELECT 1 FROM plan cp WHERE cp.id = g.plan_id AND cp.status <> 'CLOSED')`);
        return oneBy(memberIds, await this.reader.of(caller).many(qb, 'Goal'), (g) => g.transitionMemberId!);
      })
      .load(memberId);
  }

  /**
   * Proposes the checklist goal for a member in transition, by the plan's supporter (before the hourly job
   * does, or in another life domain). One per member and plan.
   */
  async proposeChecklist(caller: Caller, input: ProposeTransitionChecklistInput): Promise<Goal> {
    return this.tx.run(caller, async (em) => {
      const { plan, attributes } = await this.writer.lock(em, caller, 'coordinate', input);
      if (plan.status !== PlanStatus.ACTIVE) throw invalidTransition('Plan', plan.status, 'propose a transition checklist');
      await this.policy.authorize(em, caller.ability, 'read', 'FamilyMember', input.memberId);
      await this.families.requireMembers(em, plan.familyId, [input.memberId], 'memberId');
      const goal = await this.writeChecklist(em, caller, {
        planId: plan.id,
        familyId: plan.familyId,
        networkId: attributes.networkId as string,
        memberId: input.memberId,
        supporterUserId: caller.principal.userId!,
        lifeDomain: input.lifeDomain,
      });
      if (!goal) throw badInput('memberId', `This member does not turn 18 within ${this.horizon} months`);
      return goal;
    });
  }

  /**
   * The hourly job: proposes the checklist on the active plan of every member who turns 18 within the
   * horizon and has none yet, as the service itself (`system:transitions`), its steps for the plan's
   * supporter and the young adult. The members due are found by birth date (an index range: those turning
   * 18 within the horizon), then each is proposed in its own transaction with the plan locked; a plan being
   * changed meanwhile is skipped until the next run, and a checklist another replica (or the supporter)
   * proposed first is left as it is. How many this run proposed.
   */
  async proposeDueChecklists(): Promise<number> {
    const caller = systemCaller('transitions');
    const due = `FROM family_member fm
        JOIN plan tp ON tp.family_id = fm.family_id AND tp.status = 'ACTIVE'
        JOIN trajectory_supporter tts ON tts.plan_id = tp.id AND tts.state = 'CURRENT'
        JOIN family f ON f.id = fm.family_id
       WHERE fm.birth_date >= current_date - interval '18 years'
         AND fm.birth_date <= current_date + make_interval(months => $1) - interval '18 years'
         AND NOT EXISTS (SELECT 1 FROM goal g WHERE g.plan_id = tp.id AND g.transition_member_id = fm.id)`;
    const members: { id: string }[] = await readWithoutAudit("the system's own job, for no caller", this.db.query(`SELECT fm.id ${due} ORDER BY fm.id`, [this.horizon]));
    let proposed = 0;
    for (const member of members) {
      const goal = await this.tx
        .run(caller, async (em) => {
          const [target]: { plan_id: string; family_id: string; network_id: string; supporter_id: string }[] = await readWithoutAudit("the system's own job, for no caller", em.query(
            `SELECT tp.id AS plan_id, f.id AS family_id, f.network_id, tts.user_id AS supporter_id ${due} AND fm.id = $2 FOR UPDATE OF tp SKIP LOCKED`,
            [this.horizon, member.id],
          ));
          return target
            ? this.writeChecklist(em, caller, {
                planId: target.plan_id,
                familyId: target.family_id,
                networkId: target.network_id,
                memberId: member.id,
                supporterUserId: target.supporter_id,
              })
            : null;
        })
        .catch((error: unknown) => {
          if (error instanceof DomainError && error.extensions.code === 'CONFLICT') return null;
          throw error;
        });
      if (goal) proposed++;
    }
    return proposed;
  }

  /**
   * Writes the checklist goal with its steps: a conversation about the help after 18, a handover to adult
   * services for each youth service working with the family, and the young adult's decision on each
   * consent a parent gave for them. Null when the member is not in transition. Tells the plan's supporter
   * and the young adult (in the portal) in the same transaction.
   */
  private async writeChecklist(
    em: EntityManager,
    caller: Caller,
    target: { planId: string; familyId: string; networkId: string; memberId: string; supporterUserId: string; lifeDomain?: LifeDomain },
  ): Promise<Goal | null> {
    const [member] = await readWithoutAudit('what a write copies into the record it writes (audited by the write triggers)', em
      .createQueryBuilder(FamilyMember, 'fm')
      .select('fm.given_name', 'name')
      .addSelect(`to_char(${turns18('fm')}, 'YYYY-MM-DD')`, 'turns18On')
      .addSelect(`${turns18('fm')} >= current_date`, 'ahead')
      .where('fm.id = :id', { id: target.memberId })
      .andWhere(inTransition('fm'), { horizon: this.horizon })
      .getRawMany<{ name: string; turns18On: string; ahead: boolean }>());
    if (!member) return null;

    const goal = await conflictOnDuplicate(
      this.goals.insert(em, caller, {
        planId: target.planId,
        lifeDomain: target.lifeDomain ?? LifeDomain.SOCIAL_NETWORK,
        description: `${member.name} turns 18 on ${member.turns18On}: the help after 18, and what ${member.name} decides from then on`,
        owner: GoalOwner.FAMILY,
        ownerAgencyId: null,
        transitionMemberId: target.memberId,
      }),
      `${member.name} already has a transition checklist on this plan`,
      ONE_CHECKLIST,
    );
    const due = member.ahead ? member.turns18On : null;
    const supporterStep = (title: string) => ({ title, assigneeUserId: target.supporterUserId, assigneeMemberId: null, dueDate: due });
    const steps = [
      supporterStep(`Talk with ${member.name} about the help after 18: what continues, what ends, who ${member.name} wants involved`),
      ...(await this.youthServiceHandovers(em, target.planId, target.networkId)).map(supporterStep),
      ...(await this.consentsToDecide(em, target.memberId)).map((title) => ({
        title: `${member.name} decides: ${title}`,
        assigneeUserId: null,
        assigneeMemberId: target.memberId,
        dueDate: due,
      })),
    ];
    for (const step of steps) await this.actions.insert(em, caller, target.planId, { goalId: goal.id, ...step });
    const proposed = { id: goal.id, kind: InboxItemKind.TRANSITION_CHECKLIST_PROPOSED, familyId: target.familyId, occurredAt: new Date() };
    await this.inbox.deliver(em, { ...proposed, about: { type: 'Goal', id: goal.id }, params: { on: member.turns18On } }, [
      { supportersOf: target.familyId },
      { member: target.memberId },
    ]);
    return goal;
  }

  /** For each youth service working with the family: hand over to adult services (those of the network named). */
  private async youthServiceHandovers(em: EntityManager, planId: string, networkId: string): Promise<string[]> {
    const rows: { name: string; kind: keyof typeof ADULT_SERVICES_AFTER; adult: string[] }[] = await readWithoutAudit('what a write copies into the record it writes (audited by the write triggers)', em.query(
      `SELECT a.name, a.kind,
              ARRAY(SELECT n.name FROM agency n WHERE n.network_id = $2 AND n.kind = ANY($4::text[]) ORDER BY n.name LIMIT 3) AS adult
         FROM agency a
        WHERE a.kind = ANY($3::text[])
          AND (a.id IN (SELECT pp.agency_id FROM plan_participant pp WHERE pp.plan_id = $1 AND pp.removed_at IS NULL)
               OR a.id IN (SELECT ca.agency_id FROM case_assignment ca JOIN plan p ON p.family_id = ca.family_id
                            WHERE p.id = $1 AND ca.ended_at IS NULL))
        ORDER BY a.name`,
      [planId, networkId, YOUTH_SERVICES, [...new Set(Object.values(ADULT_SERVICES_AFTER).flat())]],
    ));
    return rows.map((row) => {
      const kinds = ADULT_SERVICES_AFTER[row.kind]!.join(' or ');
      const names = row.adult.length ? ` (in this network: ${row.adult.join(', ')})` : '';
      return `Hand over from ${row.name} to adult services: ${kinds}${names}`;
    });
  }

  /** The consents a parent or caregiver gave for the member, in force, that the member has not confirmed. */
  private async consentsToDecide(em: EntityManager, memberId: string): Promise<string[]> {
    const rows: { agency: string; categories: string[] }[] = await em.query(
      `SELECT a.name AS agency, array_agg(g.category ORDER BY g.category) AS categories
         FROM consent_grant g JOIN agency a ON a.id = g.recipient_agency_id
        WHERE g.member_id = $1 AND ${grantToConfirm('g')}
        GROUP BY g.consent_id, a.name ORDER BY a.name, g.consent_id`,
      [memberId],
    );
    return rows.map((r) => `confirm, or not, the consent a parent gave for ${r.agency} (${r.categories.join(', ')})`);
  }
}
