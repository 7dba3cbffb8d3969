import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import type { Language } from '../i18n/language.js';
import { MemberChangeKind } from './family-member-change.entity.js';
import { FamilyMember } from './family-member.entity.js';
import { MemberHistory } from './member-history.js';

/**
 * A portal member's own language (docs/inbox.md, "Languages"): she sets her `preferredLanguage` herself,
 * only hers, recorded in her history as any change of her contact data. Apart from the families module
 * so that the users module (`setMyLanguage`), which the families module imports, can call it.
 */
@Injectable()
export class MemberLanguage {
  constructor(private readonly history: MemberHistory) {}

  /** Sets the language of the caller's own member row `memberId` in the caller's transaction `em`; a new version when it changed. */
  async setOwn(em: EntityManager, caller: Caller, memberId: string, language: Language): Promise<void> {
    const member = await readWithoutAudit(
      // Authorized: the caller's own member row, as her login resolved it.
      'the record the caller changes, authorized and locked first (audited by the write triggers)',
      em.createQueryBuilder(FamilyMember, 'fm').addSelect('fm.preferredLanguage').where('fm.id = :memberId', { memberId }).setLock('pessimistic_write').getOneOrFail(),
    );
    const before = { preferredLanguage: member.preferredLanguage };
    const changed = await this.history.record(em, caller, member, MemberChangeKind.CORRECTED, before, { preferredLanguage: language });
    if (changed.length > 0) await em.update(FamilyMember, { id: memberId }, { preferredLanguage: language, version: () => 'version + 1' });
  }
}

/** The member's own language and the history it is recorded in, for the users module and the families module. */
@Module({ providers: [MemberLanguage, MemberHistory], exports: [MemberLanguage, MemberHistory] })
export class MemberLanguageModule {}
