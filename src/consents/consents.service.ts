import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit, type UnauditedRead } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput, invalidTransition, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { familyMergeStatement, memberMergeStatement } from '../database/family-merge-statement.js';
import { DirectoryServicesService } from '../directory/directory.service.js';
import { FamiliesService } from '../families/families.service.js';
import { type MemberPair, PAIRS, pairColumns, repointMembersSql } from '../families/member-pair.js';
import { groupBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { grantToConfirm } from '../policy/subjects.js';
import { CapacityAssessment } from './capacity-assessment.entity.js';
import { ConsentMethod, ConsentStatus } from './consent-method.js';
import { Consent } from './consent.entity.js';
import type { AssessCapacityInput, ConfirmConsentInput, RecordConsentInput, RevokeConsentInput } from './dto/consent.inputs.js';

interface MemberCapacity {
  id: string;
  family_id: string;
  capable: boolean;
  representative: boolean;
  /** She left the household (docs/family-members.md): no new consent names her. */
  left: boolean;
}

/**
 * Consents are events: recording adds a consent, revoking adds a revocation, nothing is updated.
 * Who may consent follows the Flemish minors' rights rules (see `grantorRefusal`).
 */
@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly idempotency: IdempotencyService,
    private readonly reader: PersonalReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agencies: AgenciesService,
    private readonly families: FamiliesService,
    private readonly inbox: InboxService,
    private readonly directory: DirectoryServicesService,
  ) {}

  async record(caller: Caller, input: RecordConsentInput): Promise<Consent> {
    const validFrom = input.validFrom ?? new Date();
    if (input.validUntil && input.validUntil <= validFrom) {
      throw badInput('validUntil', 'validUntil must be after validFrom');
    }
    checkMethod(caller, input, { field: 'grantorMemberId', memberId: input.grantorMemberId, doing: 'give consent' });
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'recordConsent', input, async () => {
        const members = await this.capacities(em, [input.grantorMemberId, ...input.subjectMemberIds]);
        const grantor = members.get(input.grantorMemberId);
        const family = await this.visibleFamily(em, caller, grantor?.family_id);
        this.policy.assertCan(caller.ability, 'create', 'Consent', family);
        const subjects = input.subjectMemberIds.map((id) => members.get(id));
        if (subjects.some((s) => s?.family_id !== family.id)) {
          throw badInput('subjectMemberIds', 'subjectMemberIds must be members of the grantor’s family');
        }
        if (grantor!.left) throw badInput('grantorMemberId', 'The grantor left the household');
        if (subjects.some((s) => s!.left)) throw badInput('subjectMemberIds', 'subjectMemberIds must not name a member who left the household');
        for (const subject of subjects as MemberCapacity[]) {
          const refusal = grantorRefusal(grantor!, subject);
          if (refusal) throw badInput('grantorMemberId', refusal(await this.families.nameFor(caller, subject.id)));
        }
        if (!input.recipientAgencyId === !input.recipientDirectoryServiceId) {
          throw badInput('recipientAgencyId', 'Name either recipientAgencyId or recipientDirectoryServiceId (an organisation outside the platform)');
        }
        if (input.recipientAgencyId) await this.agencies.requireInNetwork(em, input.recipientAgencyId, family.networkId as string, 'recipientAgencyId');
        else await this.directory.requireExternal(em, input.recipientDirectoryServiceId!, family.networkId as string, 'recipientDirectoryServiceId');

        const consent = em.create(Consent, {
          id: newId(),
          familyId: family.id,
          grantorMemberId: grantor!.id,
          recipientAgencyId: input.recipientAgencyId ?? null,
          recipientDirectoryServiceId: input.recipientDirectoryServiceId ?? null,
          categories: input.categories,
          purposeCode: input.purposeCode,
          purpose: input.purpose,
          validFrom,
          validUntil: input.validUntil ?? null,
          method: input.method,
          evidenceReference: input.evidenceReference ?? null,
          recordedByUserId: caller.principal.userId,
          recordedByAgencyId: caller.principal.acting?.agencyId ?? null,
          recordedAt: new Date(),
        });
        await em.insert(Consent, consent);
        await em.query(
          `INSERT INTO consent_subject (consent_id, member_id) SELECT $1, unnest($2::uuid[])`,
          [consent.id, input.subjectMemberIds],
        );
        return (await this.load(em, [consent.id], "the caller's own write, read back (audited by the write triggers)"))[0]!;
      }, (id) => this.reread(em, caller, id)),
    );
  }

  /**
   * Effective on the very next request: every access check reads the grants the revocation ends. Everyone
   * who gave a consent or whom it concerns withdraws it, for what is theirs to withdraw (`endsFor`): the
   * consent stays in force for the other members it names, who decide for themselves, until no one is left.
   */
  async revoke(caller: Caller, input: RevokeConsentInput): Promise<Consent> {
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'Consent', input.consentId, { lock: true });
      const [consent] = await this.load(em, [input.consentId], 'the record the caller changes, authorized and locked first (audited by the write triggers)');
      if (consent!.status !== ConsentStatus.ACTIVE) throw invalidTransition('Consent', consent!.status, 'revoke');
      // Withdrawing is the family's decision: a caseworker records whose it was; in the portal, one's own.
      const portalMember = caller.principal.familyMember?.memberId;
      if (!portalMember && !input.revokedByMemberId) {
        throw badInput('revokedByMemberId', 'Name the family member who withdrew the consent');
      }
      if (portalMember && input.revokedByMemberId && input.revokedByMemberId !== portalMember) {
        throw badInput('revokedByMemberId', 'In the portal you withdraw a consent as yourself');
      }
      const revokedBy = portalMember ?? input.revokedByMemberId!;
      const endsFor = await this.endsFor(em, consent!, revokedBy);
      if (!endsFor) throw badInput('revokedByMemberId', 'revokedByMemberId must be a member who gave this consent or whom it concerns');
      const remaining = consent!.subjectMemberIds.filter((id) => !consent!.withdrawnForMemberIds.includes(id));
      const ending = remaining.filter((id) => endsFor.includes(id));
      if (ending.length === 0) throw invalidTransition('Consent', 'WITHDRAWN', 'withdraw it again');
      // Ending it for every member still covered revokes the consent as a whole (member_ids NULL).
      const whole = ending.length === remaining.length;
      await em.query(
        `INSERT INTO consent_revocation (consent_id, reason, revoked_by_member_id, revoked_by_user_id, member_ids) VALUES ($1, $2, $3, $4, $5)`,
        [input.consentId, input.reason, revokedBy, caller.principal.userId, whole ? null : ending],
      );
      await this.inbox.deliver(
        em,
        {
          id: newId(),
          kind: InboxItemKind.CONSENT_WITHDRAWN,
          familyId: consent!.familyId,
          about: { type: 'Consent', id: consent!.id },
          params: { whole },
          occurredAt: new Date(),
        },
        [{ supportersOf: consent!.familyId }],
      );
      return (await this.load(em, [input.consentId], "the caller's own write, read back (audited by the write triggers)"))[0]!;
    });
  }

  /**
   * The members a withdrawal by `memberId` ends the consent for, or null when it is not `memberId`'s to
   * withdraw. A member withdraws for herself and for the children she speaks for; the grantor also for
   * those she gave it for who never made it their own (confirmed it). So no one decides for a member who
   * decides for herself: a young adult's withdrawal leaves her mother's and her siblings' consent standing,
   * and a mother's leaves standing what her grown child confirmed.
   */
  private async endsFor(em: EntityManager, consent: Consent, memberId: string): Promise<string[] | null> {
    const [row]: { concerned: boolean; ends_for: string[] }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `SELECT c.grantor_member_id = $2 OR bool_or(member_speaks_for($2, cs.member_id)) AS concerned,
              COALESCE(array_agg(cs.member_id ORDER BY cs.member_id) FILTER (WHERE member_speaks_for($2, cs.member_id)
                OR (c.grantor_member_id = $2 AND NOT EXISTS (SELECT 1 FROM consent_confirmation cc
                                                               WHERE cc.consent_id = c.id AND cc.member_id = cs.member_id))), '{}') AS ends_for
         FROM consent c JOIN consent_subject cs ON cs.consent_id = c.id
        WHERE c.id = $1 GROUP BY c.id`,
      [consent.id, memberId],
    ));
    return row?.concerned ? row.ends_for : null;
  }

  /**
   * A young adult takes over a consent a parent or caregiver gave for them: from their 18th birthday it
   * covers them again only once confirmed (see migration TransitionToAdulthood). Any member who decides
   * for themselves may confirm before that, so that nothing stops on the birthday.
   */
  async confirm(caller: Caller, input: ConfirmConsentInput): Promise<Consent> {
    checkMethod(caller, input, { field: 'memberId', memberId: input.memberId, doing: 'confirm a consent' });
    return this.tx.run(caller, async (em) => {
      const attributes = await this.policy.authorize(em, caller.ability, 'read', 'Consent', input.consentId, { lock: true });
      this.policy.assertCan(caller.ability, 'create', 'Consent', await this.visibleFamily(em, caller, attributes.familyId as string));
      const [consent] = await this.load(em, [input.consentId], 'the record the caller changes, authorized and locked first (audited by the write triggers)');
      if (consent!.status === ConsentStatus.REVOKED || consent!.status === ConsentStatus.EXPIRED) {
        throw invalidTransition('Consent', consent!.status, 'confirm');
      }
      if (!consent!.subjectMemberIds.includes(input.memberId)) {
        throw badInput('memberId', 'memberId must be a member this consent is about');
      }
      if (consent!.withdrawnForMemberIds.includes(input.memberId)) throw invalidTransition('Consent', 'WITHDRAWN', 'confirm');
      const member = (await this.capacities(em, [input.memberId])).get(input.memberId)!;
      if (!member.capable) {
        const name = await this.families.nameFor(caller, member.id);
        throw badInput('memberId', `${name} cannot decide for themselves yet: a parent or caregiver consents for them`);
      }
      if (consent!.grantorMemberId === member.id) {
        throw badInput('consentId', `${await this.families.nameFor(caller, member.id)} gave this consent themselves: there is nothing to confirm`);
      }
      const [confirmed] = await em.query(`SELECT 1 FROM consent_confirmation WHERE consent_id = $1 AND member_id = $2`, [
        consent!.id,
        member.id,
      ]);
      if (confirmed) throw invalidTransition('Consent', 'CONFIRMED', `confirm it again for ${await this.families.nameFor(caller, member.id)}`);
      await em.query(
        `INSERT INTO consent_confirmation (id, consent_id, member_id, method, evidence_reference, recorded_by_user_id, recorded_by_agency_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          newId(),
          consent!.id,
          member.id,
          input.method,
          input.evidenceReference ?? null,
          caller.principal.userId,
          caller.principal.acting?.agencyId ?? null,
        ],
      );
      return (await this.load(em, [consent!.id], "the caller's own write, read back (audited by the write triggers)"))[0]!;
    });
  }

  /**
   * Consents a parent or caregiver gave for the member that the member has not confirmed, still in
   * force otherwise, and ending for them within the transition horizon (or already ended at 18): what the
   * young adult is asked to decide on. Under the Consent read rule, for many members in one query.
   */
  toConfirmBy(caller: Caller, loaders: RequestLoaders, memberId: string): Promise<Consent[]> {
    return loaders
      .get<string, Consent[]>('consentsToConfirm', async (memberIds) => {
        const qb = this.db.manager
          .createQueryBuilder(Consent, 'cn')
          .select('cn.id', 'id')
          .addSelect('tc.member_id', 'member_id')
          .innerJoin(
            (sub) =>
              sub
                .select('DISTINCT g.consent_id, g.member_id')
                .from('consent_grant', 'g')
                .where(`g.member_id = ANY(:memberIds) AND ${grantToConfirm('g')}`)
                .andWhere(`g.represented_until <= current_date + make_interval(months => :horizonMonths)`),
            'tc',
            'tc.consent_id = cn.id',
          )
          .setParameters({ memberIds, horizonMonths: this.config.transitions.horizonMonths });
        const rows: { id: string; member_id: string }[] = await this.reader.of(caller).rows(qb.orderBy('cn.id'), 'Consent');
        const read = await this.load(this.db.manager, [...new Set(rows.map((r) => r.id))], 'the records whose ids were just read and audited');
        const consents = new Map(read.map((c) => [c.id, c]));
        return groupBy(memberIds, rows, (r) => r.member_id).map((group) => group.map((r) => consents.get(r.id)!));
      })
      .load(memberId);
  }

  /** Every consent of the family, in force or not: the history of what the family agreed to. */
  async list(caller: Caller, familyId: string): Promise<Consent[]> {
    const em = this.db.manager;
    await this.policy.authorize(em, caller.ability, 'read', 'Family', familyId);
    const qb = em.createQueryBuilder(Consent, 'cn').select('cn.id', 'id').where('cn.family_id = :familyId', { familyId });
    const ids: { id: string }[] = await this.reader.of(caller).rows(qb.orderBy('cn.id'), 'Consent');
    return this.load(em, ids.map((r) => r.id), 'the records whose ids were just read and audited');
  }

  /** Only on a member the caller may read: another is answered exactly like one that does not exist. */
  async assessCapacity(caller: Caller, input: AssessCapacityInput): Promise<CapacityAssessment> {
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'assessCapacity', input, async () => {
        await this.policy.authorize(em, caller.ability, 'assessCapacity', 'FamilyMember', input.memberId, { lock: true });
        const assessment = em.create(CapacityAssessment, {
          id: newId(),
          memberId: input.memberId,
          capable: input.capable,
          reason: input.reason,
          assessedByUserId: caller.principal.userId!,
          assessedByAgencyId: caller.principal.acting!.agencyId,
          assessedAt: new Date(),
        });
        await em.insert(CapacityAssessment, assessment);
        return assessment;
      }, (id) => this.assessmentMadeBefore(em, caller, id)),
    );
  }

  /**
   * An assessment made before under the caller's idempotency key, if the caller may still assess its
   * member: the right the first answer was given under (the team reads assessments no other way).
   */
  private async assessmentMadeBefore(em: EntityManager, caller: Caller, id: string): Promise<CapacityAssessment> {
    const assessment = await readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(CapacityAssessment, { id }));
    await this.policy.authorize(em, caller.ability, 'assessCapacity', 'FamilyMember', assessment.memberId);
    return assessment;
  }

  /** The family's capacity assessments the caller may read (in the portal: of the members it speaks for), newest first. */
  assessmentsOf(caller: Caller, familyId: string): Promise<CapacityAssessment[]> {
    const qb = this.db.manager
      .createQueryBuilder(CapacityAssessment, 'cpa')
      .where('cpa.member_id IN (SELECT am.id FROM family_member am WHERE am.family_id = :familyId)', { familyId })
      .orderBy('cpa.assessedAt', 'DESC')
      .addOrderBy('cpa.id', 'DESC');
    return this.reader.of(caller).many(qb, 'CapacityAssessment');
  }

  /**
   * The member's family, locked, if the caller may see it. A member of an invisible family is answered
   * exactly like one that does not exist, so that its existence does not leak.
   */
  private async visibleFamily(em: EntityManager, caller: Caller, familyId: string | undefined) {
    const family = familyId
      ? await this.policy.attributesOf(em, 'Family', familyId, { lock: true, readableBy: caller.ability })
      : null;
    if (!family) throw notFound('FamilyMember');
    return family;
  }

  /** A record made before under the caller's idempotency key, if the caller may read it now. */
  private async reread(em: EntityManager, caller: Caller, id: string): Promise<Consent> {
    await this.idempotency.readable(em, caller, Consent, 'Consent', id);
    return (await this.load(em, [id], 'the records whose ids were just read and audited'))[0]!;
  }

  /** Consents with their subjects and revocation, in id order; not audited, for the reason the caller gives. */
  private async load(em: EntityManager, ids: string[], reason: UnauditedRead): Promise<Consent[]> {
    if (ids.length === 0) return [];
    const rows: {
      id: string;
      subject_member_ids: string[];
      awaiting_confirmation_by: string[];
      withdrawn_for: string[];
      revoked_at: Date | null;
      reason: string | null;
    }[] = await readWithoutAudit(reason, em.query(
      `SELECT c.id, ARRAY(SELECT cs.member_id FROM consent_subject cs WHERE cs.consent_id = c.id ORDER BY cs.member_id) AS subject_member_ids,
              ARRAY(SELECT DISTINCT g.member_id FROM consent_grant g
                     WHERE g.consent_id = c.id AND g.represented_until <= current_date AND g.revoked_at IS NULL
                     ORDER BY g.member_id) AS awaiting_confirmation_by,
              ARRAY(SELECT DISTINCT w.member_id FROM consent_revocation pr, unnest(pr.member_ids) w(member_id)
                     WHERE pr.consent_id = c.id ORDER BY w.member_id) AS withdrawn_for,
              r.revoked_at, r.reason
         FROM consent c LEFT JOIN consent_revocation r ON r.consent_id = c.id AND r.member_ids IS NULL
        WHERE c.id = ANY($1) ORDER BY c.id`,
      [ids],
    ));
    const consents = new Map((await readWithoutAudit(reason, em.findBy(Consent, { id: In(ids) }))).map((c) => [c.id, c]));
    return rows.map((row) =>
      Object.assign(consents.get(row.id)!, {
        subjectMemberIds: row.subject_member_ids,
        awaitingConfirmationBy: row.awaiting_confirmation_by,
        withdrawnForMemberIds: row.withdrawn_for,
        revokedAt: row.revoked_at,
        revocationReason: row.reason,
      }),
    );
  }

  private async capacities(em: EntityManager, ids: string[]): Promise<Map<string, MemberCapacity>> {
    const rows: MemberCapacity[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `SELECT fm.id, fm.family_id, member_is_capable(fm) AS capable,
              member_represents_children(fm) AS representative, fm.left_on IS NOT NULL AS left
         FROM family_member fm WHERE fm.id = ANY($1::uuid[])`,
      [ids],
    ));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * A merge of two families (docs/family-merge.md): the absorbed family's consents show in the surviving
   * family. Only the consent's family_id changes (the database lets a merge change nothing else of a
   * consent event). Its grants keep the family the consent was given in: a grant of one member counts for
   * that member only, as before, and a family-level grant (the plan) does not reach the other family's data.
   */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await familyMergeStatement(em, `UPDATE consent SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }

  /**
   * A merge of members that are the same person (docs/family-merge.md): the consent events and assessments of the
   * absorbed member name the surviving one, one statement each (memberMergeStatement). Grantor and confirmations
   * first, so that the grants the re-pointed subjects keep (consent_grant_from_mapped_subject: only where the
   * surviving member's own consents already grant as much) end when they should. A consent naming both keeps
   * both rows of its subjects; the absorbed one covers a record nobody reads.
   */
  async mapMembers(em: EntityManager, pairs: readonly MemberPair[]): Promise<void> {
    const statement = (sql: string) => memberMergeStatement(em, sql, pairColumns(pairs));
    await statement(`UPDATE consent c SET grantor_member_id = p.surviving FROM ${PAIRS} WHERE c.grantor_member_id = p.absorbed`);
    await statement(repointMembersSql('consent_confirmation', 'consent_id'));
    await statement(`UPDATE consent_revocation r
      SET revoked_by_member_id = coalesce((SELECT p.surviving FROM ${PAIRS} WHERE p.absorbed = r.revoked_by_member_id), r.revoked_by_member_id),
          member_ids = CASE WHEN r.member_ids IS NULL THEN NULL ELSE ARRAY(
            SELECT coalesce(p.surviving, e.id) FROM unnest(r.member_ids) WITH ORDINALITY e(id, ord) LEFT JOIN ${PAIRS} ON p.absorbed = e.id ORDER BY e.ord) END
      WHERE r.revoked_by_member_id = ANY($1::uuid[]) OR r.member_ids && $1::uuid[]`);
    await statement(repointMembersSql('consent_subject', 'consent_id'));
    await statement(`UPDATE capacity_assessment a SET member_id = p.surviving FROM ${PAIRS} WHERE a.member_id = p.absorbed`);
  }
}

/**
 * FAMILY_PORTAL is how a family member acts in the portal, and only that, for themselves; any other
 * method needs a reference to the signed form or witness statement. For every agreement of the family
 * recorded this way (consents, their confirmation at 18, a support handover).
 */
export function checkMethod(
  caller: Caller,
  input: { method: ConsentMethod; evidenceReference?: string },
  self: { field: string; memberId: string; doing: string },
): void {
  if (input.method !== ConsentMethod.FAMILY_PORTAL && !input.evidenceReference?.trim()) {
    throw badInput('evidenceReference', 'A written or witnessed agreement needs an evidenceReference');
  }
  const portalMember = caller.principal.familyMember;
  if ((input.method === ConsentMethod.FAMILY_PORTAL) !== (portalMember !== null)) {
    throw badInput('method', 'FAMILY_PORTAL is how a family member agrees in the portal, and only that');
  }
  if (portalMember && self.memberId !== portalMember.memberId) {
    throw badInput(self.field, `In the portal you ${self.doing} as yourself`);
  }
}

/**
 * A member who can decide for itself (adult, 12 or older, or assessed capable) consents for itself;
 * for a child who cannot yet (under 12, unborn, or assessed not capable) an adult parent or other
 * caregiver consents as legal representative. The refusal's message, given how to name the subject; null if allowed.
 */
function grantorRefusal(grantor: MemberCapacity, subject: MemberCapacity): ((name: string) => string) | null {
  if (subject.capable) {
    return grantor.id === subject.id ? null : (name) => `${name} decides for themselves: only they can give this consent`;
  }
  if (!grantor.representative || grantor.id === subject.id) return (name) => `For ${name} an adult parent or caregiver gives consent`;
  return null;
}
