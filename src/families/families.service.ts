import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { GraphQLResolveInfo } from 'graphql';
import { DataSource, type EntityManager } from 'typeorm';
import { CaseAssignmentWriter } from '../assignments/case-assignment-writer.js';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { calendarDate } from '../common/calendar.js';
import { badInput, forbidden, notFound } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { type Connection, paginate } from '../common/pagination.js';
import { compileConnectionSelection, compileLevels, compileSelection } from '../graphql/compiled-selection.js';
import { groupBy, oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import type { FamiliesArgs } from './dto/families.args.js';
import type { FamilyMemberInput } from './dto/family-member.input.js';
import type { AddFamilyMemberInput, RegisterFamilyInput } from './dto/register-family.input.js';
import { FamilyMember } from './family-member.entity.js';
import { FamilyMove, FamilyMoveStatus } from './family-move.entity.js';
import { Family } from './family.entity.js';
import { FAMILY_READ, MY_FAMILY_READ } from './family-read.js';
import { validateDates } from './member-dates.js';
import { MemberHistory, memberValues } from './member-history.js';
import { MemberChangeKind } from './family-member-change.entity.js';
import { KnownFamilies, type MemberKeys } from './known-families.js';
import { type MemberPair, PAIRS, pairColumns } from './member-pair.js';

/** A member named by a pair of a merge, as checked (no personal data leaves the check). */
interface PairedMemberRow {
  id: string;
  family_id: string;
  birth_date: string | null;
  expected_date: string | null;
  number: Buffer | null;
  seen: boolean;
}

export type MemberContact = Pick<FamilyMember, 'email' | 'phone' | 'preferredLanguage'>;

@Injectable()
export class FamiliesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly reader: PersonalReader,
    private readonly idempotency: IdempotencyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assignments: CaseAssignmentWriter,
    private readonly history: MemberHistory,
    private readonly known: KnownFamilies,
  ) {}

  /** Registers a family in the caller's network; the caller is assigned to it (need to know). */
  async register(caller: Caller, input: RegisterFamilyInput): Promise<Family> {
    const { principal, ability } = caller;
    const acting = principal.acting;
    if (!acting || !principal.userId) throw forbidden('Registering a family needs an acting agency');
    this.policy.assertCan(ability, 'create', 'Family', { networkId: acting.networkId });
    const today = calendarDate(this.config.legalTimeZone);
    input.members.forEach((member, i) => validateDates(member, `members.${i}`, today));
    const keys = this.keysOf(input.members);
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'registerFamily', input, async () => {
        const recordMatches = await this.known.refuseDuplicate(em, caller, keys, input.confirmNotDuplicate === true);
        const family = await em.save(
          em.create(Family, { id: newId(), networkId: acting.networkId, registeredByAgencyId: acting.agencyId }),
        );
        const rows = input.members.map((member) => memberRow(family.id, member, principal.userId));
        await em.insert(FamilyMember, rows);
        await this.known.recordMembers(em, family.id, rows.map((row, i) => ({ id: row.id, keys: keys[i]! })));
        await recordMatches(family.id);
        await this.assignments.assignSelf(em, family.id, principal.userId!, acting.agencyId);
        return family;
      }, (id) => this.idempotency.readable(em, caller, Family, 'Family', id)),
    );
  }

  async addMember(caller: Caller, input: AddFamilyMemberInput): Promise<FamilyMember> {
    validateDates(input.member, 'member', calendarDate(this.config.legalTimeZone));
    return this.tx.run(caller, (em) =>
      this.idempotency.created(em, caller, 'addFamilyMember', input, async () => {
        await this.policy.authorize(em, caller.ability, 'update', 'Family', input.familyId, { lock: true });
        const row = memberRow(input.familyId, input.member, caller.principal.userId);
        await em.insert(FamilyMember, row);
        await this.history.record(em, caller, row, MemberChangeKind.ADDED, {}, memberValues(row));
        await this.known.recordMembers(em, input.familyId, [{ id: row.id, keys: this.known.keysOf(input.member, 'member.nationalNumber') }]);
        return readWithoutAudit("the caller's own write, read back (audited by the write triggers)", em.findOneByOrFail(FamilyMember, { id: row.id }));
      }, (id) => this.idempotency.readable(em, caller, FamilyMember, 'FamilyMember', id)),
    );
  }

  /** The move proposed with the plan that waits for the family's confirmation, locked for this transaction; null when none waits. */
  proposedMove(em: EntityManager, planId: string): Promise<FamilyMove | null> {
    return em.findOne(FamilyMove, { where: { planId, status: FamilyMoveStatus.PROPOSED }, lock: { mode: 'pessimistic_write' } });
  }

  /** Records a proposed move (the caller may move the family: its supporter or its network's coordinator); one waits at a time. */
  async proposeMove(em: EntityManager, move: Omit<FamilyMove, 'id' | 'status' | 'proposedAt' | 'confirmedAt' | 'withdrawnAt'>): Promise<FamilyMove> {
    const row = em.create(FamilyMove, { ...move, id: newId(), status: FamilyMoveStatus.PROPOSED, proposedAt: new Date(), confirmedAt: null, withdrawnAt: null });
    await conflictOnDuplicate(em.insert(FamilyMove, row), 'Another move of the family was proposed meanwhile');
    return row;
  }

  /** The family confirmed: it (and so its plan, its members and their records) belongs to the new network from now on. */
  async completeMove(em: EntityManager, move: FamilyMove): Promise<void> {
    await em.update(Family, { id: move.familyId }, { networkId: move.toNetworkId });
    await em.update(FamilyMove, { id: move.id }, { status: FamilyMoveStatus.CONFIRMED, confirmedAt: new Date() });
  }

  /** The supporter (or the coordinator) took the proposal back before the family confirmed it: the family stays where it is. */
  async withdrawMove(em: EntityManager, move: FamilyMove): Promise<FamilyMove> {
    Object.assign(move, { status: FamilyMoveStatus.WITHDRAWN, withdrawnAt: new Date() });
    await em.update(FamilyMove, { id: move.id }, { status: move.status, withdrawnAt: move.withdrawnAt });
    return move;
  }

  /** The members' keys (docs/family-identity.md); BAD_USER_INPUT when two of them give the same number. */
  private keysOf(members: FamilyMemberInput[]): MemberKeys[] {
    const keys = members.map((member, i) => this.known.keysOf(member, `members.${i}.nationalNumber`));
    keys.forEach((key, i) => {
      if (key.numberHash && keys.findIndex((other) => other.numberHash?.equals(key.numberHash!)) < i) {
        throw badInput(`members.${i}.nationalNumber`, `members.${i}.nationalNumber is the number of another member of this family`);
      }
    });
    return keys;
  }

  /**
   * Makes `subject` the member's portal login, if she has none; false otherwise. The update claims the
   * subject as a portal login's for good (see migration OneKindPerSubject).
   */
  async linkPortalLogin(em: EntityManager, memberId: string, subject: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await em.query(
      `UPDATE family_member SET portal_subject = $2 WHERE id = $1 AND portal_subject IS NULL`,
      [memberId, subject],
    );
    return affected === 1;
  }

  /** Ends the member's portal login; false when she had none. */
  async endPortalLogin(em: EntityManager, memberId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await em.query(
      `UPDATE family_member SET portal_subject = NULL WHERE id = $1 AND portal_subject IS NOT NULL`,
      [memberId],
    );
    return affected === 1;
  }

  /** The families with these ids that exist, locked for a merge, by id (no personal data). */
  lockForMerge(em: EntityManager, ids: string[]): Promise<Family[]> {
    return em.createQueryBuilder(Family, 'f').where('f.id = ANY(:ids)', { ids }).orderBy('f.id').setLock('pessimistic_write').getMany();
  }

  /**
   * A merge: every member of `absorbedId` moves to `survivingId`, and the absorbed family points to it from
   * `mergedAt` on (a family-level consent given in the surviving family after that covers it too). A member
   * merged into a surviving member (`mergeMembers`) stays behind with the absorbed registration, which nobody
   * reads any more: her record answers NOT_FOUND as a member, and is kept for the audit.
   */
  async absorbInto(em: EntityManager, absorbedId: string, survivingId: string, mergedAt: Date): Promise<void> {
    // A member keeps the registration she was registered in (the first one, over merges): notes naming nobody
    // written there concern her registration's members (docs/family-merge.md, "Consents do not widen").
    await em.query(
      `UPDATE family_member SET family_id = $2, registration_family_id = COALESCE(registration_family_id, family_id)
        WHERE family_id = $1 AND merged_into_member_id IS NULL`,
      [absorbedId, survivingId],
    );
    await this.known.moveToFamily(em, absorbedId, survivingId);
    // Registrations merged into the absorbed one before point on to the surviving family: one step always suffices.
    // They join the surviving family now, too.
    await em.query(`UPDATE family SET merged_into_family_id = $2, merged_at = $3 WHERE id = $1 OR merged_into_family_id = $1`, [absorbedId, survivingId, mergedAt]);
  }

  /**
   * Checks the pairs of a merge (docs/family-merge.md, "Members that are the same person"): each a member of the
   * absorbed family and one of the surviving family, each member once, the same birth date (and expected date),
   * and no two different national register numbers; BAD_USER_INPUT naming `memberPairs.N.…` (or `fieldOf`) otherwise. Whoever
   * states or confirms them vouches for the members of the families in `vouching`: she must be able to read each
   * (the FamilyMember read rule), else `unseen(field)` — by default the answer to a member of another family, so
   * that nothing tells a member she may not read from one that is not there. Answers nothing of the members.
   */
  async checkMemberPairs(
    em: EntityManager,
    families: { survivingFamilyId: string; absorbedFamilyId: string },
    pairs: readonly MemberPair[],
    vouching: { caller: Caller; familyIds: string[]; unseen?: (field: string) => Error },
    fieldOf: (i: number, side: 'absorbedMemberId' | 'survivingMemberId') => string = (i, side) => `memberPairs.${i}.${side}`,
  ): Promise<void> {
    if (pairs.length === 0) return;
    const named = new Set<string>();
    const sides = ['absorbedMemberId', 'survivingMemberId'] as const;
    pairs.forEach((pair, i) =>
      sides.forEach((side) => {
        if (named.has(pair[side])) throw badInput(fieldOf(i, side), `${fieldOf(i, side)} names a member already named`);
        named.add(pair[side]);
      }),
    );
    const params = new SqlParams();
    const qb = em
      .createQueryBuilder()
      .select(['pm.id AS id', 'pm.family_id AS family_id', 'pm.birth_date::text AS birth_date', 'pm.expected_date::text AS expected_date'])
      .addSelect('pid.national_number_hash', 'number')
      .addSelect(this.reader.of(vouching.caller).readableSql('FamilyMember', 'pm.id', params), 'seen')
      .from(FamilyMember, 'pm')
      .leftJoin('family_member_identity', 'pid', 'pid.member_id = pm.id')
      .where('pm.id = ANY(:ids) AND pm.merged_into_member_id IS NULL', { ids: [...named] })
      .setParameters({ ...params.values, ids: [...named] });
    const rows = await readWithoutAudit('a check before a write that answers no personal data', qb.getRawMany<PairedMemberRow>());
    const byId = new Map(rows.map((row) => [row.id, row]));
    pairs.forEach((pair, i) => {
      const [absorbed, surviving] = sides.map((side) => {
        const field = fieldOf(i, side);
        const familyId = side === 'absorbedMemberId' ? families.absorbedFamilyId : families.survivingFamilyId;
        const row = byId.get(pair[side]);
        const notMember = () => badInput(field, `${field} must name a member of the ${side === 'absorbedMemberId' ? 'absorbed' : 'surviving'} family`);
        if (!row || row.family_id !== familyId) throw notMember();
        if (vouching.familyIds.includes(familyId) && !row.seen) throw vouching.unseen?.(field) ?? notMember();
        return row;
      }) as [PairedMemberRow, PairedMemberRow];
      const field = fieldOf(i, 'absorbedMemberId');
      if (absorbed.birth_date !== surviving.birth_date || absorbed.expected_date !== surviving.expected_date) {
        throw badInput(field, `${field} has another birth date than the member it is paired with: two records of one person are born the same day`);
      }
      if (absorbed.number && surviving.number && !absorbed.number.equals(surviving.number)) {
        throw badInput(field, `${field} has another national register number than the member it is paired with`);
      }
    });
  }

  /**
   * The members of a pairing within one family, locked in id order (two concurrent pairings wait for each other
   * instead of deadlocking): ids, family, version and whether merged, no personal data.
   */
  lockForPairing(em: EntityManager, ids: string[]): Promise<Pick<FamilyMember, 'id' | 'familyId' | 'version' | 'mergedIntoMemberId'>[]> {
    return readWithoutAudit(
      'a check before a write that answers no personal data',
      em
        .createQueryBuilder(FamilyMember, 'fm')
        .select(['fm.id', 'fm.familyId', 'fm.version', 'fm.mergedIntoMemberId'])
        .where('fm.id = ANY(:ids)', { ids })
        .orderBy('fm.id')
        .setLock('pessimistic_write')
        .getMany(),
    );
  }

  /**
   * Pairing within one family: the ended records leave the family for a registration of their own merged into it, as
   * a merge leaves them in the absorbed registration, so that no member list, rule or consent of the family that goes
   * on counts them (docs/family-merge.md, "Pairs within one family"). Each keeps the registration she was in.
   */
  async setAsideEnded(em: EntityManager, familyId: string, memberIds: string[]): Promise<void> {
    const aside = newId();
    await em.query(
      `INSERT INTO family (id, network_id, registered_by_agency_id, merged_into_family_id, merged_at)
         SELECT $2, network_id, registered_by_agency_id, id, now() FROM family WHERE id = $1`,
      [familyId, aside],
    );
    await em.query(
      `UPDATE family_member SET registration_family_id = COALESCE(registration_family_id, family_id), family_id = $2
        WHERE id = ANY($1) AND merged_into_member_id IS NOT NULL`,
      [memberIds, aside],
    );
  }

  /** The surviving member of a pairing is one version on (who saw her before it answers CONFLICT); her version now. */
  async nextVersion(em: EntityManager, memberId: string): Promise<number> {
    const [rows]: [{ version: number }[]] = await em.query(`UPDATE family_member SET version = version + 1 WHERE id = $1 RETURNING version`, [memberId]);
    return rows[0]!.version;
  }

  /**
   * A merge maps each pair's absorbed member onto the surviving one (the other owners re-point their rows): her
   * record ends, pointing at the member it became; her portal login reaches the surviving member, unless that
   * member has a login of her own (then the absorbed one ends: answered, for the portal to record why); her
   * national register number's key is the surviving member's if that member had none.
   */
  async mergeMembers(em: EntityManager, survivingFamilyId: string, pairs: readonly MemberPair[]): Promise<{ endedLoginMemberIds: string[] }> {
    if (pairs.length === 0) return { endedLoginMemberIds: [] };
    const columns = pairColumns(pairs);
    const logins = await readWithoutAudit(
      'what a write copies into the record it writes (audited by the write triggers)',
      em.query<{ absorbed: string; surviving: string; subject: string; kept: boolean }[]>(
        `SELECT p.absorbed, p.surviving, a.portal_subject AS subject, s.portal_subject IS NOT NULL AS kept FROM ${PAIRS}
           JOIN family_member a ON a.id = p.absorbed JOIN family_member s ON s.id = p.surviving
          WHERE a.portal_subject IS NOT NULL`,
        columns,
      ),
    );
    await em.query(
      `UPDATE family_member a SET merged_into_member_id = p.surviving, portal_subject = NULL FROM ${PAIRS} WHERE a.id = p.absorbed`,
      columns,
    );
    const moved = logins.filter((l) => !l.kept);
    if (moved.length) {
      await em.query(
        `UPDATE family_member s SET portal_subject = l.subject FROM unnest($1::uuid[], $2::text[]) l(surviving, subject) WHERE s.id = l.surviving`,
        [moved.map((l) => l.surviving), moved.map((l) => l.subject)],
      );
    }
    await this.known.mergeMemberKeys(em, survivingFamilyId, pairs);
    return { endedLoginMemberIds: logins.filter((l) => l.kept).map((l) => l.absorbed) };
  }

  /**
   * The family `family(id)` answers: with its members read by the same statement when the request's
   * selection compiles (family-read.ts; the members resolver then returns what it carries), else the family alone.
   */
  async get(caller: Caller, id: string, info?: GraphQLResolveInfo): Promise<Family> {
    const compiled = info && this.config.compiledReads ? compileSelection(FAMILY_READ, info) : null;
    if (compiled) {
      const { family } = await this.reader.of(caller).compiledRoots({ family: { node: compiled, where: (f, params) => `${f}.id = ${params.add(id)}` } });
      if (!family) throw notFound('Family');
      return family as Family;
    }
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Family', id);
    return this.db.manager.findOneByOrFail(Family, { id });
  }

  /**
   * `myFamily`'s member logged in and her family, compiled into one statement when the request selects only
   * them and what compiles under them (family-read.ts); null otherwise (the resolvers' path).
   */
  async compiledOwn(caller: Caller, own: { memberId: string; familyId: string }, info: GraphQLResolveInfo): Promise<{ me: FamilyMember; family: Family } | null> {
    const levels = this.config.compiledReads ? compileLevels(MY_FAMILY_READ, info) : null;
    if (!levels) return null;
    const byId = (id: string) => (alias: string, params: SqlParams) => `${alias}.id = ${params.add(id)}`;
    const { me, family } = await this.reader.of(caller).compiledRoots({
      ...(levels.me && { me: { node: levels.me, where: byId(own.memberId) } }),
      ...(levels.family && { family: { node: levels.family, where: byId(own.familyId) } }),
    });
    if (levels.family && !family) throw notFound('Family');
    return { me, family } as { me: FamilyMember; family: Family };
  }

  /**
   * Only families the caller may see: the access rule is part of the query. A search matches only the
   * names of members the caller may read (the FamilyMember read rule), so that it cannot tell whether a
   * hidden member has a name. The page and its members in one statement when the selection compiles.
   */
  async list(caller: Caller, args: FamiliesArgs, info?: GraphQLResolveInfo): Promise<Connection<Family>> {
    const compiled = info && this.config.compiledReads ? compileConnectionSelection(FAMILY_READ, info) : null;
    if (compiled) {
      const where = (f: string, params: SqlParams) => (args.search ? this.matching(caller, args.search, f, params) : 'TRUE');
      return this.reader.of(caller).compiledPage<Family>(compiled, where, args);
    }
    const qb = this.db.manager.createQueryBuilder(Family, 'f');
    if (args.search) {
      const params = new SqlParams();
      qb.andWhere(this.matching(caller, args.search, 'f', params), params.values);
    }
    return paginate(this.policy.scope(qb, caller.ability, 'read', 'Family'), 'f.id', args);
  }

  /** SQL true when a member of the family `family` (an alias) that the caller may read has `search` in a name. */
  private matching(caller: Caller, search: string, family: string, params: SqlParams): string {
    const pattern = params.add(`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return `EXISTS (SELECT 1 FROM family_member sm WHERE sm.family_id = ${family}.id
           AND (sm.given_name ILIKE ${pattern} OR sm.family_name ILIKE ${pattern})
           AND ${this.reader.of(caller).readableSql('FamilyMember', 'sm.id', params)})`;
  }

  /** Members of many families in one query, each under the access rule (see `visibleMembers`). */
  membersOf(caller: Caller, loaders: RequestLoaders, familyId: string): Promise<FamilyMember[]> {
    return loaders
      .get<string, FamilyMember[]>('familyMembers', async (familyIds) =>
        groupBy(familyIds, await this.visibleMembers(caller, 'fm.family_id = ANY(:keys)', familyIds), (m) => m.familyId),
      )
      .load(familyId);
  }

  /** A member by id (consent subjects, note members, action assignees), or null when not visible. */
  memberById(caller: Caller, loaders: RequestLoaders, memberId: string): Promise<FamilyMember | null> {
    return loaders
      .get<string, FamilyMember | null>('memberById', async (ids) =>
        oneBy(ids, await this.visibleMembers(caller, 'fm.id = ANY(:keys)', ids), (m) => m.id),
      )
      .load(memberId);
  }

  /** The members with these ids that the caller may see, in that order (those it may not see stay out). */
  async visibleByIds(caller: Caller, loaders: RequestLoaders, memberIds: string[]): Promise<FamilyMember[]> {
    const members = await Promise.all(memberIds.map((id) => this.memberById(caller, loaders, id)));
    return members.filter((m): m is FamilyMember => m !== null);
  }

  /** Members the caller may read (FamilyMember read rule: identity), without their contact details. */
  private visibleMembers(caller: Caller, where: string, keys: readonly string[]): Promise<FamilyMember[]> {
    const qb = this.db.manager.createQueryBuilder(FamilyMember, 'fm').where(where, { keys }).orderBy('fm.id');
    return this.reader.of(caller).many(qb, 'FamilyMember');
  }

  /**
   * A member's contact details, or null where the caller lacks the CONTACT right: fetched only for the
   * members the right allows (filtered in SQL), for all members of the request in one statement, and
   * audited as a read of CONTACT data. Only asked for members already read, so the identity rule held.
   */
  contactOf(caller: Caller, loaders: RequestLoaders, memberId: string): Promise<MemberContact | null> {
    return loaders
      .get<string, MemberContact | null>('memberContact', async (ids) => {
        const qb = this.db.manager
          .createQueryBuilder(FamilyMember, 'fm')
          .select(['fm.id', 'fm.email', 'fm.phone', 'fm.preferredLanguage'])
          .where('fm.id = ANY(:keys)', { keys: ids })
          .orderBy('fm.id');
        return oneBy(ids, await this.reader.of(caller).many(qb, 'FamilyMember', { right: 'readContact' }), (m) => m.id);
      })
      .load(memberId);
  }

  /** Families by id for nested fields (Plan.family), filtered by the Family read rule in one query. */
  byId(caller: Caller, loaders: RequestLoaders, id: string): Promise<Family | null> {
    return loaders
      .get<string, Family | null>('familyById', async (ids) => {
        const qb = this.db.manager.createQueryBuilder(Family, 'f').where('f.id = ANY(:ids)', { ids });
        return oneBy(ids, await this.policy.scope(qb, caller.ability, 'read', 'Family').getMany(), (f) => f.id);
      })
      .load(id);
  }

  /**
   * How an error message names a member: her given name if the caller may read her, else "the member". A
   * name is personal data: read by the reader (audited), apart from the write's transaction, which the error
   * rolls back.
   */
  async nameFor(caller: Caller, memberId: string): Promise<string> {
    const qb = this.db.manager.createQueryBuilder(FamilyMember, 'fm').where('fm.id = :memberId', { memberId });
    return (await this.reader.of(caller).one(qb, 'FamilyMember'))?.givenName ?? 'the member';
  }

  /**
   * The members with these ids that belong to the household (and, with `visibleTo`, that its caller may read);
   * BAD_USER_INPUT naming `field` otherwise, the same for a member of another family as for a hidden one.
   */
  async requireMembers(
    em: EntityManager,
    familyId: string,
    memberIds: string[],
    field: string,
    options: { visibleTo?: Caller } = {},
  ): Promise<FamilyMember[]> {
    const unique = [...new Set(memberIds)];
    // A member who left the household is named by no new record (docs/family-members.md).
    const qb = em
      .createQueryBuilder(FamilyMember, 'rm')
      .where('rm.family_id = :familyId AND rm.id = ANY(:ids) AND rm.left_on IS NULL', { familyId, ids: unique });
    // Which members a write may name: checked by the read rule, not read (nothing of them is answered).
    if (options.visibleTo) this.reader.of(options.visibleTo).scopeThrough(qb, 'FamilyMember', 'rm.id');
    const members = unique.length ? await readWithoutAudit('a check before a write that answers no personal data', qb.getMany()) : [];
    if (members.length !== unique.length) throw badInput(field, `${field} must name members of this family`);
    return members;
  }
}

function memberRow(familyId: string, member: FamilyMemberInput, createdByUserId: string | null) {
  return {
    id: newId(),
    createdByUserId,
    familyId,
    role: member.role,
    givenName: member.givenName,
    familyName: member.familyName,
    birthDate: member.birthDate ?? null,
    expectedDate: member.expectedDate ?? null,
    email: member.email ?? null,
    phone: member.phone ?? null,
    preferredLanguage: member.preferredLanguage ?? null,
  };
}
