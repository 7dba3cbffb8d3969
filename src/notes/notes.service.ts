import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { invalidTransition } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { FamiliesService } from '../families/families.service.js';
import { type MemberPair, pairColumns, repointMembersSql } from '../families/member-pair.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { PlanHistoryService } from '../history/plan-history.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PlanStatus } from '../plans/plan-status.js';
import { PolicyService } from '../policy/policy.service.js';
import type { AddNoteInput } from './dto/add-note.input.js';
import { NoteMember } from './note-member.entity.js';
import { Note } from './note.entity.js';

@Injectable()
export class NotesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly families: FamiliesService,
    private readonly history: PlanHistoryService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly reader: PersonalReader,
  ) {}

  /** A note on an open plan about some of the family's members; the policy decides per category who may write it. */
  async add(caller: Caller, input: AddNoteInput): Promise<Note> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'addNote', input, async () => {
        // Locked so that the plan cannot close while the note is written.
        const plan = await this.policy.authorize(em, caller.ability, 'read', 'Plan', input.planId, { lock: true });
        this.policy.assertCan(caller.ability, 'create', 'Note', { ...plan, category: input.category });
        if (plan.status === PlanStatus.CLOSED) throw invalidTransition('Plan', PlanStatus.CLOSED, 'add a note');
        const members = await this.families.requireMembers(em, plan.familyId as string, input.memberIds ?? [], 'memberIds');
        // Only a user acting for an agency holds a rule that lets it create a note.
        const note = em.create(Note, {
          id: newId(),
          planId: plan.id,
          category: input.category,
          body: input.body,
          authorUserId: caller.principal.userId!,
          authorAgencyId: caller.principal.acting!.agencyId,
        });
        await em.insert(Note, note);
        if (members.length) await em.insert(NoteMember, members.map((m) => ({ noteId: note.id, memberId: m.id })));
        // The body stays out of the history: the history is read more widely than some categories.
        await this.history.record(em, caller, {
          planId: plan.id,
          entityType: 'Note',
          entityId: note.id,
          change: 'NOTE_ADDED',
          details: { category: note.category },
        });
        return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(Note, { id: note.id }));
      }, (id) => this.idempotency.readable(em, caller, Note, 'Note', id)),
    );
  }

  /** Notes of many plans in one query, filtered by the Note read rule (a volunteer gets no health or safety notes). */
  notesOf(caller: Caller, loaders: RequestLoaders, planId: string): Promise<Note[]> {
    return loaders
      .get<string, Note[]>('planNotes', (planIds) =>
        this.reader.of(caller).grouped(this.db.manager.createQueryBuilder(Note, 'nt'), 'Note', {
          column: 'nt.plan_id',
          keys: planIds,
          keyOf: (n) => n.planId,
        }),
      )
      .load(planId);
  }

  /** The ids of the members each note is about, for many notes in one query filtered by the Note read rule. */
  memberIdsOf(caller: Caller, loaders: RequestLoaders, noteId: string): Promise<string[]> {
    return loaders
      .get<string, string[]>('noteMemberIds', async (noteIds) => {
        const qb = this.db.manager
          .createQueryBuilder(NoteMember, 'nm')
          .where('nm.note_id = ANY(:noteIds)', { noteIds })
          .orderBy('nm.member_id');
        const rows = await this.reader.of(caller).scopeThrough(qb, 'Note', 'nm.note_id').getMany();
        return groupBy(noteIds, rows, (nm) => nm.noteId).map((group) => group.map((nm) => nm.memberId));
      })
      .load(noteId);
  }


  /** A merge of two plans (docs/family-merge.md): the notes of `fromPlanId` go to `toPlanId`, with the members they name. */
  async moveToPlan(em: EntityManager, fromPlanId: string, toPlanId: string): Promise<void> {
    await em.query(`UPDATE note SET plan_id = $2 WHERE plan_id = $1`, [fromPlanId, toPlanId]);
  }

  /**
   * A merge (docs/family-merge.md, "Consents do not widen"): every note of the two families keeps the registration
   * it was written in, whose members a note naming nobody concerns; a note written afterwards (null) concerns every
   * member of the one family. A family that absorbed another before keeps its later notes null: they were written
   * about more than one registration, and stay under the consents of every member (conservative over chains).
   * Before the plans move, so that each note's plan still names its registration.
   */
  async keepRegistrations(em: EntityManager, familyIds: string[]): Promise<void> {
    await readWithoutAudit(
      'what a write copies into the record it writes (audited by the write triggers)',
      em.query(
        `UPDATE note n SET consent_family_id = COALESCE(p.consent_family_id, p.family_id) FROM plan p
          WHERE p.id = n.plan_id AND p.family_id = ANY ($1) AND n.consent_family_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM family r WHERE r.merged_into_family_id = p.family_id)`,
        [familyIds],
      ),
    );
  }

  /** A merge of members that are the same person (docs/family-merge.md): notes name the surviving member, once. */
  async mapMembers(em: EntityManager, pairs: readonly MemberPair[]): Promise<void> {
    const columns = pairColumns(pairs);
    await em.query(repointMembersSql('note_member', 'note_id'), columns);
    await em.query(`DELETE FROM note_member WHERE member_id = ANY($1::uuid[])`, [columns[0]]);
  }
}
