import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseAssignmentWriter } from '../assignments/case-assignment-writer.js';
import { BreakGlassService } from '../break-glass/break-glass.service.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, conflict, forbidden, invalidTransition, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { ConsentsService } from '../consents/consents.service.js';
import { FamiliesService } from '../families/families.service.js';
import type { Family } from '../families/family.entity.js';
import type { MemberPair } from '../families/member-pair.js';
import { GoalsService } from '../goals/goals.service.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { NotificationChannels } from '../inbox/notification-channels.service.js';
import { MemberCorrectionsService } from '../families/member-corrections.service.js';
import { ErasureRequestsService } from '../retention/erasure-requests.service.js';
import { PortalInvitationsService } from '../portal/portal-invitations.service.js';
import { NotesService } from '../notes/notes.service.js';
import { PlansService } from '../plans/plans.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { ReferralsService } from '../referrals/referrals.service.js';
import type { ConfirmFamilyMergeInput, DeclineFamilyMergeInput, PairFamilyMembersInput, ProposeFamilyMergeInput, WithdrawFamilyMergeInput } from './dto/family-merge.inputs.js';
import { FamilyMergeStatus } from './family-merge-status.js';
import { FamilyMerge } from './family-merge.entity.js';
import { FamilyMembersPaired } from './family-members-paired.js';

/** What the caller may do with one family of a merge: merge it, only see it, or not even know it. */
type Side = 'merge' | 'seen' | 'hidden';

/**
 * Merging two registrations of the same family (docs/family-merge.md). This module writes only its own
 * table; every other row is re-pointed by its owner's transaction-scoped method, in the one transaction
 * of the confirming caller, so that the audit triggers record every change under that caller.
 */
@Injectable()
export class FamilyMergeService {
  constructor(
    private readonly tx: AuditedTransactions,
    private readonly policy: PolicyService,
    private readonly idempotency: IdempotencyService,
    private readonly families: FamiliesService,
    private readonly plans: PlansService,
    private readonly goals: GoalsService,
    private readonly notes: NotesService,
    private readonly consents: ConsentsService,
    private readonly referrals: ReferralsService,
    private readonly assignments: CaseAssignmentWriter,
    private readonly breakGlass: BreakGlassService,
    private readonly inbox: InboxService,
    private readonly channels: NotificationChannels,
    private readonly corrections: MemberCorrectionsService,
    private readonly erasureRequests: ErasureRequestsService,
    private readonly portalLogins: PortalInvitationsService,
    private readonly history: PlanHistoryService,
  ) {}

  /**
   * The caller proposes for the family it may merge (as its supporter); the other family must be of the same
   * network — an unknown id and a family of another network answer alike, BAD_USER_INPUT naming the field.
   * Who may merge both families (the coordinator, or the supporter of both) merges at once.
   */
  async propose(caller: Caller, input: ProposeFamilyMergeInput): Promise<FamilyMerge> {
    if (input.survivingFamilyId === input.absorbedFamilyId) {
      throw badInput('absorbedFamilyId', 'absorbedFamilyId must name another family than survivingFamilyId');
    }
    return this.tx.run(caller, (em) =>
      this.idempotency.created(
        em,
        caller,
        'proposeFamilyMerge',
        input,
        async () => {
          const ids = [input.survivingFamilyId, input.absorbedFamilyId];
          const families = await this.families.lockForMerge(em, ids);
          const sides = await this.sidesOf(em, caller, ids);
          const own = sides.indexOf('merge');
          if (own < 0) throw sides.includes('seen') ? forbidden('Only a trajectory supporter of the family, or the network coordinator, proposes a merge') : notFound('Family');
          const ownFamily = families.find((f) => f.id === ids[own])!;
          const otherField = own === 0 ? 'absorbedFamilyId' : 'survivingFamilyId';
          const other = families.find((f) => f.id === ids[1 - own]);
          if (!other || other.networkId !== ownFamily.networkId) throw badInput(otherField, `${otherField} must name another family of this network`);
          const [surviving, absorbed] = ids.map((id) => families.find((f) => f.id === id)!) as [Family, Family];
          requireNotMerged(surviving, absorbed);
          await this.requireOpenPlans(em, ids);
          const memberPairs = (input.memberPairs ?? []).map(({ absorbedMemberId, survivingMemberId }) => ({ absorbedMemberId, survivingMemberId }));
          // The proposer vouches for the members of the family (or families) she acts for: she must see each.
          const vouched = ids.filter((_, i) => sides[i] === 'merge');
          await this.families.checkMemberPairs(em, { survivingFamilyId: surviving.id, absorbedFamilyId: absorbed.id }, memberPairs, { caller, familyIds: vouched });
          const merge: FamilyMerge = {
            id: newId(),
            networkId: ownFamily.networkId,
            survivingFamilyId: surviving.id,
            absorbedFamilyId: absorbed.id,
            memberPairs,
            proposedForFamilyId: ownFamily.id,
            status: FamilyMergeStatus.PROPOSED,
            proposedByUserId: caller.principal.userId!,
            confirmedByUserId: null,
            version: 1,
            createdAt: new Date(),
            mergedAt: null,
            endedByUserId: null,
            endedAt: null,
          };
          await em.insert(FamilyMerge, merge);
          return sides.every((side) => side === 'merge') ? this.merge(em, caller, merge, surviving, absorbed) : merge;
        },
        (id) => this.readable(em, caller, id),
      ),
    );
  }

  /** The other family's supporter, or the coordinator, confirms a proposal: the families merge. */
  async confirm(caller: Caller, input: ConfirmFamilyMergeInput): Promise<FamilyMerge> {
    return this.decide(caller, 'confirmFamilyMerge', input, async (em, merge, sides) => {
      // The proposer's side proposed: the confirmation is the other family's.
      if (sides.other !== 'merge') throw forbidden("The other family's trajectory supporter, or the network coordinator, confirms this merge");
      requireVersion(merge, input.expectedVersion);
      const ids = [merge.survivingFamilyId, merge.absorbedFamilyId];
      const families = await this.families.lockForMerge(em, ids);
      const [surviving, absorbed] = ids.map((id) => families.find((f) => f.id === id)!) as [Family, Family];
      requireNotMerged(surviving, absorbed);
      // The confirmer vouches for the pairs' members of her own family; they are checked again, as they are now.
      const own = ids.find((id) => id !== merge.proposedForFamilyId)!;
      await this.families.checkMemberPairs(em, { survivingFamilyId: surviving.id, absorbedFamilyId: absorbed.id }, merge.memberPairs, {
        caller,
        familyIds: [own],
        unseen: (field) => forbidden(`${field} names a member of your family you may not read: decline the proposal, or have her consent first`),
      });
      return this.merge(em, caller, merge, surviving, absorbed);
    });
  }

  /** The proposer takes the proposal back (or the coordinator, who may merge both families). */
  async withdraw(caller: Caller, input: WithdrawFamilyMergeInput): Promise<FamilyMerge> {
    return this.decide(caller, 'withdrawFamilyMerge', input, async (em, merge, sides) => {
      const byProposer = merge.proposedByUserId === caller.principal.userId && sides.proposer === 'merge';
      if (!byProposer && !(sides.proposer === 'merge' && sides.other === 'merge')) {
        throw forbidden('Only who proposed the merge, or the network coordinator, withdraws it');
      }
      requireVersion(merge, input.expectedVersion);
      return this.end(em, caller, merge, FamilyMergeStatus.WITHDRAWN);
    });
  }

  /** The other family's supporter (or the coordinator) refuses the proposal: the families stay apart. */
  async decline(caller: Caller, input: DeclineFamilyMergeInput): Promise<FamilyMerge> {
    return this.decide(caller, 'declineFamilyMerge', input, async (em, merge, sides) => {
      if (sides.other !== 'merge') throw forbidden("The other family's trajectory supporter, or the network coordinator, declines this merge");
      requireVersion(merge, input.expectedVersion);
      const declined = await this.end(em, caller, merge, FamilyMergeStatus.DECLINED);
      // The proposer is told, while still on her family's team (she sees it in familyMergeProposals too).
      await this.inbox.deliver(
        em,
        { id: merge.id, kind: InboxItemKind.FAMILY_MERGE_DECLINED, familyId: merge.proposedForFamilyId, about: { type: 'Family', id: merge.proposedForFamilyId }, params: {}, occurredAt: declined.endedAt! },
        [{ teamUser: merge.proposedByUserId, family: merge.proposedForFamilyId }],
      );
      return declined;
    });
  }

  /**
   * Two records of the same person found in one family (after a merge, or missed in its proposal): the absorbed
   * record becomes the surviving member, each table re-pointed by its owner as a merge's pairs are (`mapMembers`).
   * Who may merge the family pairs (its supporter), vouching for both members as a proposer does: each one she may
   * read, checked as a merge's pairs (`checkMemberPairs`). The surviving member's version guards against a change
   * (or another pairing) meanwhile.
   */
  async pairMembers(caller: Caller, input: PairFamilyMembersInput): Promise<FamilyMembersPaired> {
    if (input.absorbedMemberId === input.survivingMemberId) throw badInput('absorbedMemberId', 'absorbedMemberId must name another member than survivingMemberId');
    const pair = { absorbedMemberId: input.absorbedMemberId, survivingMemberId: input.survivingMemberId };
    return this.tx.run(caller, async (em) => {
      const [side] = await this.sidesOf(em, caller, [input.familyId]);
      if (side !== 'merge') throw side === 'seen' ? forbidden("Only the family's trajectory supporter pairs two records of one member") : notFound('Family');
      let version: number | undefined;
      await this.idempotency.once(em, caller, 'pairFamilyMembers', input, async () => {
        const members = await this.families.lockForPairing(em, [pair.absorbedMemberId, pair.survivingMemberId]);
        const surviving = members.find((m) => m.id === pair.survivingMemberId);
        // The version is named only to who reads the member (else the pair check answers, as for a missing one).
        const attributes = surviving?.familyId === input.familyId ? await this.policy.attributesOf(em, 'FamilyMember', surviving.id) : null;
        if (surviving && attributes && this.policy.can(caller.ability, 'read', 'FamilyMember', attributes) && surviving.version !== input.expectedVersion) {
          throw conflict(`The member changed meanwhile: version ${surviving.version}, not ${input.expectedVersion}`);
        }
        const family = { survivingFamilyId: input.familyId, absorbedFamilyId: input.familyId };
        await this.families.checkMemberPairs(em, family, [pair], { caller, familyIds: [input.familyId] }, (_, side) => side);
        await this.mapMembers(em, caller, input.familyId, [pair]);
        await this.families.setAsideEnded(em, input.familyId, [pair.absorbedMemberId]);
        version = await this.families.nextVersion(em, pair.survivingMemberId);
        const plan = (await this.plans.lockOpenPlans(em, [input.familyId])).get(input.familyId);
        if (plan) {
          await this.history.record(em, caller, { planId: plan.id, entityType: 'Plan', entityId: plan.id, change: 'FAMILY_MEMBERS_PAIRED', details: pair });
        }
        // The family's portal members who decide for themselves, and the supporter, as for a merge.
        await this.inbox.deliver(
          em,
          { id: newId(), kind: InboxItemKind.FAMILY_MEMBERS_PAIRED, familyId: input.familyId, about: { type: 'Family', id: input.familyId }, params: {}, occurredAt: new Date() },
          [{ portalOf: input.familyId }, { supportersOf: input.familyId }],
        );
        return pair.absorbedMemberId;
      });
      // A repeat answers the pairing as it was made: the version read back, not changed again.
      version ??= (await this.families.lockForPairing(em, [pair.survivingMemberId]))[0]!.version;
      return { familyId: input.familyId, ...pair, survivingMemberVersion: version };
    });
  }

  /** The merges proposed for or with one family, newest first, for whoever may merge that family. */
  async proposalsOf(caller: Caller, familyId: string): Promise<FamilyMerge[]> {
    return this.tx.run(caller, async (em) => {
      const [side] = await this.sidesOf(em, caller, [familyId]);
      if (side !== 'merge') throw side === 'seen' ? forbidden('Only a trajectory supporter of the family, or the network coordinator, sees its merge proposals') : notFound('Family');
      return em
        .createQueryBuilder(FamilyMerge, 'm')
        .where('m.survivingFamilyId = :familyId OR m.absorbedFamilyId = :familyId', { familyId })
        .orderBy('m.createdAt', 'DESC')
        .addOrderBy('m.id', 'DESC')
        .getMany();
    });
  }

  /**
   * A decision on a proposal, under its lock: NOT_FOUND to who may merge neither family and sees neither, FORBIDDEN
   * to who only sees one, INVALID_TRANSITION naming the state once it is no longer PROPOSED; `act` decides the rest.
   */
  private decide(
    caller: Caller,
    operation: string,
    input: ConfirmFamilyMergeInput,
    act: (em: EntityManager, merge: FamilyMerge, sides: { proposer: Side; other: Side }) => Promise<FamilyMerge>,
  ): Promise<FamilyMerge> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(
        em,
        caller,
        operation,
        input,
        async () => {
          const merge = await em.createQueryBuilder(FamilyMerge, 'm').where('m.id = :id', { id: input.mergeId }).setLock('pessimistic_write').getOne();
          if (!merge) throw notFound('FamilyMerge');
          const ids = [merge.survivingFamilyId, merge.absorbedFamilyId];
          const sides = await this.sidesOf(em, caller, ids);
          if (!sides.includes('merge')) throw sides.includes('seen') ? forbidden('Only a trajectory supporter of the families, or the network coordinator, decides on a merge') : notFound('FamilyMerge');
          if (merge.status !== FamilyMergeStatus.PROPOSED) throw invalidTransition('FamilyMerge', merge.status, operation);
          const proposer = ids.indexOf(merge.proposedForFamilyId);
          return act(em, merge, { proposer: sides[proposer]!, other: sides[1 - proposer]! });
        },
        (id) => this.readable(em, caller, id),
      ),
    );
  }

  /** A proposal that does not go ahead keeps who ended it and when. */
  private async end(em: EntityManager, caller: Caller, merge: FamilyMerge, status: FamilyMergeStatus.WITHDRAWN | FamilyMergeStatus.DECLINED): Promise<FamilyMerge> {
    Object.assign(merge, { status, endedByUserId: caller.principal.userId, endedAt: new Date(), version: merge.version + 1 });
    await em.update(FamilyMerge, { id: merge.id }, { status: merge.status, endedByUserId: merge.endedByUserId, endedAt: merge.endedAt, version: merge.version });
    return merge;
  }

  /** Moves everything of the absorbed family into the surviving one, each table by its owner, and tells the family. */
  private async merge(em: EntityManager, caller: Caller, merge: FamilyMerge, surviving: Family, absorbed: Family): Promise<FamilyMerge> {
    const plans = await this.requireOpenPlans(em, [surviving.id, absorbed.id]);
    const [survivingPlan, absorbedPlan] = [plans.get(surviving.id)!, plans.get(absorbed.id)!];
    if (merge.memberPairs.length) await this.mapMembers(em, caller, surviving.id, merge.memberPairs);
    await this.notes.keepRegistrations(em, [surviving.id, absorbed.id]);
    await this.goals.moveToPlan(em, absorbedPlan.id, survivingPlan.id, absorbed.id);
    await this.notes.moveToPlan(em, absorbedPlan.id, survivingPlan.id);
    await this.referrals.moveToFamily(em, { familyId: absorbed.id, planId: absorbedPlan.id }, { familyId: surviving.id, planId: survivingPlan.id });
    await this.plans.absorb(em, caller, absorbedPlan, survivingPlan, merge.id);
    await this.consents.moveToFamily(em, absorbed.id, surviving.id);
    await this.assignments.moveToFamily(em, absorbed.id, surviving.id);
    await this.breakGlass.moveToFamily(em, absorbed.id, surviving.id);
    await this.inbox.moveToFamily(em, absorbed.id, surviving.id);
    await this.channels.moveToFamily(em, absorbed.id, surviving.id);
    await this.corrections.moveToFamily(em, absorbed.id, surviving.id);
    await this.erasureRequests.moveToFamily(em, absorbed.id, surviving.id);
    const mergedAt = new Date();
    await this.families.absorbInto(em, absorbed.id, surviving.id, mergedAt);
    Object.assign(merge, { status: FamilyMergeStatus.MERGED, confirmedByUserId: caller.principal.userId, mergedAt, version: merge.version + 1 });
    await em.update(FamilyMerge, { id: merge.id }, { status: merge.status, confirmedByUserId: merge.confirmedByUserId, mergedAt: merge.mergedAt, version: merge.version });
    // The family's portal members (of both registrations, now one family) and the supporter who proposed it.
    await this.inbox.deliver(
      em,
      {
        id: merge.id,
        kind: InboxItemKind.FAMILY_MERGED,
        familyId: surviving.id,
        about: { type: 'Plan', id: survivingPlan.id },
        params: { members: merge.memberPairs.length },
        occurredAt: merge.mergedAt!,
      },
      [{ portalOf: surviving.id }, { supportersOf: surviving.id }],
    );
    return merge;
  }

  /**
   * Each pair's absorbed member becomes the surviving one: her record ends first (pointing at the member she
   * became, which the database's rule for re-pointing append-only rows checks), then every owner re-points its rows.
   */
  private async mapMembers(em: EntityManager, caller: Caller, survivingFamilyId: string, pairs: MemberPair[]): Promise<void> {
    const { endedLoginMemberIds } = await this.families.mergeMembers(em, survivingFamilyId, pairs);
    await this.portalLogins.recordEndedByMemberMerge(em, caller, survivingFamilyId, endedLoginMemberIds);
    await this.channels.mapMembers(em, survivingFamilyId, pairs);
    await this.corrections.mapMembers(em, survivingFamilyId, pairs);
    await this.erasureRequests.mapMembers(em, pairs);
    await this.consents.mapMembers(em, pairs);
    await this.goals.mapMembers(em, pairs);
    await this.notes.mapMembers(em, pairs);
    await this.referrals.mapMembers(em, pairs);
    await this.inbox.mapMembers(em, pairs);
  }

  /** Both families need their open plan: the absorbed one closes into the surviving one. */
  private async requireOpenPlans(em: EntityManager, [survivingId, absorbedId]: string[]) {
    const plans = await this.plans.lockOpenPlans(em, [survivingId!, absorbedId!]);
    if (!plans.has(survivingId!)) throw badInput('survivingFamilyId', 'The surviving family has no open plan to merge into');
    if (!plans.has(absorbedId!)) throw badInput('absorbedFamilyId', 'The absorbed family has no open plan to merge');
    return plans;
  }

  /** Per family: may the caller merge it (Family `merge`), or only read it, or neither. */
  private async sidesOf(em: EntityManager, caller: Caller, familyIds: string[]): Promise<Side[]> {
    const sides: Side[] = [];
    for (const id of familyIds) {
      const attributes = await this.policy.attributesOf(em, 'Family', id);
      if (attributes && this.policy.can(caller.ability, 'merge', 'Family', attributes)) sides.push('merge');
      else if (attributes && this.policy.can(caller.ability, 'read', 'Family', attributes)) sides.push('seen');
      else sides.push('hidden');
    }
    return sides;
  }

  /** A repeat under an idempotency key: the merge as it is now, if the caller still has a part in it. */
  private async readable(em: EntityManager, caller: Caller, id: string): Promise<FamilyMerge> {
    const merge = await em.findOneBy(FamilyMerge, { id });
    const sides = merge ? await this.sidesOf(em, caller, [merge.survivingFamilyId, merge.absorbedFamilyId]) : [];
    if (!merge || !sides.includes('merge')) throw notFound('FamilyMerge');
    return merge;
  }
}

/** The version the caller saw, when it says: another answers CONFLICT. */
function requireVersion(merge: FamilyMerge, expectedVersion: number | undefined): void {
  if (expectedVersion != null && expectedVersion !== merge.version) {
    throw conflict(`The merge changed meanwhile: version ${merge.version}, not ${expectedVersion}`);
  }
}

/** A family merged before is no family to merge any more. */
function requireNotMerged(...families: Family[]): void {
  for (const family of families) {
    if (family.mergedIntoFamilyId) throw invalidTransition('Family', 'MERGED', 'merge');
  }
}
