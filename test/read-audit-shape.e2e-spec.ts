import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { FAMILIES_QUERY } from '../bench/operations.js';
import { AccessLogEntriesDocument, AddGoalDocument, AddNoteDocument, FamilyWithMemberIdsDocument, PlanItemIdsDocument } from './graphql/generated.js';
import { type PartedEntry, partsOf } from './support/audit-parts.js';
import { codeOf, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, child, parent, parentWithTwoChildren, type Person, World } from './support/world.js';

/**
 * The shape of the read audit (docs/audit.md): a reading statement writes at most one entry per family,
 * whose parts say which records were read about which members under which basis; the family's access
 * log shows each part as its own line, to the members who speak for every member the part concerns.
 * `PRINT_FIGURES=1` prints the entries, bytes and WAL a families page and a plan read write (docs/audit.md).
 */

interface ReadEntry extends PartedEntry {
  entity_ids: string[];
  family_id: string;
}

const newRequestId = (label: string) => `shape-${label}-${randomUUID()}`;
const sorted = (ids: string[]) => [...ids].sort();

describe('the read audit: one entry per family and reading statement', () => {
  let api: TestApi;
  let world: World;
  let agency: Agency;
  let sql: pg.Pool;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    agency = await world.agency(await world.network());
  });
  afterAll(async () => {
    await sql.end();
    await api.stop();
  });

  async function readsOf(requestId: string): Promise<ReadEntry[]> {
    const { rows } = await sql.query<ReadEntry>(
      `SELECT entity_type, entity_ids::text[] AS entity_ids, family_id::text AS family_id, member_ids::text[] AS member_ids,
              categories, legal_basis, consent_ids::text[] AS consent_ids, parts
         FROM audit_event WHERE request_id = $1 AND action = 'READ' ORDER BY seq`,
      [requestId],
    );
    return rows;
  }

  /**
   * `request` under a new request id, with what its reads wrote to the audit trail: entries, their bytes as
   * stored, and the WAL written meanwhile (the whole request: this run's cluster serves only this file
   * with one Jest worker; the queue is linked first, so that the chainer has nothing else to write).
   */
  async function measured(label: string, request: (requestId: string) => Promise<unknown>): Promise<string> {
    const requestId = newRequestId('measured');
    await sql.query(`SELECT audit_chain_pending(1000000)`);
    const [{ lsn }] = (await sql.query(`SELECT pg_current_wal_insert_lsn() AS lsn`)).rows;
    await request(requestId);
    const { rows } = await sql.query<{ entries: number; bytes: number; wal: number }>(
      `SELECT count(*)::int AS entries, coalesce(sum(pg_column_size(e.*)), 0)::int AS bytes, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $2)::int AS wal
         FROM audit_event e WHERE request_id = $1 AND action = 'READ'`,
      [requestId, lsn],
    );
    if (process.env.PRINT_FIGURES) console.log(`${label}: ${JSON.stringify(rows[0])}`);
    return requestId;
  }

  it('a families page writes one entry per family, each member’s record, basis and consent a part of it', async () => {
    const worker = await world.staff(agency);
    const families = [];
    for (let i = 0; i < 4; i++) {
      const family = await world.family(worker, parentWithTwoChildren(`${i}`), { consentFor: [] });
      families.push({ family, consentIds: await world.consentAll(worker, family, worker.agencyId) });
    }
    // Only Sara consents: the others are read as records the worker wrote (AUTHOR).
    const mixed = await world.family(worker, parentWithTwoChildren('mixed'), { consentFor: [] });
    const [saraConsent] = await world.consentAll(worker, { ...mixed, members: [mixed.members[0]!], memberIds: [mixed.memberIds[0]!] }, worker.agencyId);
    const requestId = await measured('families page of 5 families (15 members)', (id) => api.ok(worker.subject, FAMILIES_QUERY, {}, { 'X-Request-Id': id }));

    const reads = await readsOf(requestId);
    // One entry per family (the families themselves are no personal read; docs/audit.md).
    expect(reads.map((e) => e.entity_type)).toEqual(Array(5).fill('FamilyMember'));
    expect(sorted(reads.map((e) => e.family_id))).toEqual(sorted([...families.map(({ family }) => family.id), mixed.id]));

    for (const { family, consentIds } of families) {
      const entry = reads.find((e) => e.entity_type === 'FamilyMember' && e.family_id === family.id)!;
      expect(entry).toMatchObject({ legal_basis: 'CONSENT', categories: ['IDENTITY'] });
      expect(sorted(entry.entity_ids)).toEqual(sorted(family.memberIds));
      expect(sorted(entry.member_ids)).toEqual(sorted(family.memberIds));
      expect(sorted(entry.consent_ids)).toEqual(sorted(consentIds));
      // Each member's record is a part of its own: a family member sees only the parts about whom she speaks for.
      expect(sorted(partsOf(entry).map((p) => JSON.stringify(p)))).toEqual(
        sorted(
          family.memberIds.map((id, i) =>
            JSON.stringify({ type: 'FamilyMember', records: [id], members: [id], basis: 'CONSENT', categories: ['IDENTITY'], consents: [consentIds[i]] }),
          ),
        ),
      );
    }
    const mixedEntry = reads.find((e) => e.entity_type === 'FamilyMember' && e.family_id === mixed.id)!;
    expect(mixedEntry).toMatchObject({ legal_basis: 'SEVERAL', consent_ids: [saraConsent] });
    expect(Object.fromEntries(partsOf(mixedEntry).map((p) => [p.records[0], [p.basis, p.consents]]))).toEqual({
      [mixed.memberIds[0]!]: ['CONSENT', [saraConsent]],
      [mixed.memberIds[1]!]: ['AUTHOR', []],
      [mixed.memberIds[2]!]: ['AUTHOR', []],
    });
  });

  /** Sara (adult, speaks for Mo), Youssef (adult), Lien (15, decides for herself) and Mo (6); Sara and Lien have portal logins. */
  async function portalFamily(worker: Person) {
    const fifteen = new Date();
    fifteen.setFullYear(fifteen.getFullYear() - 15);
    const { familyId, planId, memberIds } = await world.familyWithPlan(worker, {
      members: [parent('Sara', 'Maes'), parent('Youssef', 'Maes'), child('Lien', 'Maes', fifteen.toISOString().slice(0, 10)), child('Mo', 'Maes', '2020-01-01')],
    });
    const [sara, youssef, lien, mo] = memberIds as [string, string, string, string];
    const saraLogin = await world.portalLogin(worker, sara, uniqueSubject('sara'));
    const lienLogin = await world.portalLogin(worker, lien, uniqueSubject('lien'));
    return { familyId, planId, sara, youssef, lien, mo, saraLogin, lienLogin };
  }

  it('a plan read writes one entry per family for each kind of record, notes about different members as parts of one', async () => {
    const worker = await world.staff(agency);
    const s = await portalFamily(worker);
    for (const description of ['Een eigen woning', 'Werk vinden']) {
      await api.ok(worker.subject, AddGoalDocument, { input: { planId: s.planId, lifeDomain: 'HOUSING', description, owner: 'FAMILY' } });
    }
    const notes: string[] = [];
    for (const about of [[s.sara], [s.youssef], [s.lien], [s.mo], [s.sara, s.mo]]) {
      notes.push((await api.ok(worker.subject, AddNoteDocument, { input: { planId: s.planId, category: 'PLAN', body: 'Gesprek', memberIds: about } })).addNote.id as string);
    }
    const requestId = await measured('plan(id), 2 goals, 5 notes about 5 sets of members', (id) =>
      api.ok(worker.subject, PlanItemIdsDocument, { id: s.planId }, { 'X-Request-Id': id }),
    );

    const reads = await readsOf(requestId);
    expect(reads.map((e) => e.entity_type).sort()).toEqual(['Goal', 'Note', 'Plan', 'PlanHistoryEntry']);
    const noteEntry = reads.find((e) => e.entity_type === 'Note')!;
    expect(sorted(noteEntry.entity_ids)).toEqual(sorted(notes));
    expect(sorted(noteEntry.member_ids)).toEqual(sorted([s.sara, s.youssef, s.lien, s.mo]));
    expect(partsOf(noteEntry).map((p) => [p.records, sorted(p.members), p.basis])).toEqual(
      [[s.sara], [s.youssef], [s.lien], [s.mo], [s.sara, s.mo]].map((about, i) => [[notes[i]], sorted(about), 'CONSENT']),
    );
    for (const part of partsOf(noteEntry)) expect(part.consents.length).toBeGreaterThan(0);
  });

  it('the access log shows each part as a line, only to the members who speak for all it concerns, and pages through the parts', async () => {
    const worker = await world.staff(agency);
    const s = await portalFamily(worker);
    const requestId = newRequestId('members');
    await api.ok(worker.subject, FamilyWithMemberIdsDocument, { id: s.familyId }, { 'X-Request-Id': requestId });
    const [entry] = (await readsOf(requestId)).filter((e) => e.entity_type === 'FamilyMember');
    expect(entry!.parts).toHaveLength(4);

    type Line = { id: string; action: string; entityType: string; legalBasis: string; description: string };
    const memberReads = async (login: string, first?: number) => {
      const lines: Line[] = [];
      const ids = new Set<string>();
      let after: string | null = null;
      do {
        const page = (await api.ok(login, `query($f: ID!, $first: Int, $after: String) { accessLog(familyId: $f, first: $first, after: $after) {
            edges { node { id action entityType legalBasis description } } pageInfo { hasNextPage endCursor } } }`, { f: s.familyId, first, after }))
          .accessLog as { edges: { node: Line }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
        for (const { node } of page.edges) {
          expect(ids.has(node.id)).toBe(false);
          ids.add(node.id);
          lines.push(node);
        }
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      // The lines of that read (the registration read the members back before: other lines).
      return lines.filter((l) => l.action === 'READ' && l.entityType === 'FamilyMember' && l.legalBasis === 'CONSENT');
    };
    const viewed = /^Test CASEWORKER \(.+\) bekeek persoonsgegevens \(identiteitsgegevens\), met uw toestemming\.$/;

    // Sara speaks for herself and Mo: two lines, one per member, not Youssef's or Lien's.
    const sara = await memberReads(s.saraLogin);
    expect(sara).toHaveLength(2);
    for (const line of sara) expect(line).toMatchObject({ legalBasis: 'CONSENT', description: expect.stringMatching(viewed) });
    // The same lines one at a time: a page can end inside an entry, and the next one goes on from there.
    expect((await memberReads(s.saraLogin, 1)).map((l) => l.id)).toEqual(sara.map((l) => l.id));
    // Lien decides for herself: only the read of her own details.
    const lien = await memberReads(s.lienLogin);
    expect(lien).toHaveLength(1);
    expect(lien[0]).toMatchObject({ legalBasis: 'CONSENT', description: expect.stringMatching(viewed) });
    expect(lien[0]!.id).not.toEqual(sara[0]!.id);
    expect(lien[0]!.id).not.toEqual(sara[1]!.id);

    // Everyone else: refused as before.
    expect(codeOf(await api.gql(worker.subject, AccessLogEntriesDocument, { f: s.familyId }))).toBe('FORBIDDEN');
    const other = await portalFamily(worker);
    expect(codeOf(await api.gql(other.saraLogin, AccessLogEntriesDocument, { f: s.familyId }))).toBe('NOT_FOUND');
  });

  it('refuses a cursor that is not from the log', async () => {
    const worker = await world.staff(agency);
    const s = await portalFamily(worker);
    for (const after of ['bm9wZQ', Buffer.from('seq:12.x').toString('base64url')]) {
      const result = await api.gql(s.saraLogin, AccessLogEntriesDocument, { f: s.familyId, after });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});
