import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PersonalReader } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { newId } from '../common/ids.js';
import { FamilyMemberChange, type MemberChangeCategory, MemberChangeKind } from './family-member-change.entity.js';

/** The member's fields whose values are contact data: read and recorded under the CONTACT right. */
export const CONTACT_FIELDS = ['email', 'phone', 'preferredLanguage'] as const;

export type MemberValues = Record<string, string | null>;

/** The fields a member's history records, as they are on a member row. */
export const MEMBER_FIELDS = ['role', 'givenName', 'familyName', 'birthDate', 'expectedDate', ...CONTACT_FIELDS, 'leftOn'] as const;

export type MemberFields = { [F in (typeof MEMBER_FIELDS)[number]]?: string | null };

/** The recorded fields of a member row. */
export const memberValues = (member: MemberFields): MemberValues =>
  Object.fromEntries(MEMBER_FIELDS.filter((f) => f in member).map((f) => [f, member[f] ?? null]));

/**
 * A member's history: every change written in its transaction, one entry per category (identity fields and
 * contact fields apart, so that each is read under its own right), read by whoever may read the member.
 */
@Injectable()
export class MemberHistory {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reader: PersonalReader,
  ) {}

  /** Records the fields of `after` that differ from `before`; the names of the fields that changed. */
  async record(
    em: EntityManager,
    caller: Caller,
    member: { id: string; familyId: string },
    change: MemberChangeKind,
    before: MemberValues,
    after: MemberValues,
  ): Promise<string[]> {
    const changed = Object.keys(after).filter((field) => (before[field] ?? null) !== (after[field] ?? null));
    const isContact = (field: string) => (CONTACT_FIELDS as readonly string[]).includes(field);
    const parts: [MemberChangeCategory, string[]][] = [
      ['IDENTITY', changed.filter((f) => !isContact(f))],
      ['CONTACT', changed.filter(isContact)],
    ];
    const at = new Date();
    const rows = parts
      .filter(([category, fields]) => fields.length > 0 || (category === 'IDENTITY' && change !== MemberChangeKind.CORRECTED))
      .map(([category, fields]) => em.create(FamilyMemberChange, {
        id: newId(),
        familyId: member.familyId,
        memberId: member.id,
        change,
        category,
        fields,
        before: pick(before, fields),
        after: pick(after, fields),
        actorUserId: caller.principal.userId,
        actingAgencyId: caller.principal.acting?.agencyId ?? null,
        at,
      }));
    if (rows.length) await em.insert(FamilyMemberChange, rows);
    return changed;
  }

  /**
   * The member's changes, oldest first, for a caller who may read her (checked before): the identity entries
   * under the member's read rule, the contact entries only under the CONTACT right, each read audited.
   */
  async of(caller: Caller, memberId: string): Promise<FamilyMemberChange[]> {
    const reader = this.reader.of(caller);
    const entries = (category: MemberChangeCategory) =>
      this.db.manager
        .createQueryBuilder(FamilyMemberChange, 'mc')
        .where('mc.member_id = :memberId AND mc.category = :category', { memberId, category })
        .orderBy('mc.at')
        .addOrderBy('mc.id');
    const [identity, contact] = await Promise.all([
      reader.many(entries('IDENTITY'), 'FamilyMember', { through: 'mc.member_id', entityType: 'FamilyMemberChange' }),
      reader.many(entries('CONTACT'), 'FamilyMember', { through: 'mc.member_id', entityType: 'FamilyMemberChange', right: 'readContact' }),
    ]);
    return [...identity, ...contact].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  }
}

const pick = (values: MemberValues, fields: string[]) => Object.fromEntries(fields.map((f) => [f, values[f] ?? null]));
