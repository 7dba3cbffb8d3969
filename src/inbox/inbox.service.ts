import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { GraphQLResolveInfo } from 'graphql';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { NIL as NIL_UUID } from 'uuid';
import { type AuditActor, AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader, readWithoutAudit } from '../audit/personal-reader.js';
import type { Caller } from '../auth/caller.decorator.js';
import { PrincipalNotConfirmed } from '../auth/principal-check.js';
import type { Principal } from '../auth/principal.js';
import { forbidden, notFound } from '../common/errors.js';
import { newId, UUID_PATTERN } from '../common/ids.js';
import { type Connection, connectionOf, decodeCursor, DEFAULT_PAGE_SIZE, paginate } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { compileConnectionSelection } from '../graphql/compiled-selection.js';
import { SqlParams } from '../policy/sql-scope.js';
import { PolicyService } from '../policy/policy.service.js';
import type { OpenSubject, PersonalSubject } from '../policy/subjects.js';
import { type MemberPair, pairColumns, repointMembersSql } from '../families/member-pair.js';
import { MembershipRole } from '../users/membership-role.js';
import type { InboxArgs } from './dto/inbox.args.js';
import { INBOX_CHANNEL, type InboxNotice } from './inbox-notice.js';
import { type EmailRecipient, InboxEmail } from './inbox-email.js';
import { InboxItem } from './inbox-item.entity.js';
import { InboxItemKind, type InboxParams } from './inbox-kind.js';
import { inboxItemsRead, inboxRead } from './inbox-read.js';

/** How many records a time-based job selects at a time. */
const JOB_BATCH = 100;

/**
 * The records items may be about: each is shown only while its reader may read the record. Items about
 * personal data are read (and audited) as a read of it; the others show none.
 */
const PERSONAL_SUBJECTS = ['Referral', 'Consent', 'Plan', 'Goal', 'Action', 'FamilyMember'] as const satisfies readonly PersonalSubject[];
const OPEN_SUBJECTS = ['BreakGlassGrant', 'Family', 'Agency', 'IntegrationClient'] as const satisfies readonly OpenSubject[];
/**
 * Kinds of items about a referral that also show, as a notice, to a reader who may `notice` the referral
 * without reading it (the receiving agency's admins): kind, time and id only, a text without parameters,
 * no family, nothing read or audited.
 */
const REFERRAL_NOTICE_KINDS: readonly string[] = [InboxItemKind.REFERRAL_RECEIVED, InboxItemKind.REFERRAL_FAMILY_MOVED];
export type InboxSubject = (typeof PERSONAL_SUBJECTS)[number] | (typeof OPEN_SUBJECTS)[number];
const INBOX_READ = inboxRead(PERSONAL_SUBJECTS);
const INBOX_ITEMS_READ = inboxItemsRead(PERSONAL_SUBJECTS);

/** Who gets an item of an event (the actor of the event itself never does). */
export type InboxAudience =
  /** Every user with one of `roles` in the agency, acting for it. */
  | { staffOf: string; roles: MembershipRole[] }
  /** One user acting for an agency, while still a member of it. */
  | { user: string; agency: string }
  /** The trajectory supporter of the family's open plan (and the incoming one during a handover). */
  | { supportersOf: string }
  /** The family's members with a portal login who decide for themselves (12 or older, or assessed capable). */
  | { portalOf: string }
  /** One user on the family's team (assigned, or supporting its open plan), acting for the agency she is on it for. */
  | { teamUser: string; family: string }
  /** One family member, if she has a portal login and decides for herself. */
  | { member: string }
  /** The network coordinators of a network. */
  | { coordinatorsOf: string };

/** An event as the inbox keeps it: what the item's text is made of, and the record it is about. */
export interface InboxEvent {
  /** Unique per event: an event delivered twice gives each recipient one item. */
  id: string;
  kind: InboxItemKind;
  familyId: string;
  about: { type: InboxSubject; id: string };
  params: InboxParams;
  occurredAt: Date;
}

/** What a time-based job tells of one record: its event and who gets it. */
export interface InboxDelivery {
  event: InboxEvent;
  audience: InboxAudience[];
}

/**
 * SQL for the event id of a time-based signal: one per kind, record and occasion (a referral's stage, a
 * consent's end, an action's due date), the same on every replica, so the unique key on (event, recipient)
 * keeps one item when two replicas' jobs race, and a job can leave out in SQL what was told already.
 */
export const occasionEventIdSql = (kind: InboxItemKind, recordSql: string, occasionSql: string) =>
  `md5('${kind}/' || ${recordSql} || '/' || ${occasionSql})::uuid`;

/** An inbox's owner: a user acting for an agency, or a family member in the portal. */
type Recipient = { userId: string; agencyId: string } | { memberId: string };

/**
 * The inbox of every principal (docs/inbox.md): items written in the transaction of the event that
 * produces them (`deliver`, called by the producing modules with their EntityManager), read back only
 * as far as the reader may read now the record each is about.
 */
@Injectable()
export class InboxService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly reader: PersonalReader,
    private readonly tx: AuditedTransactions,
    private readonly policy: PolicyService,
    private readonly email: InboxEmail,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'compiledReads'>,
  ) {}

  /**
   * Writes the items of `event` for `audience`, in the event's transaction `em`: rolled back with it, and
   * once per event and recipient. The transaction's actor (the user or portal member it names) gets none.
   * Subscribers learn of them on commit (NOTIFY). How many items it wrote: none when the event was delivered
   * already (a replica's job told it first).
   */
  async deliver(em: EntityManager, event: InboxEvent, audience: InboxAudience[]): Promise<number> {
    if (audience.length === 0) return 0;
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    let source: string;
    if (audience.every((who) => 'user' in who || 'teamUser' in who || 'member' in who)) {
      // Single persons, at most one recipient each: the items' ids are known before their recipients, so the
      // recipients are read by the statement that writes the items (in their order, as the ids below are given).
      const recipients = recipientsSql(audience, param);
      const ids = param(audience.map(() => newId()));
      source = `(SELECT (${ids}::uuid[])[(row_number() OVER (ORDER BY COALESCE(rs.user_id, rs.member_id), rs.agency_id))::int] AS id, rs.user_id, rs.agency_id, rs.member_id
          FROM (${recipients}) rs) r`;
    } else {
      // Read first, with values of its own: how many items, and so their ids, is known only then.
      const read: unknown[] = [];
      const recipients = recipientsSql(audience, (value) => `$${read.push(value)}`);
      const found: RecipientRow[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(recipients, read));
      if (found.length === 0) return 0;
      source = `unnest(${param(found.map(() => newId()))}::uuid[], ${param(found.map((r) => r.user_id))}::uuid[], ${param(found.map((r) => r.agency_id))}::uuid[],
          ${param(found.map((r) => r.member_id))}::uuid[]) AS r(id, user_id, agency_id, member_id)`;
    }
    // The notice (NOTIFY on commit) in the same statement, once, only when an item was made.
    const told: { userId: string | null; memberId: string | null }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
      `WITH told AS (
         INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at)
         SELECT r.id, ${param(event.id)}, ${param(event.kind)}, r.user_id, r.agency_id, r.member_id, ${param(event.familyId)}, ${param(event.about.type)}, ${param(event.about.id)},
                ${param(JSON.stringify(event.params))}, ${param(event.occurredAt)}
           FROM ${source}
         ON CONFLICT DO NOTHING
         RETURNING recipient_user_id, recipient_member_id)
       SELECT t.recipient_user_id AS "userId", t.recipient_member_id AS "memberId",
              (SELECT count(pg_notify('${INBOX_CHANNEL}', ${param(JSON.stringify({ eventId: event.id } satisfies InboxNotice))})) FROM (SELECT 1 FROM told LIMIT 1) one) AS notified
         FROM told t`,
      values,
    ));
    if (told.length === 0) return 0;
    // Only the items this delivery made: a repeat of the event e-mails no one again.
    await this.email.enqueue(em, told.map(({ userId, memberId }) => ({ userId, memberId })) as EmailRecipient[]);
    return told.length;
  }

  /**
   * For a time-based job: delivers what `deliveryOf` makes of each record `select` finds, each in its own
   * transaction as the service itself (`system:<job>`); how many records this run told (not those another
   * replica's run told in the meantime). `select.sql` reads a
   * page of records in id order after `$1` (from the nil uuid), at most `$2`, its own parameters from `$3`;
   * it had best leave out the records told already (`occasionEventIdSql`).
   */
  async deliverEach<T extends { id: string }>(
    job: string,
    select: { sql: string; params: unknown[] },
    deliveryOf: (row: T) => InboxDelivery | null,
  ): Promise<number> {
    const actor: AuditActor = { subject: `system:${job}`, userId: null, memberId: null, agencyId: null, requestId: randomUUID() };
    let told = 0;
    for (let after: string = NIL_UUID; ; ) {
      const rows: T[] = await readWithoutAudit("the system's own job, for no caller", this.db.query(select.sql, [after, JOB_BATCH, ...select.params]));
      for (const row of rows) {
        const delivery = deliveryOf(row);
        if (!delivery) continue;
        if (await this.tx.runAs(actor, 'ADMINISTRATION', (em) => this.deliver(em, delivery.event, delivery.audience))) told++;
      }
      if (rows.length < JOB_BATCH) return told;
      after = rows.at(-1)!.id;
    }
  }

  /**
   * The caller's items it may see now, newest first; the page read is audited as a read of the records they are
   * about. In one statement when the request's selection compiles (inbox-read.ts; the field resolvers then
   * answer from what it carries).
   */
  async list(caller: Caller, args: InboxArgs, info?: GraphQLResolveInfo): Promise<Connection<InboxItem>> {
    const compiled = info && this.config.compiledReads ? compileConnectionSelection(INBOX_READ, info) : null;
    if (compiled) {
      const page = { first: args.first ?? DEFAULT_PAGE_SIZE, after: args.after ? decodeCursor(args.after) : null, descending: true };
      const where = (ii: string, params: SqlParams) => `${this.visibleSql(caller, ii, params)}${args.unreadOnly ? ` AND ${ii}.read_at IS NULL` : ''}`;
      const { inbox } = await this.reader.of(caller).compiledRoots({ inbox: { node: compiled, where, page } });
      const { edges, more } = inbox as { edges: { id: string; node: InboxItem }[]; more: boolean };
      return connectionOf(edges, more);
    }
    const qb = this.visible(caller);
    if (args.unreadOnly) qb.andWhere('ii.read_at IS NULL');
    const pageSize = args.first ?? DEFAULT_PAGE_SIZE;
    return paginate(qb, 'ii.id', args, async (page) => {
      const candidates = await page.getMany();
      // The row past the page only tells that another page follows: not shown, so not read.
      return [...(await this.readAudited(caller, candidates.slice(0, pageSize))), ...candidates.slice(pageSize)];
    }, 'DESC');
  }

  /** How many of the caller's items it may see now are unread (a count: no personal data, no audit entry). */
  async unreadCount(caller: Caller): Promise<number> {
    return this.visible(caller).andWhere('ii.read_at IS NULL').getCount();
  }

  /** Marks the caller's items read; any id that is not one of its visible items: NOT_FOUND, and nothing changes. */
  async markRead(caller: Caller, ids: string[]): Promise<InboxItem[]> {
    const wanted = [...new Set(ids)];
    if (!wanted.every((id) => UUID_PATTERN.test(id))) throw notFound('InboxItem');
    const changed = await this.tx.run(caller, async (em) => {
      const mine = await this.visible(caller, em).andWhere('ii.id = ANY(:wanted)', { wanted }).getMany();
      if (mine.length !== wanted.length) throw notFound('InboxItem');
      await em.query(`UPDATE inbox_item SET read_at = now() WHERE id = ANY($1) AND read_at IS NULL`, [wanted]);
      await em.query(`SELECT pg_notify('${INBOX_CHANNEL}', $1)`, [JSON.stringify({ recipientId: recipientKey(this.recipient(caller)) } satisfies InboxNotice)]);
      return wanted;
    });
    return this.readAudited(caller, await this.visible(caller).andWhere('ii.id = ANY(:changed)', { changed }).orderBy('ii.id', 'DESC').getMany());
  }

  /** The recipients (user ids or member ids) of an event's items, for the subscriptions. */
  async recipientsOfEvent(eventId: string): Promise<string[]> {
    const rows: { recipient: string }[] = await this.db.query(
      `SELECT COALESCE(recipient_user_id, recipient_member_id) AS recipient FROM inbox_item WHERE event_id = $1`,
      [eventId],
    );
    return rows.map((row) => row.recipient);
  }

  /** The key notices name a principal's inbox by (its user or member id), or null for one without an inbox. */
  inboxKeyOf(principal: Principal): string | null {
    return principal.familyMember?.memberId ?? (principal.acting ? principal.userId : null);
  }

  /** The caller's items whose record it may read now (for `many` or a count). */
  private visible(caller: Caller, em: EntityManager = this.db.manager): SelectQueryBuilder<InboxItem> {
    const params = new SqlParams();
    return em.createQueryBuilder(InboxItem, 'ii').where(this.visibleSql(caller, 'ii', params), params.values);
  }

  /** SQL over the inbox item `ii` (an alias): one of the caller's items whose record it may read now, or notice. */
  private visibleSql(caller: Caller, ii: string, params: SqlParams): string {
    const recipient = this.recipient(caller);
    const mine =
      'memberId' in recipient
        ? `${ii}.recipient_member_id = ${params.add(recipient.memberId)}`
        : `${ii}.recipient_user_id = ${params.add(recipient.userId)} AND ${ii}.recipient_agency_id = ${params.add(recipient.agencyId)}`;
    const reader = this.reader.of(caller);
    const about = `${ii}.subject_id`;
    const readable = [
      ...PERSONAL_SUBJECTS.map((subject) => [subject, reader.readableSql(subject, about, params)]),
      ...OPEN_SUBJECTS.map((subject) => [subject, this.policy.readableSql(caller.ability, subject, about, params)]),
      ['Referral', `${ii}.kind = ANY(${params.add(REFERRAL_NOTICE_KINDS)}) AND ${this.policy.noticeableSql(caller.ability, 'Referral', about, params)}`],
    ];
    return `${mine} AND (${readable.map(([subject, sql]) => `(${ii}.subject_type = ${params.add(subject)} AND ${sql})`).join('\n      OR ')})`;
  }

  /**
   * The items of `candidates` (chosen by `visible`) read as what they are about, in one audited statement, as
   * the compiled path reads its page (inbox-read.ts): those still visible, the reads of their records one entry
   * per family; answered in the order of `candidates`. A notice of a referral its reader may not read (visible
   * for `notice`) is kept unread: it shows nothing of the referral.
   */
  private async readAudited(caller: Caller, candidates: InboxItem[]): Promise<InboxItem[]> {
    if (candidates.length === 0) return [];
    const where = (ii: string, params: SqlParams) => `${ii}.id = ANY(${params.add(candidates.map((item) => item.id))}::uuid[]) AND ${this.visibleSql(caller, ii, params)}`;
    const { items } = await this.reader.of(caller).compiledRoots({ items: { node: INBOX_ITEMS_READ, where } });
    const read = new Set((items as { id: string }[]).map((item) => item.id));
    return candidates.filter((item) => read.has(item.id));
  }

  private recipient(caller: Caller): Recipient {
    const { principal } = caller;
    if (principal.familyMember) return { memberId: principal.familyMember.memberId };
    if (principal.userId && principal.acting) return { userId: principal.userId, agencyId: principal.acting.agencyId };
    // A remembered principal is not refused on what it was (a second membership ended since): it is read anew first.
    if (caller.principalCheck) throw new PrincipalNotConfirmed('refused on what it was');
    throw forbidden('An inbox belongs to a professional acting for an agency, or to a family member in the portal');
  }

  /** A merge of two families (docs/family-merge.md): items about the absorbed family name the surviving one. */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await em.query(`UPDATE inbox_item SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }

  /** A merge of members that are the same person (docs/family-merge.md): her items are the surviving member's (once per event). */
  async mapMembers(em: EntityManager, pairs: readonly MemberPair[]): Promise<void> {
    await em.query(repointMembersSql('inbox_item', 'event_id', 'recipient_member_id'), pairColumns(pairs));
  }
}

interface RecipientRow {
  user_id: string | null;
  agency_id: string | null;
  member_id: string | null;
}

/** SELECT of the recipients `audience` (not empty) names (RecipientRow), once each, but the transaction's actor. Values by `param`. */
function recipientsSql(audience: InboxAudience[], param: (value: unknown) => string): string {
  const users = (from: string) => `SELECT m.user_id, m.agency_id, NULL::uuid AS member_id FROM ${from}`;
  const parts = audience.map((who) => {
    if ('staffOf' in who) return users(`membership m WHERE m.agency_id = ${param(who.staffOf)} AND m.role = ANY(${param(who.roles)}::text[])`);
    if ('user' in who) return users(`membership m WHERE m.user_id = ${param(who.user)} AND m.agency_id = ${param(who.agency)}`);
    const supporters = (familyId: string) => `trajectory_supporter m JOIN plan p ON p.id = m.plan_id
        WHERE p.family_id = ${param(familyId)} AND p.status <> 'CLOSED' AND m.state <> 'ENDED'`;
    if ('supportersOf' in who) return users(supporters(who.supportersOf));
    if ('teamUser' in who) {
      return `${users(`case_assignment m WHERE m.family_id = ${param(who.family)} AND m.user_id = ${param(who.teamUser)} AND m.ended_at IS NULL`)}
        UNION ${users(`${supporters(who.family)} AND m.user_id = ${param(who.teamUser)}`)}`;
    }
    if ('coordinatorsOf' in who) {
      return users(`membership m JOIN agency na ON na.id = m.agency_id
        WHERE na.network_id = ${param(who.coordinatorsOf)} AND m.role = '${MembershipRole.NETWORK_COORDINATOR}'`);
    }
    const which = 'member' in who ? `fm.id = ${param(who.member)}` : `fm.family_id = ${param(who.portalOf)}`;
    return `SELECT NULL::uuid AS user_id, NULL::uuid AS agency_id, fm.id AS member_id FROM family_member fm
      WHERE ${which} AND fm.portal_subject IS NOT NULL AND member_is_capable(fm)`;
  });
  return `SELECT DISTINCT ON (COALESCE(user_id, member_id)) user_id, agency_id, member_id FROM (${parts.join(' UNION ')}) a
      WHERE COALESCE(user_id, member_id) IS DISTINCT FROM nullif(current_setting('app.actor_user_id', true), '')::uuid
        AND COALESCE(user_id, member_id) IS DISTINCT FROM nullif(current_setting('app.actor_member_id', true), '')::uuid
      ORDER BY COALESCE(user_id, member_id), agency_id`;
}

const recipientKey = (recipient: Recipient) => ('memberId' in recipient ? recipient.memberId : recipient.userId);
