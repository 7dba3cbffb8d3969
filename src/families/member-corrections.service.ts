import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { calendarDate } from '../common/calendar.js';
import { badInput, conflict, invalidTransition, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { type InboxAudience, InboxService } from '../inbox/inbox.service.js';
import { PolicyService } from '../policy/policy.service.js';
import type { DecideMemberCorrectionInput, DeclineMemberCorrectionInput, RequestMemberCorrectionInput } from './dto/member-changes.inputs.js';
import { CorrectionStatus, MemberCorrectionRequest } from './member-correction-request.entity.js';
import { MemberChangesService } from './member-changes.service.js';
import { requirePastDate } from './member-dates.js';
import { type MemberPair, PAIRS, pairColumns } from './member-pair.js';

/**
 * A member asks in the portal to correct her details (or a child's she speaks for); the family's team applies
 * the correction (as `updateFamilyMember`, under the same rule) or declines it with a reason. REQUESTED →
 * APPLIED | DECLINED. The supporter is told of a request, the member of the decision (inbox, no personal data).
 */
@Injectable()
export class MemberCorrectionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly reader: PersonalReader,
    private readonly idempotency: IdempotencyService,
    private readonly inbox: InboxService,
    private readonly changes: MemberChangesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async request(caller: Caller, input: RequestMemberCorrectionInput): Promise<MemberCorrectionRequest> {
    const asked = Object.fromEntries(Object.entries(input.changes).filter(([, value]) => value !== undefined && value !== null)) as Record<string, string>;
    if (Object.keys(asked).length === 0) throw badInput('changes', 'Name at least one field to correct');
    if (asked.birthDate) requirePastDate('changes.birthDate', asked.birthDate, calendarDate(this.config.legalTimeZone));
    const requester = caller.principal.familyMember!; // the rule (`requestCorrection`) is the portal's only
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'requestMemberCorrection', input, async () => {
        const member = await this.policy.authorize(em, caller.ability, 'requestCorrection', 'FamilyMember', input.memberId, { lock: true });
        const row = {
          id: newId(),
          familyId: member.familyId as string,
          memberId: input.memberId,
          requestedByMemberId: requester.memberId,
          changes: asked,
          status: CorrectionStatus.REQUESTED,
          version: 1,
          requestedAt: new Date(),
        };
        await em.insert(MemberCorrectionRequest, row);
        await this.tell(em, row, InboxItemKind.MEMBER_CORRECTION_REQUESTED, [{ supportersOf: row.familyId }]);
        return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(MemberCorrectionRequest, { id: row.id }));
      }, (id) => this.readable(caller, id, em)),
    );
  }

  /** The team applies the correction asked for, as a correction of its own (same rule, same history). */
  async apply(caller: Caller, input: DecideMemberCorrectionInput): Promise<MemberCorrectionRequest> {
    return this.tx.run(caller, async (em) => {
      const request = await this.open(em, caller, input, 'apply');
      await this.changes.correctWithin(em, caller, { memberId: request.memberId, ...request.changes });
      return this.decide(em, caller, request, CorrectionStatus.APPLIED, null);
    });
  }

  async decline(caller: Caller, input: DeclineMemberCorrectionInput): Promise<MemberCorrectionRequest> {
    return this.tx.run(caller, async (em) => {
      const request = await this.open(em, caller, input, 'decline');
      return this.decide(em, caller, request, CorrectionStatus.DECLINED, input.reason);
    });
  }

  /**
   * A merge (docs/family-merge.md): the requests about the members who moved name the surviving family, as the
   * members do. Decided requests stay as they were written: they name the family the member was in.
   */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    // After mapMembers: no request still to be decided names a record that ended.
    await em.query(`UPDATE member_correction_request SET family_id = $2 WHERE family_id = $1 AND status = 'REQUESTED'`, [fromFamilyId, toFamilyId]);
  }

  /**
   * A merge of members that are the same person: a request still to be decided follows the person. It is about,
   * and asked by, the surviving member from then on (the team applies it to her, she is told the outcome), and
   * names the family she is in. Decided requests keep naming the record they were about, with her history.
   */
  async mapMembers(em: EntityManager, survivingFamilyId: string, pairs: readonly MemberPair[]): Promise<void> {
    const surviving = (column: string) => `COALESCE((SELECT p.surviving FROM ${PAIRS} WHERE p.absorbed = r.${column}), r.${column})`;
    await em.query(
      `UPDATE member_correction_request r
          SET member_id = ${surviving('member_id')}, requested_by_member_id = ${surviving('requested_by_member_id')}, family_id = $3
        WHERE r.status = 'REQUESTED' AND (r.member_id = ANY ($1) OR r.requested_by_member_id = ANY ($1))`,
      [...pairColumns(pairs), survivingFamilyId],
    );
  }

  /** The requests about a member, newest first, for whoever may read her (audited as a read of her). */
  async of(caller: Caller, memberId: string): Promise<MemberCorrectionRequest[]> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'FamilyMember', memberId);
    const qb = this.db.manager
      .createQueryBuilder(MemberCorrectionRequest, 'mcr')
      .where('mcr.member_id = :memberId', { memberId })
      .orderBy('mcr.requested_at', 'DESC')
      .addOrderBy('mcr.id');
    return this.reader.of(caller).many(qb, 'FamilyMember', { through: 'mcr.member_id', entityType: 'MemberCorrectionRequest' });
  }

  /**
   * The request, locked, if the caller may change its member (`update` on the FamilyMember: NOT_FOUND when it
   * may not read her), it is still REQUESTED (else the state is named) and at the version expected.
   */
  private async open(em: EntityManager, caller: Caller, input: DecideMemberCorrectionInput, step: string): Promise<MemberCorrectionRequest> {
    const [target]: { member_id: string }[] = await readWithoutAudit(
      'a check before a write that answers no personal data',
      em.query(`SELECT member_id FROM member_correction_request WHERE id = $1`, [input.requestId]),
    );
    if (!target) throw notFound('MemberCorrectionRequest');
    await this.policy.authorize(em, caller.ability, 'update', 'FamilyMember', target.member_id, { lock: true });
    const request = await readWithoutAudit(
      'the record the caller changes, authorized and locked first (audited by the write triggers)',
      em.createQueryBuilder(MemberCorrectionRequest, 'mcr').where('mcr.id = :id', { id: input.requestId }).setLock('pessimistic_write').getOneOrFail(),
    );
    if (request.status !== CorrectionStatus.REQUESTED) throw invalidTransition('The correction request', request.status, step);
    if (input.expectedVersion != null && input.expectedVersion !== request.version) {
      throw conflict(`The correction request changed meanwhile: version ${request.version}, not ${input.expectedVersion}`);
    }
    return request;
  }

  private async decide(
    em: EntityManager,
    caller: Caller,
    request: MemberCorrectionRequest,
    status: CorrectionStatus,
    declineReason: string | null,
  ): Promise<MemberCorrectionRequest> {
    await em.update(
      MemberCorrectionRequest,
      { id: request.id },
      { status, declineReason, decidedByUserId: caller.principal.userId, decidedAt: new Date(), version: () => 'version + 1' },
    );
    const kind = status === CorrectionStatus.APPLIED ? InboxItemKind.MEMBER_CORRECTION_APPLIED : InboxItemKind.MEMBER_CORRECTION_DECLINED;
    await this.tell(em, request, kind, [{ member: request.requestedByMemberId }]);
    return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(MemberCorrectionRequest, { id: request.id }));
  }

  /** An inbox item about the member (shown while its reader may read her), one per request and step. */
  private tell(em: EntityManager, request: Pick<MemberCorrectionRequest, 'id' | 'familyId' | 'memberId'>, kind: InboxItemKind, audience: InboxAudience[]) {
    const event = { id: newId(), kind, familyId: request.familyId, about: { type: 'FamilyMember' as const, id: request.memberId }, params: {}, occurredAt: new Date() };
    return this.inbox.deliver(em, event, audience);
  }

  private async readable(caller: Caller, id: string, em: EntityManager): Promise<MemberCorrectionRequest> {
    const qb = em.createQueryBuilder(MemberCorrectionRequest, 'mcr').where('mcr.id = :id', { id });
    const [request] = await this.reader.of(caller).many(qb, 'FamilyMember', { through: 'mcr.member_id', entityType: 'MemberCorrectionRequest' });
    if (!request) throw notFound('MemberCorrectionRequest');
    return request;
  }
}
