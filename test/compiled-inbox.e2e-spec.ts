import { randomUUID } from 'node:crypto';
import { v7 } from 'uuid';
import { AddActionDocument, AddGoalDocument, CreateReferralDocument, SendReferralDocument } from './graphql/generated.js';
import { agenciesOfEveryKind, CompiledPaths, integrationClientToken, type Sender, teamOfEveryKind } from './support/compiled-paths.js';
import { child, parent, type Person, World } from './support/world.js';

/**
 * `inbox(…)` compiled into one statement (audit/compiled-read.ts, inbox/inbox-read.ts) against the field
 * resolvers' path (COMPILED_READS=false), on the same database: for each kind of principal, the same request
 * answers the same on both (data or error) and audits the same reads (support/compiled-paths.ts) in as many
 * entries (one per family of the page on both), in one statement, the remembered principal checked in it (a
 * refused one read anew: one statement too). Besides the items the events wrote (a consent revoked, a break-glass, a
 * referral sent), every principal gets an item of each kind about each record of the family and one about
 * another family, some read: those it may no longer see (an admin's REFERRAL_OVERDUE, the revoked agency's,
 * another network's) are left out on both paths, a REFERRAL_RECEIVED shows to the receiving admins as a notice.
 */

const ITEM = 'id kind occurredAt readAt read text about { type id } family { id networkId createdAt }';
const INBOX = `query($first: Int, $after: String, $unreadOnly: Boolean) { inbox(first: $first, after: $after, unreadOnly: $unreadOnly) {
  edges { cursor node { ${ITEM} } } pageInfo { hasNextPage endCursor } } }`;
/** The benchmark's shape, with a fragment, an alias and __typename. */
const INBOX_FRAGMENTS = `{ inbox(first: 50) { __typename edges { __typename node { ...item } } pageInfo { hasNextPage endCursor } } }
  fragment item on InboxItem { id soort: kind occurredAt read text about { type id } family { id } }`;

/** The parameters of every kind's text (inbox-kind.ts, InboxParams). */
const PARAMS = JSON.stringify({ from: 'SENT', to: 'RECEIVED', version: 2, until: '2027-01-15T12:00:00Z', whole: true, workingDays: 3, on: '2027-01-15', members: 2 });

interface Item {
  kind: string;
  about: { type: string; id: string };
  family: { id: string } | null;
}

describe('inbox compiled: the same answers and audited reads as the field resolvers', () => {
  let paths: CompiledPaths;
  let referralId: string;
  let partnerAdmin: string;
  let author: string;
  const principals: [string, Sender][] = [];

  beforeAll(async () => {
    paths = await CompiledPaths.start();
    const { compiled, sql } = paths;
    const world = new World(compiled);
    const { network, agency, partner, revokedAgency, author: supporter } = await agenciesOfEveryKind(world);
    author = supporter.subject;
    const family = await world.family(supporter, [parent('Sara', 'Claes'), child('Lien', 'Claes', `${new Date().getFullYear() - 15}-03-02`), child('Mo', 'Claes', '2020-06-01')]);
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    // Portal logins first: the break-glass below tells the members who decide for themselves.
    const adultLogin = await world.portalLogin(supporter, sara);
    const teenLogin = await world.portalLogin(supporter, lien);
    const planId = await world.openPlan(supporter, family.id, {
      supporter,
      participants: [
        { agencyId: partner.id, contribution: 'Therapie' },
        { agencyId: revokedAgency.id, contribution: 'Schoolbegeleiding' },
      ],
    });
    const { addGoal } = await compiled.ok(supporter.subject, AddGoalDocument, { input: { planId, lifeDomain: 'HEALTH', description: 'Gezond', owner: 'FAMILY', memberIds: [lien] } });
    const { addAction } = await compiled.ok(supporter.subject, AddActionDocument, { input: { goalId: addGoal.id, title: 'Huisarts', assigneeUserId: supporter.userId } });
    // A referral to the partner, sent: its caseworkers are told, its admins told without reading it.
    const { createReferral } = await compiled.ok(supporter.subject, CreateReferralDocument, {
      input: { planId, toAgencyId: partner.id, memberIds: [mo], reason: 'Slaapt slecht', urgency: 'ROUTINE', requestedService: 'Therapie' },
    });
    referralId = createReferral.id;
    await compiled.ok(supporter.subject, SendReferralDocument, { input: { referralId, expectedVersion: createReferral.version } });
    const partnerIntake = await world.staff(partner);
    // The team: a revoked agency, a break-glass, a leaver (whose membership was removed): real items for the supporter and the portal.
    const team = await teamOfEveryKind(world, compiled, sql, { id: family.id, author: supporter, agency, partner, revokedAgency });
    const other = await world.family(supporter, [parent('Els', 'Janssens')]);
    const otherNetworkWorker = await world.staff(await world.agency(await world.network()));
    const { rows: records } = await sql.query<{ type: string; id: string }>(
      `SELECT 'Consent' AS type, id FROM consent WHERE family_id = $1 UNION ALL SELECT 'BreakGlassGrant', id FROM break_glass_grant WHERE family_id = $1`,
      [family.id],
    );
    const about: [string, string, string, string][] = [
      // [kind, type, id, family]
      ['REFERRAL_RECEIVED', 'Referral', referralId, family.id],
      ['REFERRAL_OVERDUE', 'Referral', referralId, family.id],
      ['REFERRAL_STATUS_CHANGED', 'Referral', referralId, family.id],
      ['SUPPORT_HANDED_OVER', 'Plan', planId, family.id],
      ['TRANSITION_CHECKLIST_PROPOSED', 'Goal', addGoal.id, family.id],
      ['ACTION_DUE', 'Action', addAction.id, family.id],
      ['MEMBER_CORRECTION_REQUESTED', 'FamilyMember', lien, family.id],
      ['MEMBER_CORRECTION_APPLIED', 'FamilyMember', sara, family.id],
      ['FAMILY_MERGED', 'Family', family.id, family.id],
      ['WEBHOOK_DELIVERY_FAILED', 'Agency', agency.id, family.id],
      ['FAMILY_MERGE_DECLINED', 'Family', other.id, other.id],
      ...records.map(({ type, id }): [string, string, string, string] => [type === 'Consent' ? 'CONSENT_EXPIRING' : 'BREAK_GLASS_USED', type, id, family.id]),
    ];
    const staff: [string, Person, string][] = [
      ['supporter (consented caseworker)', supporter, agency.id],
      ['consented colleague', team.colleague, agency.id],
      ['volunteer', team.volunteer, agency.id],
      ['partner’s caseworker on the team', team.therapist, partner.id],
      ['partner’s caseworker receiving the referral, not on the team', partnerIntake, partner.id],
      ['caseworker whose agency’s consent was just revoked', team.schoolWorker, revokedAgency.id],
      ['break-glass', team.responder, revokedAgency.id],
      ['caseworker whose membership was just removed', team.leaver, agency.id],
      ['admin of the author’s agency', agency.admin, agency.id],
      ['admin of the receiving agency', partner.admin, partner.id],
      ['network coordinator', network.coordinator, network.coordinatingAgencyId],
      ['caseworker of another network', otherNetworkWorker, otherNetworkWorker.agencyId],
    ];
    partnerAdmin = partner.admin.subject;
    // Every principal an item of each kind about each record; every third read.
    const recipients: [string | null, string | null, string | null][] = [
      ...staff.map(([, person, agencyId]): [string, string, null] => [person.userId, agencyId, null]),
      [null, null, sara],
      [null, null, lien],
      [null, null, other.memberIds[0]!],
    ];
    let n = 0;
    for (const [user, agencyOf, member] of recipients) {
      for (const [kind, type, id, familyId] of about) {
        await sql.query(
          `INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at, read_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), CASE WHEN $11 THEN now() END)`,
          [v7(), randomUUID(), kind, user, agencyOf, member, familyId, type, id, PARAMS, n++ % 3 === 0],
        );
      }
    }
    principals.push(
      ...staff.map(([label, person]): [string, Sender] => [label, person.subject]),
      ['portal: adult parent', adultLogin],
      ['portal: 15-year-old', teenLogin],
      ['portal: member of another family', await world.portalLogin(supporter, other.memberIds[0]!)],
      ['integration client of the author’s agency', await integrationClientToken(compiled, agency)],
    );
  }, 300_000);

  afterAll(() => paths.stop());

  /** What a principal's request answered on the compiled path, alike on both. */
  interface Seen {
    code?: string;
    items: (Item & { id: string })[];
    records: string[];
    pageInfo?: { hasNextPage: boolean; endCursor: string };
  }

  /** The request on both paths: the same answer, audited records and entries (one per family), one statement. */
  async function alike(label: string, sender: Sender, query: string, variables: Record<string, unknown>): Promise<Seen> {
    const { viaCompiled, viaResolvers, statements, audit } = await paths.both(sender, query, variables);
    expect({ label, answer: viaCompiled }).toEqual({ label, answer: viaResolvers });
    expect({ label, audit: audit.compiled }).toEqual({ label, audit: audit.resolvers });
    const code = viaCompiled.errors?.[0]?.extensions?.code as string | undefined;
    expect({ label, statements }).toEqual({ label, statements: 1 });
    expect({ label, families: audit.compiled.families }).toEqual({ label, families: [...new Set(audit.compiled.families)] });
    const inbox = viaCompiled.data?.inbox as { edges: { node: Item & { id: string } }[]; pageInfo?: Seen['pageInfo'] } | undefined;
    return { code, items: (inbox?.edges ?? []).map((edge) => edge.node), records: audit.compiled.records, pageInfo: inbox?.pageInfo };
  }

  /** `alike` for every principal, by label. */
  async function identical(query: string, variables: Record<string, unknown>): Promise<Map<string, Seen>> {
    const seen = new Map<string, Seen>();
    for (const [label, sender] of principals) seen.set(label, await alike(label, sender, query, variables));
    return seen;
  }

  it('inbox(first: 50), unread only, and the benchmark’s shape: identical for each kind of principal', async () => {
    const seen = await identical(INBOX, { first: 50 });
    for (const label of ['caseworker whose membership was just removed', 'integration client of the author’s agency']) expect(seen.get(label)!.code).toBe('FORBIDDEN');
    // Items about records are recorded as reads; the supporter sees every kind of personal record, her family with them.
    const supporter = seen.get('supporter (consented caseworker)')!;
    expect(supporter.records.length).toBeGreaterThan(10);
    const types = new Set(supporter.items.map((item) => item.about.type));
    for (const type of ['Referral', 'Plan', 'Goal', 'Action', 'FamilyMember', 'Consent', 'BreakGlassGrant', 'Family']) expect(types).toContain(type);
    // The receiving admin is told a referral arrived, without its family, and reads nothing of it: no REFERRAL_OVERDUE, no audit.
    const admin = seen.get('admin of the receiving agency')!;
    const notices = admin.items.filter((item) => item.about.type === 'Referral');
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.every((item) => item.kind === 'REFERRAL_RECEIVED' && item.family === null)).toBe(true);
    expect(admin.records.some((record) => notices.some((item) => record.includes(item.id)))).toBe(false);
    // The receiving caseworker off the team reads the referral (audited).
    const intake = seen.get('partner’s caseworker receiving the referral, not on the team')!;
    expect(intake.items.some((item) => item.about.type === 'Referral')).toBe(true);
    expect(intake.records.length).toBeGreaterThan(0);
    // Another network's caseworker sees nothing of the family; the portal's own reads are recorded.
    const outsider = seen.get('caseworker of another network')!;
    expect({ family: outsider.items.filter((item) => item.family !== null), records: outsider.records }).toEqual({ family: [], records: [] });
    for (const label of ['portal: adult parent', 'portal: 15-year-old']) expect(seen.get(label)!.records.length).toBeGreaterThan(0);

    const unread = await identical(INBOX, { first: 50, unreadOnly: true });
    expect(unread.get('supporter (consented caseworker)')!.items.length).toBeLessThan(supporter.items.length);
    await identical(INBOX_FRAGMENTS, {});
  });

  it('pages by cursor, newest first, identical page after page', async () => {
    let pages = 0;
    for (const [label, sender] of principals.filter(([label]) => /^supporter|^portal: adult/.test(label))) {
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const { items, pageInfo } = await alike(`${label} page ${page}`, sender, INBOX, { first: 4, after });
        const ids = items.map((item) => item.id);
        expect(ids).toEqual([...ids].sort().reverse());
        pages++;
        if (!pageInfo!.hasNextPage) break;
        after = pageInfo!.endCursor;
      }
    }
    expect(pages).toBeGreaterThan(4);
  }, 300_000);

  it('answers a bad cursor alike, writing no audit', async () => {
    const { viaCompiled, viaResolvers, audit } = await paths.both(author, INBOX, { after: 'bm90LWEtY3Vyc29y' });
    expect(viaCompiled).toEqual(viaResolvers);
    expect(viaCompiled.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(audit).toEqual({ compiled: { records: [], families: [] }, resolvers: { records: [], families: [] } });
  });

  it('takes the resolvers’ path for what it does not compile (the family’s members, its plan), with the same answer', async () => {
    for (const sender of [author, partnerAdmin]) {
      const query = `{ inbox(first: 50) { edges { node { id text family { id members { id givenName } plan { id } } } } } }`;
      const { viaCompiled, viaResolvers, statements, audit } = await paths.both(sender, query, {});
      expect(viaCompiled.errors).toBeUndefined();
      expect(viaCompiled).toEqual(viaResolvers);
      expect(audit.compiled).toEqual(audit.resolvers);
      expect(statements).toBeGreaterThan(2);
    }
  });
});
