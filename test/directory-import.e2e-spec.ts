import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SearchServicesDocument } from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { type Agency, type Network, type Person, World } from './support/world.js';

/**
 * `npm run directory -- import FILE` / `export` (docs/directory.md): the compiled command, as an operator runs
 * it, against the test database. A file is validated record by record as the API validates its input; a bad
 * file changes nothing and every bad record is listed with its field.
 */
// Each test runs the command as a process of its own two to four times (about 0.6 s of CPU each, many seconds each on a
// loaded machine, where 30 s for the test ran out in a clean-clone run).
jest.setTimeout(120_000);

describe('directory import and export: npm run directory', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  let agency: Agency;
  let worker: Person;
  let elsewhere: Network;
  const folder = mkdtempSync(join(tmpdir(), 'directory-'));

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    network = await world.network();
    agency = await world.agency(network);
    worker = await world.staff(agency);
    elsewhere = await world.network();
  }, 120_000);
  afterAll(() => api.stop());

  const run = (args: string[]) =>
    new Promise<{ failed: boolean; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['dist/src/cli/directory.js', ...args],
        { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ failed: error !== null, stdout, stderr }),
      );
    });

  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  const rowsOf = async (networkId: string) =>
    (await db.query(`SELECT name, external_organisation, agency_id, languages, min_age_months, email FROM directory_service WHERE network_id = $1 ORDER BY name`, [
      networkId,
    ])) as { name: string; external_organisation: string | null; agency_id: string | null; languages: string[]; min_age_months: number | null; email: string | null }[];

  const HEADER = 'agencyId,externalOrganisation,name,description,lifeDomains,eligibility,minAgeMonths,maxAgeMonths,languages,cost,streetAddress,postcode,municipality,openingHours,phone,email,website,accessibility,howToRefer';
  const goodCsv = () =>
    [
      HEADER,
      `,Home-Start Gent,Huisbezoek door vrijwilligers,"Een vrijwilliger komt wekelijks langs, met koffie.",PARENTING;SOCIAL_NETWORK,Gezinnen met een kind onder zes,-3,71,nl;fr,FREE,Kortrijksesteenweg 1,9000,Gent,"ma–vr 9–17 u",09 266 11 11,info@homestart.example,https://homestart.example,Rolstoel,BY_CONTACT`,
      `${agency.id},,Opvoedingsondersteuning,Vragen over opvoeding,PARENTING,,0,215,nl,REDUCED_UITPAS,,9040,Sint-Amandsberg,,,,,,ON_PLATFORM`,
      `,Ligue des familles,Soutien à la parentalité,Accompagnement des parents,PARENTING,,-9,36,fr;nl-BE,PAID,,1000,Bruxelles,,,,,,BY_CONTACT`,
    ].join('\n');

  it('imports a CSV file: every record added, the network searches them, the writes audited as the command', async () => {
    const result = await run(['import', file('good.csv', goodCsv()), '--network', network.id]);
    expect(result).toMatchObject({ failed: false, stderr: '' });
    expect(result.stdout).toContain('3 added, 0 replaced');
    const rows = await rowsOf(network.id);
    expect(rows.map((r) => r.name)).toEqual(['Huisbezoek door vrijwilligers', 'Opvoedingsondersteuning', 'Soutien à la parentalité']);
    expect(rows[0]).toMatchObject({ external_organisation: 'Home-Start Gent', agency_id: null, languages: ['nl', 'fr'], min_age_months: -3, email: 'info@homestart.example' });
    expect(rows[1]).toMatchObject({ agency_id: agency.id, external_organisation: null });
    const { services } = await api.ok(worker.subject, SearchServicesDocument, { networkId: network.id, search: 'parentalite' });
    expect(services.edges.map((e) => e.node.name)).toEqual(['Soutien à la parentalité']);
    const audited: { actor_subject: string; action: string }[] = await db.query(
      `SELECT DISTINCT actor_subject, action FROM audit_event WHERE entity_type = 'directory_service'
         AND entity_id IN (SELECT id FROM directory_service WHERE network_id = $1)`,
      [network.id],
    );
    expect(audited).toEqual([{ actor_subject: 'system:directory-import', action: 'INSERT' }]);

    // The same file again replaces each service (same organisation and name), adding none.
    const again = await run(['import', file('again.csv', goodCsv().replace('info@homestart.example', 'gent@homestart.example')), '--network', network.id]);
    expect(again.stdout).toContain('0 added, 3 replaced');
    expect((await rowsOf(network.id)).map((r) => r.email)).toEqual(['gent@homestart.example', null, null]);
  });

  it('a bad CSV file changes nothing and lists every bad line with its field', async () => {
    const other = await world.agency(elsewhere);
    const before = await rowsOf(network.id);
    const lines = [
      HEADER,
      `,Vzw Goed,Een goede dienst,,EDUCATION,,,,nl,FREE,,,,,,,,,BY_CONTACT`,
      `,Vzw Mail,Slechte mail,,EDUCATION,,,,nl,FREE,,,,,,info@,,,BY_CONTACT`,
      `,Vzw Leeftijd,Onmogelijke leeftijd,,EDUCATION,,36,12,nl,FREE,,,,,,,,,BY_CONTACT`,
      `,Vzw Domein,Onbekend domein,,ASTROLOGY,,,,nl,FREE,,,,,,,,,BY_CONTACT`,
      `${other.id},,Dienst van elders,,EDUCATION,,,,nl,FREE,,,,,,,,,ON_PLATFORM`,
      `,vzw goed,EEN GOEDE DIENST,,EDUCATION,,,,nl,FREE,,,,,,,,,BY_CONTACT`,
      `,Vzw Post,Slechte postcode en website,,EDUCATION,,,,nl,FREE,,123,,,,,ftp://x,,BY_CONTACT`,
      `,,Geen organisatie,,EDUCATION,,,,nl,FREE,,,,,,,,,ON_PLATFORM`,
      `,Vzw Kort,Te weinig cellen,,EDUCATION,,,,nl,FREE`,
    ];
    const result = await run(['import', file('bad.csv', lines.join('\n')), '--network', network.id]);
    expect(result.failed).toBe(true);
    const reported = result.stderr.split('\n').filter((l) => l.startsWith('line '));
    expect(reported.map((l) => l.split(':').slice(0, 2).join(':'))).toEqual([
      'line 3: email',
      'line 4: maxAgeMonths',
      'line 5: lifeDomains',
      'line 6: agencyId',
      'line 7: name',
      'line 8: postcode',
      'line 8: website',
      'line 9: externalOrganisation',
      'line 9: howToRefer',
      'line 10: cells',
      'line 10: howToRefer',
    ]);
    expect(reported[4]).toContain('line 2');
    expect(result.stderr).toContain('nothing was imported');
    expect(await rowsOf(network.id)).toEqual(before);
  });

  it('imports HSDS-style JSON, and refuses a bad record of it the same way', async () => {
    const target = await world.network();
    const services = [
      {
        name: 'Babbelbox',
        description: 'Ontmoeting voor ouders met baby’s.',
        organization: { name: 'Huis van het Kind Gent' },
        life_domains: ['SOCIAL_NETWORK'],
        minimum_age_months: -9,
        maximum_age_months: 12,
        languages: [{ code: 'nl' }, { code: 'tr' }],
        cost: 'FREE',
        location: { address_1: 'Sleepstraat 1', postal_code: '9000', city: 'Gent', accessibility: 'Gelijkvloers' },
        schedule: { description: 'dinsdag 9–11 u' },
        phones: [{ number: '09 266 11 11' }],
        url: 'https://huisvanhetkind.example',
        how_to_refer: 'BY_CONTACT',
      },
      { name: 'Kapotte site', organization: { name: 'X' }, life_domains: ['LEISURE'], cost: 'FREE', url: 'not a url', how_to_refer: 'BY_CONTACT' },
    ];
    const bad = await run(['import', file('bad.json', JSON.stringify({ services })), '--network', target.id]);
    expect(bad.failed).toBe(true);
    expect(bad.stderr).toContain('service 2: website:');
    expect(await rowsOf(target.id)).toEqual([]);

    const good = await run(['import', file('good.json', JSON.stringify({ services: [services[0]] })), '--network', target.id]);
    expect(good).toMatchObject({ failed: false, stderr: '' });
    expect(await rowsOf(target.id)).toEqual([
      { name: 'Babbelbox', external_organisation: 'Huis van het Kind Gent', agency_id: null, languages: ['nl', 'tr'], min_age_months: -9, email: null },
    ]);
  });

  it('exports CSV and HSDS-style JSON that import again as they were', async () => {
    const source = await world.network();
    expect((await run(['import', file('source.csv', goodCsv().split('\n').filter((l) => !l.startsWith(agency.id)).join('\n')), '--network', source.id])).failed).toBe(false);
    const csv = await run(['export', '--network', source.id]);
    expect(csv.failed).toBe(false);
    expect(csv.stdout.split('\n')[0]).toBe(HEADER);
    const json = await run(['export', '--network', source.id, '--format', 'json']);
    const exported = JSON.parse(json.stdout) as { services: { organization: { name: string }; languages: { code: string }[] }[] };
    expect(exported.services.map((s) => s.organization.name)).toEqual(['Home-Start Gent', 'Ligue des familles']);
    expect(exported.services[0]!.languages).toEqual([{ code: 'nl' }, { code: 'fr' }]);

    for (const [name, text] of [['copy.csv', csv.stdout], ['copy.json', json.stdout]]) {
      const copy = await world.network();
      expect((await run(['import', file(name, text), '--network', copy.id])).failed).toBe(false);
      expect(await rowsOf(copy.id)).toEqual(await rowsOf(source.id));
    }
  });

  it('refuses a file that is no CSV of these columns, and an unknown network, changing nothing', async () => {
    const unknownColumn = await run(['import', file('columns.csv', 'naam,kost\nx,y\n'), '--network', network.id]);
    expect(unknownColumn.failed).toBe(true);
    expect(unknownColumn.stderr).toContain('unknown columns: naam, kost');
    const notJson = await run(['import', file('broken.json', '{"services": ['), '--network', network.id]);
    expect(notJson.failed).toBe(true);
    const noNetwork = await run(['import', file('good2.csv', goodCsv()), '--network', '00000000-0000-4000-8000-000000000000']);
    expect(noNetwork.failed).toBe(true);
    expect(noNetwork.stderr).toContain('no network');
  });
});
