import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { v7 } from 'uuid';
import { INBOX_QUERY } from '../bench/operations.js';
import { TestApi } from './support/test-app.js';
import { child, parent, type Person, World } from './support/world.js';

/** A family's access log, every line (an entry, or a part of one: `seq.part`). */
const ACCESS_LOG = `query($familyId: ID!) { accessLog(familyId: $familyId, first: 100) { edges { node { id action entityType records legalBasis } } } }`;

interface Line {
  id: string;
  action: string;
  entityType: string;
  records: number;
  legalBasis: string;
}

/**
 * An inbox page's read audit (issue 19 §3): at most one entry per family the page shows, its items about that
 * family's records the entry's parts (read-audit.ts), on the compiled path and on the field resolvers' path
 * alike; none for a page without items about personal records. Each family's access log shows a page's read
 * once (one entry, a line per part), to each member only the parts about members she speaks for, and a portal
 * member's own inbox read to the others of her family, not to herself.
 */
describe('inbox: one read audit entry per family a page shows', () => {
  let api: TestApi;
  let resolvers: TestApi;
  let sql: pg.Pool;
  let world: World;
  let supporter: Person;
  /** Family A: two parents, a 15-year-old and a child of six, each with a portal login but the child. */
  const a = { id: '', plan: '', sara: '', tom: '', lien: '', mo: '', logins: { sara: '', tom: '', lien: '' } };
  /** Families B and C: one parent each, with a portal login. */
  const b = { id: '', plan: '', els: '', login: '' };
  const c = { id: '', plan: '', jan: '', login: '' };

  beforeAll(async () => {
    api = await TestApi.start();
    resolvers = await TestApi.start({ COMPILED_READS: 'false' });
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    world = new World(api);
    const agency = await world.agency(await world.network());
    supporter = await world.staff(agency);
    const year = new Date().getFullYear();
    const familyA = await world.familyWithPlan(supporter, {
      members: [parent('Sara', 'Claes'), parent('Tom', 'Claes'), child('Lien', 'Claes', `${year - 15}-03-02`), child('Mo', 'Claes', `${year - 6}-06-01`)],
      supporter,
    });
    [a.id, a.plan] = [familyA.familyId, familyA.planId];
    [a.sara, a.tom, a.lien, a.mo] = familyA.memberIds as [string, string, string, string];
    a.logins = { sara: await world.portalLogin(supporter, a.sara), tom: await world.portalLogin(supporter, a.tom), lien: await world.portalLogin(supporter, a.lien) };
    const familyB = await world.familyWithPlan(supporter, { members: [parent('Els', 'Janssens')], supporter });
    [b.id, b.plan, b.els] = [familyB.familyId, familyB.planId, familyB.memberIds[0]!];
    b.login = await world.portalLogin(supporter, b.els);
    const familyC = await world.familyWithPlan(supporter, { members: [parent('Jan', 'Peeters')], supporter });
    [c.id, c.plan, c.jan] = [familyC.familyId, familyC.planId, familyC.memberIds[0]!];
    c.login = await world.portalLogin(supporter, c.jan);

    // The supporter's items: about family A's plan and each of its members, B's plan and parent, C's plan.
    const staff = { userId: supporter.userId, agencyId: agency.id };
    for (const [family, type, id] of [
      [a.id, 'Plan', a.plan],
      [a.id, 'FamilyMember', a.sara],
      [a.id, 'FamilyMember', a.tom],
      [a.id, 'FamilyMember', a.lien],
      [a.id, 'FamilyMember', a.mo],
      [b.id, 'Plan', b.plan],
      [b.id, 'FamilyMember', b.els],
      [c.id, 'Plan', c.plan],
    ] as const) {
      await item(staff, family, type, id);
    }
    // Sara's: the plan, herself and Mo; Lien's: the plan and herself.
    for (const [type, id] of [['Plan', a.plan], ['FamilyMember', a.sara], ['FamilyMember', a.mo]] as const) await item({ memberId: a.sara }, a.id, type, id);
    for (const [type, id] of [['Plan', a.plan], ['FamilyMember', a.lien]] as const) await item({ memberId: a.lien }, a.id, type, id);
  }, 240_000);

  afterAll(async () => {
    await sql?.end();
    await resolvers?.stop();
    await api?.stop();
  });

  /** An item for a user acting for an agency, or for a portal member, about a record of `family`. */
  async function item(recipient: { userId: string; agencyId: string } | { memberId: string }, family: string, type: string, id: string): Promise<void> {
    await sql.query(
      `INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '{}', now())`,
      [v7(), randomUUID(), type === 'Plan' ? 'SUPPORT_HANDED_OVER' : 'MEMBER_CORRECTION_APPLIED', 'userId' in recipient ? recipient.userId : null,
        'userId' in recipient ? recipient.agencyId : null, 'memberId' in recipient ? recipient.memberId : null, family, type, id],
    );
  }

  /** `subject` reads its inbox on `app`: how many items it was shown, and the read audit entries of the request (by SQL). */
  async function readInbox(subject: string, app: TestApi = api) {
    const requestId = `inbox-${randomUUID()}`;
    const { inbox } = await app.ok(subject, INBOX_QUERY, {}, { 'X-Request-Id': requestId });
    const { rows } = await sql.query<{ seq: string; family_id: string; entity_type: string; entity_ids: string[]; member_ids: string[]; parts: unknown[] | null; legal_basis: string }>(
      `SELECT seq::text, family_id, entity_type, entity_ids, member_ids, parts, legal_basis FROM audit_event WHERE request_id = $1 AND action = 'READ' ORDER BY seq`,
      [requestId],
    );
    return { items: (inbox as { edges: unknown[] }).edges.length, entries: rows };
  }

  /** The lines of `family`'s access log as `login` reads it that come from the audit entry `seq`. */
  async function linesOf(login: string, family: string, seq: string): Promise<Line[]> {
    const { accessLog } = await api.ok(login, ACCESS_LOG, { familyId: family });
    return (accessLog.edges as { node: Line }[]).map((edge) => edge.node).filter((line) => line.id === seq || line.id.startsWith(`${seq}.`));
  }

  it('writes one entry per family on the page, its items the parts, on the compiled path and the resolvers’ path', async () => {
    for (const app of [api, resolvers]) {
      const { items, entries } = await readInbox(supporter.subject, app);
      expect(items).toBe(8);
      expect(entries.map((entry) => entry.family_id).sort()).toEqual([a.id, b.id, c.id].sort());
      const byFamily = new Map(entries.map((entry) => [entry.family_id, entry]));
      // Family A: the plan (about no member) and each member apart, all five items in the one entry.
      const entryA = byFamily.get(a.id)!;
      expect({ type: entryA.entity_type, records: entryA.entity_ids.length, parts: entryA.parts?.length, members: [...entryA.member_ids].sort() })
        .toEqual({ type: 'InboxItem', records: 5, parts: 5, members: [a.sara, a.tom, a.lien, a.mo].sort() });
      expect({ records: byFamily.get(b.id)!.entity_ids.length, parts: byFamily.get(b.id)!.parts?.length }).toEqual({ records: 2, parts: 2 });
      // One part: no `parts`, its columns say it all.
      expect({ records: byFamily.get(c.id)!.entity_ids.length, parts: byFamily.get(c.id)!.parts, basis: byFamily.get(c.id)!.legal_basis }).toEqual({ records: 1, parts: null, basis: 'CONSENT' });
    }
  });

  it('writes no entry for an empty page, nor for a page of items about records without personal data', async () => {
    const agency = await world.agency(await world.network());
    const empty = await world.staff(agency);
    expect(await readInbox(empty.subject)).toEqual({ items: 0, entries: [] });
    const told = await world.staff(agency);
    await item({ userId: told.userId, agencyId: agency.id }, a.id, 'Agency', agency.id);
    for (const app of [api, resolvers]) expect(await readInbox(told.subject, app)).toEqual({ items: 1, entries: [] });
  });

  it('shows a professional’s inbox read once per request in the access log of each family it touched, to whom speaks for its members', async () => {
    const first = await readInbox(supporter.subject);
    const second = await readInbox(supporter.subject);
    for (const read of [first, second]) {
      const seqOf = (family: string) => read.entries.find((entry) => entry.family_id === family)!.seq;
      const view = async (login: string, family: string) => (await linesOf(login, family, seqOf(family))).map((line) => [line.entityType, line.action, line.records, line.legalBasis]);
      const plan = ['InboxItem', 'READ', 1, 'CONSENT'];
      // Sara: the plan, herself and the child she speaks for (Mo); not Tom, not the 15-year-old who speaks for herself.
      expect(await view(a.logins.sara, a.id)).toEqual([plan, plan, plan]);
      expect((await linesOf(a.logins.sara, a.id, seqOf(a.id))).map((line) => line.id)).toEqual([1, 2, 5].map((part) => `${seqOf(a.id)}.${part}`));
      expect((await linesOf(a.logins.tom, a.id, seqOf(a.id))).map((line) => line.id)).toEqual([1, 3, 5].map((part) => `${seqOf(a.id)}.${part}`));
      expect((await linesOf(a.logins.lien, a.id, seqOf(a.id))).map((line) => line.id)).toEqual([1, 4].map((part) => `${seqOf(a.id)}.${part}`));
      expect(await view(b.login, b.id)).toEqual([plan, plan]);
      expect(await linesOf(c.login, c.id, seqOf(c.id))).toEqual([{ id: seqOf(c.id), action: 'READ', entityType: 'InboxItem', records: 1, legalBasis: 'CONSENT' }]);
    }
    // Two requests, two entries per family: each request's read once.
    expect(new Set([...first.entries, ...second.entries].map((entry) => entry.seq)).size).toBe(6);
  });

  it('shows a portal member’s inbox read to the others of her family who speak for its members, not to herself', async () => {
    const sara = await readInbox(a.logins.sara);
    expect(sara.items).toBe(3);
    expect(sara.entries.map((entry) => [entry.family_id, entry.legal_basis, entry.entity_ids.length])).toEqual([[a.id, 'FAMILY_SELF', 3]]);
    const saraRead = sara.entries[0]!.seq;
    // Parts in the order read: the plan, then the members (Sara, Mo) in item order.
    const tomSees = await linesOf(a.logins.tom, a.id, saraRead);
    expect(tomSees.map((line) => [line.id, line.entityType, line.legalBasis])).toEqual([
      [`${saraRead}.1`, 'InboxItem', 'FAMILY_SELF'],
      [`${saraRead}.3`, 'InboxItem', 'FAMILY_SELF'],
    ]);
    expect((await linesOf(a.logins.lien, a.id, saraRead)).map((line) => line.id)).toEqual([`${saraRead}.1`]);
    expect(await linesOf(a.logins.sara, a.id, saraRead)).toEqual([]);

    const lien = await readInbox(a.logins.lien);
    const lienRead = lien.entries[0]!.seq;
    expect(lien.entries.map((entry) => [entry.family_id, entry.entity_ids.length, entry.parts?.length])).toEqual([[a.id, 2, 2]]);
    // Her own record's part only to herself (hidden there, her own read): the parents see the plan's part.
    for (const parentLogin of [a.logins.sara, a.logins.tom]) expect((await linesOf(parentLogin, a.id, lienRead)).map((line) => line.id)).toEqual([`${lienRead}.1`]);
  });
});
