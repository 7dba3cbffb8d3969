import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { calendarDate } from '../common/calendar.js';
import { badInput, conflict, invalidTransition } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PolicyService } from '../policy/policy.service.js';
import type { MemberLeftHouseholdInput, RecordBirthInput, UpdateFamilyMemberInput } from './dto/member-changes.inputs.js';
import { FamilyMemberChange, MemberChangeKind } from './family-member-change.entity.js';
import { FamilyMemberRole } from './family-member-role.js';
import { FamilyMember } from './family-member.entity.js';
import { requirePastDate, validateDates } from './member-dates.js';
import { CONTACT_FIELDS, MEMBER_FIELDS, type MemberFields, MemberHistory, memberValues } from './member-history.js';

/** Fields a correction may not clear (a contact field it may: null). */
const REQUIRED_FIELDS = ['role', 'givenName', 'familyName', 'birthDate', 'expectedDate'] as const;

/**
 * Members that change (docs/family-members.md): a correction of their data, a birth, leaving the household.
 * Each change is made by the family's team under the member's rule (`update` on the FamilyMember, which
 * needs reading her first; contact fields also the CONTACT right), at the version the caller read, and
 * recorded in the member's history in its transaction.
 */
@Injectable()
export class MemberChangesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly history: MemberHistory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async correct(caller: Caller, input: UpdateFamilyMemberInput): Promise<FamilyMember> {
    return this.tx.run(caller, (em) => this.correctWithin(em, caller, input));
  }

  /** A correction in the caller's transaction `em` (also a member's request the team applies). */
  async correctWithin(em: EntityManager, caller: Caller, input: UpdateFamilyMemberInput): Promise<FamilyMember> {
    for (const field of REQUIRED_FIELDS) {
      if (input[field] === null) throw badInput(field, `${field} cannot be cleared`);
    }
    const given = MEMBER_FIELDS.filter((field) => field !== 'leftOn' && input[field] !== undefined);
    if (given.length === 0) throw badInput('input', 'Name at least one field to correct');
    const attributes = await this.policy.authorize(em, caller.ability, 'update', 'FamilyMember', input.memberId, { lock: true });
    if (given.some((field) => (CONTACT_FIELDS as readonly string[]).includes(field))) {
      this.policy.assertCan(caller.ability, 'readContact', 'FamilyMember', attributes);
    }
    const member = await this.lockedAt(em, input);
    const role = input.role ?? member.role;
    if ((role === FamilyMemberRole.UNBORN) !== (member.role === FamilyMemberRole.UNBORN)) {
      throw badInput('role', member.role === FamilyMemberRole.UNBORN ? 'An unborn child is recorded as born with recordBirth' : 'A born member cannot become unborn');
    }
    if (role !== FamilyMemberRole.UNBORN && input.expectedDate) throw badInput('expectedDate', 'Only an unborn child has an expected date');
    const after: MemberFields = { ...memberValues(member), ...pickGiven(input, given) };
    validateDates({ role, birthDate: after.birthDate, expectedDate: after.expectedDate }, '', this.today());
    return this.change(em, caller, member, MemberChangeKind.CORRECTED, pickGiven(input, given));
  }

  /** An unborn child is born: the same member, so the consents given for her keep covering her. */
  async recordBirth(caller: Caller, input: RecordBirthInput): Promise<FamilyMember> {
    requirePastDate('birthDate', input.birthDate, this.today());
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'FamilyMember', input.memberId, { lock: true });
      const member = await this.lockedAt(em, input);
      if (member.role !== FamilyMemberRole.UNBORN) throw invalidTransition('The member', member.role, 'record a birth');
      return this.change(em, caller, member, MemberChangeKind.BORN, {
        role: FamilyMemberRole.CHILD,
        givenName: input.givenName,
        familyName: input.familyName ?? member.familyName,
        birthDate: input.birthDate,
        expectedDate: null,
      });
    });
  }

  /**
   * She left the household: kept as a member (her history and the records about her stay), marked with the
   * day; from then on her portal login no longer opens the family, and new records cannot name her.
   */
  async leftHousehold(caller: Caller, input: MemberLeftHouseholdInput): Promise<FamilyMember> {
    requirePastDate('leftOn', input.leftOn, this.today());
    return this.tx.run(caller, async (em) => {
      await this.policy.authorize(em, caller.ability, 'update', 'FamilyMember', input.memberId, { lock: true });
      const member = await this.lockedAt(em, input);
      if (member.leftOn) throw invalidTransition('The member', 'LEFT_HOUSEHOLD', 'leave the household');
      if (member.role === FamilyMemberRole.UNBORN) throw invalidTransition('The member', member.role, 'leave the household');
      if (member.birthDate && input.leftOn < member.birthDate) throw badInput('leftOn', 'leftOn must not be before the birth date');
      const [{ remaining }]: [{ remaining: number }] = await readWithoutAudit(
        'a check before a write that answers no personal data',
        em.query(
          `SELECT count(*)::int AS remaining FROM family_member WHERE family_id = $1 AND id <> $2 AND left_on IS NULL AND erased_at IS NULL`,
          [member.familyId, member.id],
        ),
      );
      if (remaining === 0) throw badInput('memberId', 'The last member of the household cannot leave it');
      return this.change(em, caller, member, MemberChangeKind.LEFT_HOUSEHOLD, { leftOn: input.leftOn });
    });
  }

  /** The member's history, for whoever may read her. */
  async historyOf(caller: Caller, memberId: string): Promise<FamilyMemberChange[]> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'FamilyMember', memberId);
    return this.history.of(caller, memberId);
  }

  /** The member, with her contact fields, locked (after `authorize`), if still at the version expected. */
  private async lockedAt(em: EntityManager, ref: { memberId: string; expectedVersion?: number | null }): Promise<FamilyMember> {
    const member = await readWithoutAudit(
      'the record the caller changes, authorized and locked first (audited by the write triggers)',
      em
        .createQueryBuilder(FamilyMember, 'fm')
        .addSelect(['fm.email', 'fm.phone', 'fm.preferredLanguage'])
        .where('fm.id = :id', { id: ref.memberId })
        .setLock('pessimistic_write')
        .getOneOrFail(),
    );
    if (ref.expectedVersion != null && ref.expectedVersion !== member.version) {
      throw conflict(`The member changed meanwhile: version ${member.version}, not ${ref.expectedVersion}`);
    }
    return member;
  }

  /** Writes `after` onto the member, one version on, with its history entry; the member as she is now. */
  private async change(em: EntityManager, caller: Caller, member: FamilyMember, kind: MemberChangeKind, after: MemberFields): Promise<FamilyMember> {
    const changed = await this.history.record(em, caller, member, kind, memberValues(member), memberValues(after));
    if (changed.length > 0) {
      const values = pickGiven(after, changed) as QueryDeepPartialEntity<FamilyMember>;
      await em.update(FamilyMember, { id: member.id }, { ...values, version: () => 'version + 1' });
    }
    return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(FamilyMember, { id: member.id }));
  }

  private today(): string {
    return calendarDate(this.config.legalTimeZone);
  }
}

const pickGiven = (values: MemberFields, fields: readonly string[]): MemberFields =>
  Object.fromEntries(fields.map((f) => [f, values[f as keyof MemberFields] ?? null]));
