import { randomUUID } from 'node:crypto';
import { agenciesOfEveryKind, CompiledPaths, integrationClientToken, type Sender, teamOfEveryKind } from './support/compiled-paths.js';
import { child, parent, World } from './support/world.js';

/**
 * `family(id)`, `families(…)` and `myFamily` compiled into one statement (audit/compiled-read.ts,
 * families/family-read.ts) against the field resolvers' path (COMPILED_READS=false), on the same database:
 * for each kind of principal, the same request answers the same on both (data or error) and audits the same
 * reads (support/compiled-paths.ts), the compiled one in one statement, the remembered principal checked in it.
 */

const MEMBER_FIELDS = 'id role givenName familyName birthDate expectedDate version leftOn createdAt';

const FAMILY = `query($id: ID!) { family(id: $id) { id networkId createdAt members { ${MEMBER_FIELDS} } } }`;

const FAMILIES = `query($first: Int, $after: String, $search: String) { families(first: $first, after: $after, search: $search) {
  edges { cursor node { id networkId createdAt members { ${MEMBER_FIELDS} } } } pageInfo { hasNextPage endCursor } } }`;

/** The benchmark's shape, written with a fragment, aliases and __typename. */
const FAMILIES_FRAGMENTS = `query($first: Int) { families(first: $first) { __typename edges { __typename node { ...household } }
  info: pageInfo { hasNextPage } pageInfo { endCursor } } } fragment household on Family { id gezin: members { id givenName } members { familyName birthDate } }`;

const MY_FAMILY = `{ myFamily { __typename me { ${MEMBER_FIELDS} } family { id networkId createdAt members { ${MEMBER_FIELDS} } } } }`;

describe('family, families and myFamily compiled: the same answers and audited reads as the field resolvers', () => {
  let paths: CompiledPaths;
  let familyId: string;
  let otherId: string;
  let leaverSubject: string;
  const principals: [string, Sender][] = [];

  beforeAll(async () => {
    paths = await CompiledPaths.start();
    const { compiled, sql } = paths;
    const world = new World(compiled);

    const { agency, partner, revokedAgency, author } = await agenciesOfEveryKind(world);
    const family = await world.family(author, [parent('Sara', 'Claes'), child('Lien', 'Claes', '2011-03-02'), child('Mo', 'Claes', '2020-06-01')]);
    familyId = family.id;
    const [sara, lien] = family.memberIds as [string, string];
    await world.openPlan(author, family.id, {
      supporter: author,
      participants: [
        { agencyId: partner.id, contribution: 'Therapie' },
        { agencyId: revokedAgency.id, contribution: 'Schoolbegeleiding' },
      ],
    });
    // The school's agency got consent with the plan; the family revokes it, and another of its caseworkers breaks the glass.
    const { colleague, volunteer, therapist, schoolWorker, responder, leaver } = await teamOfEveryKind(world, compiled, sql, {
      id: family.id,
      author,
      agency,
      partner,
      revokedAgency,
    });
    leaverSubject = leaver.subject;

    // More of the author's families, so that her pages follow one another; one only the author may read.
    const other = await world.family(author, [parent('Els', 'Janssens'), child('Noor', 'Claes', '2016-09-12')]);
    otherId = other.id;
    await world.family(author, [parent('Bart', 'Maes')]);
    const outsider = await world.staff(await world.agency(await world.network()));
    principals.push(
      ['consented caseworker (the author)', author.subject],
      ['consented colleague', colleague.subject],
      ['volunteer', volunteer.subject],
      ['caseworker of a partner with every consent', therapist.subject],
      ['caseworker whose agency’s consent was just revoked', schoolWorker.subject],
      ['break-glass', responder.subject],
      ['caseworker of the same agency, not on the team', (await world.staff(agency)).subject],
      ['caseworker on the team whose membership was just removed', leaver.subject],
      ['caseworker of another network', outsider.subject],
      ['admin of the author’s agency', agency.admin.subject],
      ['portal: adult parent', await world.portalLogin(author, sara)],
      ['portal: 15-year-old', await world.portalLogin(author, lien)],
      ['portal: member of another family', await world.portalLogin(author, other.memberIds[0]!)],
      ['integration client of the author’s agency', await integrationClientToken(compiled, agency)],
    );
  }, 300_000);

  afterAll(() => paths.stop());

  /**
   * The request on both paths for every principal: the same answer and audited records, an entry per family,
   * one statement (the remembered principal checked in it; none when refused before any read); what each answered, to show the matrix met.
   */
  async function identical(query: string, variablesOf: (sender: Sender) => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const [label, sender] of principals) {
      const { viaCompiled, viaResolvers, statements, audit } = await paths.both(sender, query, await variablesOf(sender));
      expect({ label, answer: viaCompiled }).toEqual({ label, answer: viaResolvers });
      expect({ label, audit: audit.compiled.records }).toEqual({ label, audit: audit.resolvers.records });
      expect({ label, families: audit.compiled.families }).toEqual({ label, families: [...new Set(audit.resolvers.families)] });
      const code = viaCompiled.errors?.[0]?.extensions?.code as string | undefined;
      const readSomething = JSON.stringify(viaCompiled.data ?? {}).includes('givenName');
      // A member answered is a read recorded (the comparison alone would pass if both paths recorded nothing).
      if (readSomething) expect({ label, recorded: audit.compiled.records.length > 0 }).toEqual({ label, recorded: true });
      expect({ label, statements }).toEqual({ label, statements: code === 'BAD_USER_INPUT' ? 0 : 1 });
      if (sender === leaverSubject) expect({ label, code }).toEqual({ label, code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) });
      seen.add(code ?? `${label.startsWith('portal') ? 'portal' : 'staff'}:${audit.compiled.records.length}`);
    }
    return seen;
  }

  it('family(id), the family and another: identical for each kind of principal', async () => {
    const own = await identical(FAMILY, () => ({ id: familyId }));
    expect([...own]).toEqual(expect.arrayContaining(['NOT_FOUND', 'FORBIDDEN']));
    // Several readings of the same family: all members, fewer (the 15-year-old, the revoked agency), none.
    expect(own.size).toBeGreaterThanOrEqual(4);
    const other = await identical(FAMILY, () => ({ id: otherId }));
    expect([...other]).toEqual(expect.arrayContaining(['NOT_FOUND']));
  });

  it('families(…): every page, its cursors and a search, identical for each kind of principal', async () => {
    const seen = new Set<string>();
    for (const variables of [{ first: 50 }, { first: 1 }, { search: 'Claes' }, { search: 'noo', first: 2 }]) {
      for (const answer of await identical(FAMILIES, () => variables)) seen.add(answer);
    }
    // The next page after the first of one family, from the cursor the principal was given.
    const afterFirst = async (sender: Sender) => {
      const { viaResolvers } = await paths.both(sender, FAMILIES, { first: 1 });
      return { first: 1, after: viaResolvers.data?.families.pageInfo.endCursor ?? null };
    };
    for (const answer of await identical(FAMILIES, afterFirst)) seen.add(answer);
    for (const answer of await identical(FAMILIES_FRAGMENTS, () => ({ first: 2 }))) seen.add(answer);
    expect(seen.has('FORBIDDEN')).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(4);
    // The author's pages do follow one another, one family each.
    const author = principals[0]![1] as string;
    const first = await paths.compiled.ok(author, FAMILIES, { first: 1 });
    const second = await paths.compiled.ok(author, FAMILIES, { first: 1, after: first.families.pageInfo.endCursor });
    expect(first.families.pageInfo.hasNextPage).toBe(true);
    expect(second.families.edges[0].node.id > first.families.edges[0].node.id).toBe(true);
  });

  it('myFamily: identical for each kind of principal', async () => {
    const seen = await identical(MY_FAMILY, () => ({}));
    expect([...seen]).toEqual(expect.arrayContaining(['FORBIDDEN']));
    expect([...seen].filter((answer) => answer.startsWith('portal:')).length).toBeGreaterThanOrEqual(2);
  });

  it('answers a bad cursor and a family that does not exist alike, writing no audit', async () => {
    const [, author] = principals[0]!;
    for (const [query, variables, code] of [
      [FAMILIES, { after: 'bm90LWEtY3Vyc29y' }, 'BAD_USER_INPUT'],
      [FAMILY, { id: randomUUID() }, 'NOT_FOUND'],
    ] as const) {
      const { viaCompiled, viaResolvers, audit } = await paths.both(author, query, variables);
      expect(viaCompiled).toEqual(viaResolvers);
      expect(viaCompiled.errors?.[0]?.extensions?.code).toBe(code);
      expect(audit).toEqual({ compiled: { records: [], families: [] }, resolvers: { records: [], families: [] } });
    }
  });

  it('takes the resolvers’ path for what it does not compile (contact details, the plan, consents), with the same answer', async () => {
    const [, author] = principals[0]!;
    const [, adult] = principals.find(([label]) => label === 'portal: adult parent')!;
    for (const [sender, query, variables] of [
      [author, `{ families(first: 5) { edges { node { id members { id email } } } } }`, {}],
      [author, `query($id: ID!) { family(id: $id) { id plan { id } members { id } } }`, { id: familyId }],
      [adult, `{ myFamily { me { id } family { id } consents { id } } }`, {}],
    ] as const) {
      const { viaCompiled, viaResolvers, statements, audit } = await paths.both(sender, query, variables);
      expect(viaCompiled.errors).toBeUndefined();
      expect(viaCompiled).toEqual(viaResolvers);
      expect(audit.compiled).toEqual(audit.resolvers);
      expect(statements).toBeGreaterThan(2);
    }
  });

  it('COMPILED_READS=false keeps the resolvers’ path: a statement per level', async () => {
    const [, author] = principals[0]!;
    const statements = await paths.resolvers.countStatements(() => paths.resolvers.ok(author as string, FAMILIES, { first: 50 }));
    expect(statements).toBeGreaterThan(2);
  });
});
