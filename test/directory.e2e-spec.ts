import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  AddMembershipDocument,
  ArchiveDirectoryServiceDocument,
  CreateDirectoryServiceDocument,
  type CreateDirectoryServiceInput,
  DirectoryServiceByIdDocument,
  RegisterIntegrationClientDetailsDocument,
  RemoveMembershipDocument,
  SearchServicesDocument,
  type SearchServicesQueryVariables,
  UpdateDirectoryServiceDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, queryText, TestApi } from './support/test-app.js';
import { type Agency, type Network, type Person, World } from './support/world.js';

/**
 * The service directory of a network (docs/directory.md): who manages it (coordinators: any service of the
 * network; agency admins: their own agency's), who reads it (every professional of the network, nobody
 * else), what it refuses (BAD_USER_INPUT naming the field, nothing changed), and the search (Dutch and
 * French full text, accents folded, trigram typos, filters, ranked cursor pages, bounded SQL).
 */
describe('service directory', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  let agencyA: Agency;
  let agencyB: Agency;
  let caseworker: Person;
  let volunteer: Person;
  let elsewhere: Network;
  let elsewhereAdmin: Person;
  let elsewhereWorker: Person;
  let portalLogin: string;
  let clientToken: string;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    network = await world.network();
    [agencyA, agencyB] = [await world.agency(network), await world.agency(network, 'VOLUNTEER_ORGANISATION')];
    caseworker = await world.staff(agencyA);
    volunteer = await world.staff(agencyA, 'VOLUNTEER');
    elsewhere = await world.network();
    const elsewhereAgency = await world.agency(elsewhere);
    elsewhereAdmin = elsewhereAgency.admin;
    elsewhereWorker = await world.staff(elsewhereAgency);
    const family = await world.family(caseworker);
    portalLogin = await world.portalLogin(caseworker, family.memberIds[0]!);
    const { registerIntegrationClient } = await api.ok(agencyA.admin.subject, RegisterIntegrationClientDetailsDocument, {
      input: { agencyId: agencyA.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'] },
    });
    const token = await request(api.app.getHttpServer())
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret });
    clientToken = (token.body as { access_token: string }).access_token;
  }, 180_000);
  afterAll(() => api.stop());

  const asClient = async (operation: Parameters<typeof queryText>[0], variables: Record<string, unknown>): Promise<GraphQLResult> =>
    (await request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${clientToken}`).send({ query: queryText(operation), variables }))
      .body as GraphQLResult;

  /** A complete service of an organisation outside the platform; `fields` replace what a test is about. */
  const service = (networkId: string, fields: Partial<CreateDirectoryServiceInput> = {}): CreateDirectoryServiceInput => ({
    networkId,
    externalOrganisation: 'Home-Start Gent',
    name: `Huisbezoek ${randomUUID()}`,
    description: 'Vrijwilligers bezoeken gezinnen met jonge kinderen thuis.',
    lifeDomains: ['PARENTING', 'SOCIAL_NETWORK'],
    eligibility: 'Gezinnen met minstens één kind jonger dan zes jaar.',
    minAgeMonths: -3,
    maxAgeMonths: 71,
    languages: ['nl', 'fr', 'en'],
    cost: 'FREE',
    streetAddress: 'Kortrijksesteenweg 1',
    postcode: '9000',
    municipality: 'Gent',
    openingHours: 'ma–vr 9–17 u, op afspraak',
    phone: '09 266 11 11',
    email: 'info@homestart.example',
    website: 'https://homestart.example/gent',
    accessibility: 'Rolstoeltoegankelijk',
    howToRefer: 'BY_CONTACT',
    ...fields,
  });

  const create = async (subject: string, input: CreateDirectoryServiceInput) => (await api.ok(subject, CreateDirectoryServiceDocument, { input })).createDirectoryService;

  /** The names the search answers, in its order (every page when `first` is small). */
  async function found(subject: string, variables: SearchServicesQueryVariables): Promise<string[]> {
    const names: string[] = [];
    let after: string | null = null;
    do {
      const { services }: { services: { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await api.ok(
        subject,
        SearchServicesDocument,
        { ...variables, after },
      );
      names.push(...services.edges.map((e) => e.node.name));
      after = services.pageInfo.hasNextPage ? services.pageInfo.endCursor : null;
    } while (after);
    return names;
  }

  const countOf = async (networkId: string) =>
    ((await db.query(`SELECT count(*)::int AS n FROM directory_service WHERE network_id = $1`, [networkId])) as { n: number }[])[0]!.n;

  describe('managing', () => {
    it('a coordinator adds services of any organisation, an agency admin only of its own agency', async () => {
      const external = await create(network.coordinator.subject, service(network.id));
      expect(external).toMatchObject({ externalOrganisation: 'Home-Start Gent', organisationName: 'Home-Start Gent', agency: null, howToRefer: 'BY_CONTACT' });
      const ofB = await create(network.coordinator.subject, service(network.id, { externalOrganisation: null, agencyId: agencyB.id, howToRefer: 'ON_PLATFORM' }));
      expect(ofB).toMatchObject({ agencyId: agencyB.id, agency: { id: agencyB.id }, externalOrganisation: null, howToRefer: 'ON_PLATFORM' });
      expect(ofB.organisationName).toBe(ofB.agency!.name);
      const own = await create(agencyA.admin.subject, service(network.id, { externalOrganisation: null, agencyId: agencyA.id, howToRefer: 'ON_PLATFORM' }));
      expect(own.agencyId).toBe(agencyA.id);

      const before = await countOf(network.id);
      for (const refused of [
        service(network.id, { externalOrganisation: null, agencyId: agencyB.id }),
        service(network.id),
      ]) {
        expect(codeOf(await api.gql(agencyA.admin.subject, CreateDirectoryServiceDocument, { input: refused }))).toBe('FORBIDDEN');
      }
      for (const subject of [caseworker.subject, volunteer.subject]) {
        expect(codeOf(await api.gql(subject, CreateDirectoryServiceDocument, { input: service(network.id) }))).toBe('FORBIDDEN');
      }
      // Another network's admin, its coordinator, a portal login and a partner system add nothing here.
      expect(codeOf(await api.gql(elsewhereAdmin.subject, CreateDirectoryServiceDocument, { input: service(network.id) }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(elsewhere.coordinator.subject, CreateDirectoryServiceDocument, { input: service(network.id) }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(portalLogin, CreateDirectoryServiceDocument, { input: service(network.id) }))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(CreateDirectoryServiceDocument, { input: service(network.id) }))).toBe('FORBIDDEN');
      expect(await countOf(network.id)).toBe(before);
    });

    it('every write is audited with its actor, in the same transaction', async () => {
      const made = await create(network.coordinator.subject, service(network.id));
      await api.ok(network.coordinator.subject, ArchiveDirectoryServiceDocument, { id: made.id });
      const rows: { action: string; actor_subject: string; legal_basis: string }[] = await db.query(
        `SELECT action, actor_subject, legal_basis FROM audit_event WHERE entity_type = 'directory_service' AND entity_id = $1 ORDER BY at`,
        [made.id],
      );
      expect(rows.map((r) => r.action)).toEqual(['INSERT', 'UPDATE']);
      expect(rows.every((r) => r.actor_subject.includes(network.coordinator.subject) && r.legal_basis === 'ADMINISTRATION')).toBe(true);
    });

    it('repeating a create with its idempotency key answers the first service, no second one', async () => {
      const input = service(network.id, { idempotencyKey: randomUUID() });
      const first = await create(network.coordinator.subject, input);
      const again = await create(network.coordinator.subject, input);
      expect(again.id).toBe(first.id);
      expect(await db.query(`SELECT id FROM directory_service WHERE name = $1`, [input.name])).toHaveLength(1);
    });

    it('updates and archives: the coordinator any service, an agency admin its own; an archived one is not found nor changed', async () => {
      const own = await create(agencyA.admin.subject, service(network.id, { externalOrganisation: null, agencyId: agencyA.id, howToRefer: 'ON_PLATFORM' }));
      const { id: _id, networkId: _n, ...fields } = { ...service(network.id, { externalOrganisation: null, agencyId: agencyA.id, howToRefer: 'ON_PLATFORM' }), id: own.id };
      const renamed = { ...fields, id: own.id, name: `Opvoedingswinkel ${randomUUID()}` };
      expect((await api.ok(agencyA.admin.subject, UpdateDirectoryServiceDocument, { input: renamed })).updateDirectoryService.name).toBe(renamed.name);

      // Agency B's admin may read it but not change it; it may not move it to its own agency either.
      expect(codeOf(await api.gql(agencyB.admin.subject, UpdateDirectoryServiceDocument, { input: { ...renamed, name: 'Kaping' } }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(agencyB.admin.subject, ArchiveDirectoryServiceDocument, { id: own.id }))).toBe('FORBIDDEN');
      // Agency A's admin may not hand its service to agency B.
      expect(codeOf(await api.gql(agencyA.admin.subject, UpdateDirectoryServiceDocument, { input: { ...renamed, agencyId: agencyB.id } }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(caseworker.subject, UpdateDirectoryServiceDocument, { input: { ...renamed, name: 'x' } }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(elsewhereAdmin.subject, ArchiveDirectoryServiceDocument, { id: own.id }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(elsewhere.coordinator.subject, UpdateDirectoryServiceDocument, { input: renamed }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(portalLogin, ArchiveDirectoryServiceDocument, { id: own.id }))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(ArchiveDirectoryServiceDocument, { id: own.id }))).toBe('FORBIDDEN');
      expect((await api.ok(caseworker.subject, DirectoryServiceByIdDocument, { id: own.id })).directoryService.name).toBe(renamed.name);

      // The coordinator archives it: the search no longer finds it, and it cannot be changed or archived again.
      expect(await found(caseworker.subject, { networkId: network.id, search: renamed.name })).toContain(renamed.name);
      expect((await api.ok(network.coordinator.subject, ArchiveDirectoryServiceDocument, { id: own.id })).archiveDirectoryService.archivedAt).not.toBeNull();
      expect(await found(caseworker.subject, { networkId: network.id, search: renamed.name })).not.toContain(renamed.name);
      const again = await api.gql(agencyA.admin.subject, UpdateDirectoryServiceDocument, { input: renamed });
      expect(codeOf(again)).toBe('INVALID_TRANSITION');
      expect(again.errors![0]!.extensions!.currentStatus).toBe('ARCHIVED');
      expect(codeOf(await api.gql(network.coordinator.subject, ArchiveDirectoryServiceDocument, { id: own.id }))).toBe('INVALID_TRANSITION');
      // Its name is free again for a new service of the agency.
      await create(agencyA.admin.subject, service(network.id, { externalOrganisation: null, agencyId: agencyA.id, name: renamed.name }));
    });
  });

  describe('reading', () => {
    let id: string;
    beforeAll(async () => {
      id = (await create(network.coordinator.subject, service(network.id, { name: `Babbelbox ${randomUUID()}` }))).id;
    });

    it('every professional of the network reads the directory and searches it', async () => {
      for (const subject of [caseworker.subject, volunteer.subject, agencyB.admin.subject, network.coordinator.subject]) {
        expect((await api.ok(subject, DirectoryServiceByIdDocument, { id })).directoryService.id).toBe(id);
        const { services } = await api.ok(subject, SearchServicesDocument, { networkId: network.id, first: 100 });
        expect(services.edges.map((e) => e.node.id)).toContain(id);
      }
    });

    it("another network's admin and caseworker find nothing; a portal login and a partner system may not ask", async () => {
      for (const subject of [elsewhereAdmin.subject, elsewhereWorker.subject, elsewhere.coordinator.subject]) {
        expect(codeOf(await api.gql(subject, DirectoryServiceByIdDocument, { id }))).toBe('NOT_FOUND');
        expect(codeOf(await api.gql(subject, SearchServicesDocument, { networkId: network.id }))).toBe('NOT_FOUND');
      }
      // Their own network's search does not show it either.
      const { services } = await api.ok(elsewhereWorker.subject, SearchServicesDocument, { networkId: elsewhere.id, first: 100 });
      expect(services.edges.map((e) => e.node.id)).not.toContain(id);
      expect(codeOf(await api.gql(portalLogin, DirectoryServiceByIdDocument, { id }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(portalLogin, SearchServicesDocument, { networkId: network.id }))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(DirectoryServiceByIdDocument, { id }))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(SearchServicesDocument, { networkId: network.id }))).toBe('FORBIDDEN');
    });

    it('a professional whose membership was just removed reads it no more', async () => {
      const subject = `leaving-${randomUUID()}@test`;
      const { addMembership } = await api.ok(agencyA.admin.subject, AddMembershipDocument, {
        input: { agencyId: agencyA.id, subject, displayName: 'Vertrekt', role: 'CASEWORKER' },
      });
      expect((await api.ok(subject, DirectoryServiceByIdDocument, { id })).directoryService.id).toBe(id);
      await api.ok(agencyA.admin.subject, RemoveMembershipDocument, { id: addMembership.id });
      expect(codeOf(await api.gql(subject, DirectoryServiceByIdDocument, { id }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(subject, SearchServicesDocument, { networkId: network.id }))).toBe('FORBIDDEN');
    });
  });

  describe('bad input: BAD_USER_INPUT naming the field, and nothing changes', () => {
    const refusals: [string, (networkId: string, agencyId: string, otherNetworkAgencyId: string) => Partial<CreateDirectoryServiceInput>, string][] = [
      ['an age range that ends before it starts', () => ({ minAgeMonths: 24, maxAgeMonths: 12 }), 'maxAgeMonths'],
      ['an age before pregnancy', () => ({ minAgeMonths: -10 }), 'minAgeMonths'],
      ['an age beyond 120 years', () => ({ maxAgeMonths: 1441 }), 'maxAgeMonths'],
      ['a malformed e-mail', () => ({ email: 'info@' }), 'email'],
      ['a malformed phone number', () => ({ phone: '12ab' }), 'phone'],
      ['a website that is no http(s) address', () => ({ website: 'javascript:alert(1)' }), 'website'],
      ['a postcode that is not Belgian', () => ({ postcode: '90000' }), 'postcode'],
      ['a language that is no language tag', () => ({ languages: ['Nederlands'] }), 'languages'],
      ['no life domain', () => ({ lifeDomains: [] }), 'lifeDomains'],
      ['both an agency and an external organisation', (_n, agencyId) => ({ agencyId }), 'externalOrganisation'],
      ['neither an agency nor an external organisation', () => ({ externalOrganisation: null }), 'externalOrganisation'],
      ['a referral on the platform to an organisation outside it', () => ({ howToRefer: 'ON_PLATFORM' }), 'howToRefer'],
      ['an agency of another network', (_n, _a, other) => ({ externalOrganisation: null, agencyId: other }), 'agencyId'],
      ['a blank name', () => ({ name: '   ' }), 'name'],
    ];

    it.each(refusals)('%s', async (_what, fields, field) => {
      const before = await countOf(network.id);
      const otherAgency = (await db.query(`SELECT id FROM agency WHERE network_id = $1 LIMIT 1`, [elsewhere.id]))[0].id as string;
      const result = await api.gql(network.coordinator.subject, CreateDirectoryServiceDocument, {
        input: service(network.id, fields(network.id, agencyA.id, otherAgency)),
      });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.extensions!.field).toBe(field);
      expect(await countOf(network.id)).toBe(before);
    });

    it('an unknown life domain is a GraphQL error and adds nothing', async () => {
      const before = await countOf(network.id);
      const result = await api.gql(network.coordinator.subject, CreateDirectoryServiceDocument, {
        input: service(network.id, { lifeDomains: ['ASTROLOGY' as never] }),
      });
      expect(codeOf(result)).not.toBe('OK');
      expect(codeOf(result)).not.toBe('INTERNAL_SERVER_ERROR');
      expect(await countOf(network.id)).toBe(before);
    });

    it('a second service of the same name for an organisation (case and accents aside), also when updating', async () => {
      const first = await create(network.coordinator.subject, service(network.id, { name: 'Café Combinne' }));
      const before = await countOf(network.id);
      const duplicate = await api.gql(network.coordinator.subject, CreateDirectoryServiceDocument, {
        input: service(network.id, { name: 'cafe combinne ' }),
      });
      expect(codeOf(duplicate)).toBe('BAD_USER_INPUT');
      expect(duplicate.errors![0]!.extensions!.field).toBe('name');
      expect(await countOf(network.id)).toBe(before);
      // Another organisation may have a service of that name.
      await create(network.coordinator.subject, service(network.id, { name: 'Café Combinne', externalOrganisation: 'Kind en Gezin' }));
      // Renaming another service to it is refused the same way.
      const other = await create(network.coordinator.subject, service(network.id));
      const { networkId: _n, ...fields } = service(network.id, { name: 'CAFÉ COMBINNE' });
      const renamed = await api.gql(network.coordinator.subject, UpdateDirectoryServiceDocument, { input: { ...fields, id: other.id } });
      expect(codeOf(renamed)).toBe('BAD_USER_INPUT');
      expect(renamed.errors![0]!.extensions!.field).toBe('name');
      expect((await api.ok(network.coordinator.subject, DirectoryServiceByIdDocument, { id: first.id })).directoryService.name).toBe('Café Combinne');
    });

    it('search arguments: an age, a postcode, a language or a cursor that cannot be', async () => {
      for (const [variables, field] of [
        [{ age: -10 }, 'age'],
        [{ postcode: '123' }, 'postcode'],
        [{ language: 'NL!' }, 'language'],
        [{ after: 'bm90IGEgY3Vyc29y' }, 'after'],
        [{ search: 'x'.repeat(201) }, 'search'],
      ] as const) {
        const result = await api.gql(caseworker.subject, SearchServicesDocument, { networkId: network.id, ...variables });
        expect(codeOf(result)).toBe('BAD_USER_INPUT');
        expect(result.errors![0]!.extensions!.field).toBe(field);
      }
    });
  });

  describe('search', () => {
    let searchNet: Network;
    let worker: Person;
    const add = (fields: Partial<CreateDirectoryServiceInput>) => create(searchNet.coordinator.subject, service(searchNet.id, fields));

    beforeAll(async () => {
      searchNet = await world.network();
      worker = await world.staff(await world.agency(searchNet));
      await add({
        name: 'Opvoedingsondersteuning',
        externalOrganisation: 'Opvoedingswinkel Gent',
        description: 'Vragen over opvoeding? Ouders krijgen tips en begeleiding.',
        lifeDomains: ['PARENTING'],
        minAgeMonths: 0,
        maxAgeMonths: 215,
        languages: ['nl'],
        postcode: '9000',
      });
      await add({
        name: 'Soutien à la parentalité',
        externalOrganisation: 'ONE Bruxelles',
        description: 'Accompagnement des parents et des futurs parents.',
        lifeDomains: ['PARENTING'],
        minAgeMonths: -9,
        maxAgeMonths: 36,
        languages: ['fr', 'nl-BE'],
        postcode: '1000',
      });
      await add({
        name: 'Kinderopvang De Speelvogel',
        externalOrganisation: 'Stad Gent',
        description: 'Opvang voor baby’s en peuters.',
        lifeDomains: ['CHILDCARE'],
        minAgeMonths: 3,
        maxAgeMonths: 36,
        languages: ['nl'],
        postcode: '9000',
      });
      await add({
        name: 'Huiswerkbegeleiding',
        externalOrganisation: 'Vzw Studiebrug',
        description: 'Hulp bij huiswerk voor lagereschoolkinderen.',
        lifeDomains: ['EDUCATION'],
        minAgeMonths: 72,
        maxAgeMonths: 144,
        languages: ['nl', 'ar'],
        postcode: '9040',
      });
    }, 120_000);

    const search = (variables: Omit<SearchServicesQueryVariables, 'networkId'>) => found(worker.subject, { networkId: searchNet.id, ...variables });

    it('Dutch: the word itself, and its beginning ("opvoeding" finds "opvoedingsondersteuning")', async () => {
      expect(await search({ search: 'opvoedingsondersteuning' })).toEqual(['Opvoedingsondersteuning']);
      expect(await search({ search: 'opvoeding' })).toEqual(['Opvoedingsondersteuning']);
      expect(await search({ search: 'Opvoedings' })).toEqual(['Opvoedingsondersteuning']);
      // A word of its description, inflected otherwise (begeleiding → begeleid…).
      expect(await search({ search: 'begeleid' })).toContain('Opvoedingsondersteuning');
    });

    it('French: stemmed and accents folded ("parentalite", "soutien parental")', async () => {
      expect(await search({ search: 'parentalite' })).toEqual(['Soutien à la parentalité']);
      expect(await search({ search: 'soutien parental' })).toEqual(['Soutien à la parentalité']);
      expect(await search({ search: 'Parentalité' })).toEqual(['Soutien à la parentalité']);
      expect(await search({ search: 'accompagner des parents' })).toEqual(['Soutien à la parentalité']);
    });

    it('any text searches without an error: quotes, tsquery operators, letters that fold into punctuation', async () => {
      // "ŉ" folds into "'n" (unaccent.rules), "℡" into "TEL": after folding, nothing may reach to_tsquery as syntax.
      for (const text of ["ŉa", "l'opvoeding", '&|!():*<>', "'", '\\', '℡ ㎏ ﬁ', 'ｏｐｖｏｅｄｉｎｇ', '🙂 opvoeding', 'a'.repeat(200), '   ', '-']) {
        const result = await api.gql(worker.subject, SearchServicesDocument, { networkId: searchNet.id, search: text });
        expect({ text, code: codeOf(result) }).toEqual({ text, code: 'OK' });
      }
      expect(await search({ search: 'ｏｐｖｏｅｄｉｎｇ' })).toContain('Opvoedingsondersteuning');
    });

    it('a name with a typo is found by its trigrams', async () => {
      expect(await search({ search: 'Kinderopvnag Speelvogel' })).toEqual(['Kinderopvang De Speelvogel']);
      expect(await search({ search: 'huiswerkbegleiding' })).toEqual(['Huiswerkbegeleiding']);
    });

    it('a renamed service is found by a typo of its new name, no more by its old one (the stored folded name follows)', async () => {
      const suffix = randomUUID().slice(0, 8);
      const input = service(searchNet.id, { name: `Taalcafé Babbel ${suffix}`, externalOrganisation: 'Bibliotheek Gent' });
      const { id } = await create(searchNet.coordinator.subject, input);
      const { networkId: _networkId, ...fields } = input;
      await api.ok(searchNet.coordinator.subject, UpdateDirectoryServiceDocument, { input: { ...fields, id, name: `Speelotheek Ravot ${suffix}` } });
      expect(await search({ search: `Speeloteek Ravot ${suffix}` })).toEqual([`Speelotheek Ravot ${suffix}`]);
      expect(await search({ search: `Taalcafe Babel ${suffix}` })).toEqual([]);
    });

    it('ranks a match on the name above a match in the description', async () => {
      const names = await search({ search: 'opvoeding' });
      await add({ name: `Babbelhoek ${randomUUID()}`, externalOrganisation: 'Huis van het Kind', description: 'Ook over opvoeding.', lifeDomains: ['SOCIAL_NETWORK'] });
      const ranked = await search({ search: 'opvoeding' });
      expect(ranked[0]).toBe(names[0]);
      expect(ranked).toHaveLength(2);
    });

    it('filters by life domain, age (also before birth), language and postcode', async () => {
      expect(await search({ lifeDomains: ['CHILDCARE', 'EDUCATION'] })).toEqual(expect.arrayContaining(['Kinderopvang De Speelvogel', 'Huiswerkbegeleiding']));
      expect((await search({ lifeDomains: ['CHILDCARE', 'EDUCATION'] })).length).toBe(2);
      // Six months before birth: only the service that starts at pregnancy.
      expect(await search({ age: -6 })).toEqual(['Soutien à la parentalité']);
      expect((await search({ age: 100 })).sort()).toEqual(['Huiswerkbegeleiding', 'Opvoedingsondersteuning'].sort());
      expect(await search({ language: 'ar' })).toEqual(['Huiswerkbegeleiding']);
      // "nl" finds a service that speaks "nl-BE" too.
      expect(await search({ language: 'nl', postcode: '1000' })).toEqual(['Soutien à la parentalité']);
      expect(await search({ postcode: '9040' })).toEqual(['Huiswerkbegeleiding']);
      expect(await search({ search: 'opvoeding', lifeDomains: ['EDUCATION'] })).toEqual([]);
    });

    it('pages through the results with cursors, each once, in the order of one page', async () => {
      const all = await search({ first: 100 });
      expect(all.length).toBeGreaterThanOrEqual(5);
      expect(await search({ first: 2 })).toEqual(all);
      const ranked = await search({ search: 'opvoeding ouders parents', first: 100 });
      expect(await search({ search: 'opvoeding ouders parents', first: 1 })).toEqual(ranked);
    });

    it('sends as many SQL statements on a directory ten times larger', async () => {
      const variables = { networkId: searchNet.id, search: 'opvoeding', lifeDomains: ['PARENTING' as const], first: 20 };
      const small = await api.countStatements(() => api.ok(worker.subject, SearchServicesDocument, variables));
      for (let i = 0; i < 30; i++) {
        await add({ name: `Opvoedingspunt ${i}`, agencyId: null, externalOrganisation: `Organisatie ${i}`, lifeDomains: ['PARENTING'] });
      }
      // Half of them offered by agencies of the network, whose names the search answers.
      const agency = await world.agency(searchNet);
      for (let i = 0; i < 10; i++) {
        await add({ name: `Opvoedingsteam ${i}`, externalOrganisation: null, agencyId: agency.id, howToRefer: 'ON_PLATFORM', lifeDomains: ['PARENTING'] });
      }
      const large = await api.countStatements(() => api.ok(worker.subject, SearchServicesDocument, variables));
      expect(large).toBe(small);
      expect((await api.ok(worker.subject, SearchServicesDocument, variables)).services.edges).toHaveLength(20);
    });
  });
});
