import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditActor, AuditedTransactions } from '../audit/audited-transactions.js';
import { newId } from '../common/ids.js';
import { DirectoryService } from './directory-service.entity.js';
import { checkFields, type FieldProblem } from './directory-rules.js';
import { columnsOf, sameService } from './directory.service.js';
import type { DirectoryServiceFields } from './dto/directory.inputs.js';

export type TransferFormat = 'csv' | 'json';

/** A problem of one record of a file: its line (CSV, the header being line 1) or its place in the list (JSON, from 1). */
export interface RecordProblem extends FieldProblem {
  record: string;
}

/** A record of a file, as the service's fields (unchecked) and where it stands in the file. */
interface FileRecord {
  record: string;
  /** A CSV line whose number of cells is not the header's: what is wrong with it. */
  cells?: string | null;
  values: Record<string, unknown>;
}

/** The CSV columns, named as the API's fields; lists (lifeDomains, languages) separated by ";". */
export const CSV_COLUMNS = [
  'agencyId', 'externalOrganisation', 'name', 'description', 'lifeDomains', 'eligibility', 'minAgeMonths', 'maxAgeMonths',
  'languages', 'cost', 'streetAddress', 'postcode', 'municipality', 'openingHours', 'phone', 'email', 'website',
  'accessibility', 'howToRefer',
] as const satisfies readonly (keyof DirectoryServiceFields)[];
const LIST_COLUMNS = new Set(['lifeDomains', 'languages']);
const NUMBER_COLUMNS = new Set(['minAgeMonths', 'maxAgeMonths']);

/** A CSV cell as the field's value: empty is absent, a list split on ";", a whole number as a number. */
function cellValue(column: string, cell: string): unknown {
  const text = cell.trim();
  if (text === '') return LIST_COLUMNS.has(column) ? [] : undefined;
  if (LIST_COLUMNS.has(column)) return text.split(';').map((item) => item.trim()).filter(Boolean);
  if (NUMBER_COLUMNS.has(column) && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

function csvRecords(text: string): FileRecord[] {
  const [header, ...rows] = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const columns = header?.record ?? [];
  const unknown = columns.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw new Error(`unknown columns: ${unknown.join(', ')} (columns: ${CSV_COLUMNS.join(', ')})`);
  return rows.map(({ record, info }) => ({
    record: `line ${info.lines}`,
    cells: record.length === columns.length ? null : `${record.length} cells where the header has ${columns.length}`,
    values: Object.fromEntries(columns.map((column, i) => [column, cellValue(column, record[i] ?? '')]).filter(([, v]) => v !== undefined)),
  }));
}

/**
 * An HSDS-style service (the Human Services Data Specification's names where it has one: organization,
 * eligibility_description, languages, phones, url, schedule description, location), with our own where it has
 * none (life_domains, minimum/maximum age in months, cost, how_to_refer).
 */
interface HsdsService {
  name?: unknown;
  description?: unknown;
  organization?: { agency_id?: unknown; name?: unknown };
  life_domains?: unknown;
  eligibility_description?: unknown;
  minimum_age_months?: unknown;
  maximum_age_months?: unknown;
  languages?: { code?: unknown }[];
  cost?: unknown;
  location?: { address_1?: unknown; postal_code?: unknown; city?: unknown; accessibility?: unknown };
  schedule?: { description?: unknown };
  phones?: { number?: unknown }[];
  email?: unknown;
  url?: unknown;
  how_to_refer?: unknown;
}

const defined = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));

function fromHsds(s: HsdsService): Record<string, unknown> {
  const organisationIsAgency = s.organization?.agency_id !== undefined && s.organization?.agency_id !== null;
  return defined({
    agencyId: s.organization?.agency_id,
    externalOrganisation: organisationIsAgency ? undefined : s.organization?.name,
    name: s.name,
    description: s.description,
    lifeDomains: s.life_domains,
    eligibility: s.eligibility_description,
    minAgeMonths: s.minimum_age_months,
    maxAgeMonths: s.maximum_age_months,
    languages: Array.isArray(s.languages) ? s.languages.map((l) => l?.code) : s.languages,
    cost: s.cost,
    streetAddress: s.location?.address_1,
    postcode: s.location?.postal_code,
    municipality: s.location?.city,
    accessibility: s.location?.accessibility,
    openingHours: s.schedule?.description,
    phone: Array.isArray(s.phones) ? s.phones[0]?.number : undefined,
    email: s.email,
    website: s.url,
    howToRefer: s.how_to_refer,
  });
}

function toHsds(service: DirectoryService, agencyName: string | null): HsdsService & { id: string } {
  return {
    id: service.id,
    name: service.name,
    description: service.description,
    organization: service.agencyId ? { agency_id: service.agencyId, name: agencyName } : { name: service.externalOrganisation },
    life_domains: service.lifeDomains,
    eligibility_description: service.eligibility,
    minimum_age_months: service.minAgeMonths,
    maximum_age_months: service.maxAgeMonths,
    languages: service.languages.map((code) => ({ code })),
    cost: service.cost,
    location: { address_1: service.streetAddress, postal_code: service.postcode, city: service.municipality, accessibility: service.accessibility },
    schedule: { description: service.openingHours },
    phones: service.phone ? [{ number: service.phone }] : [],
    email: service.email,
    url: service.website,
    how_to_refer: service.howToRefer,
  };
}

function jsonRecords(text: string): FileRecord[] {
  const document: unknown = JSON.parse(text);
  const services = Array.isArray(document) ? document : (document as { services?: unknown })?.services;
  if (!Array.isArray(services)) throw new Error('a JSON file holds a list of services, or an object with a list "services"');
  return services.map((s: unknown, i) => ({
    record: `service ${i + 1}`,
    values: s !== null && typeof s === 'object' && !Array.isArray(s) ? fromHsds(s as HsdsService) : { name: s },
  }));
}

/** The records of a file; a file that is no CSV or JSON at all throws, naming what is wrong. */
export function readRecords(text: string, format: TransferFormat): FileRecord[] {
  return format === 'csv' ? csvRecords(text) : jsonRecords(text);
}

/**
 * Import and export of a network's directory (`npm run directory`), for an operator. Every record is
 * validated as the API validates its input; a file with any bad record changes nothing, and every bad record
 * is reported with its field. A service of the same organisation and name is replaced, the others added.
 */
export class DirectoryTransfer {
  constructor(
    private readonly db: DataSource,
    private readonly tx: AuditedTransactions,
  ) {}

  async importFile(actor: AuditActor, networkId: string, text: string, format: TransferFormat): Promise<{ added: number; replaced: number; problems: RecordProblem[] }> {
    const records = readRecords(text, format);
    const checked = await Promise.all(
      records.map(async (r) => {
        const { fields, problems } = await checkFields(r.values);
        return { record: r.record, fields, problems: r.cells ? [{ field: 'cells', message: r.cells }, ...problems] : problems };
      }),
    );
    const problems: RecordProblem[] = checked.flatMap((c) => c.problems.map((p) => ({ record: c.record, ...p })));
    return this.tx.runAs(actor, 'ADMINISTRATION', async (em) => {
      problems.push(...(await this.networkProblems(em, networkId, checked.filter((c) => c.problems.length === 0))));
      if (problems.length) return { added: 0, replaced: 0, problems: sortedByRecord(problems, records) };
      let added = 0;
      const now = new Date();
      for (const { fields } of checked) {
        const existing = await sameService(em, networkId, fields);
        if (existing) await em.update(DirectoryService, { id: existing }, { ...columnsOf(fields), updatedAt: now });
        else {
          await em.insert(DirectoryService, { id: newId(), networkId, ...columnsOf(fields), archivedAt: null, createdAt: now, updatedAt: now });
          added++;
        }
      }
      return { added, replaced: checked.length - added, problems };
    });
  }

  /** What a valid record cannot say in this network: an agency of another, or the same service as an earlier record. */
  private async networkProblems(em: EntityManager, networkId: string, records: { record: string; fields: DirectoryServiceFields }[]): Promise<RecordProblem[]> {
    const [network] = await em.query(`SELECT 1 FROM network WHERE id = $1`, [networkId]);
    if (!network) throw new Error(`no network ${networkId}`);
    const agencies = new Set(((await em.query(`SELECT id FROM agency WHERE network_id = $1`, [networkId])) as { id: string }[]).map((r) => r.id));
    const keys: { key: string }[] = await em.query(
      `SELECT COALESCE(s.agency_id, directory_fold(s.organisation)) || '|' || directory_fold(s.name) AS key
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY s(agency_id, organisation, name, ord) ORDER BY s.ord`,
      [records.map((r) => r.fields.agencyId ?? null), records.map((r) => r.fields.externalOrganisation?.trim() ?? null), records.map((r) => r.fields.name.trim())],
    );
    const problems: RecordProblem[] = [];
    const first = new Map<string, string>();
    records.forEach(({ record, fields }, i) => {
      if (fields.agencyId && !agencies.has(fields.agencyId)) problems.push({ record, field: 'agencyId', message: 'agencyId must be an agency of the network' });
      const earlier = first.get(keys[i]!.key);
      if (earlier) problems.push({ record, field: 'name', message: `the same service of the same organisation as ${earlier}` });
      else first.set(keys[i]!.key, record);
    });
    return problems;
  }

  /** The network's services not archived, in the order they were added, as CSV or HSDS-style JSON. */
  async exportFile(networkId: string, format: TransferFormat): Promise<string> {
    const services = await this.db.manager
      .createQueryBuilder(DirectoryService, 'ds')
      .where('ds.network_id = :networkId AND ds.archived_at IS NULL', { networkId })
      .orderBy('ds.id')
      .getMany();
    if (format === 'csv') {
      const cell = (value: unknown) => (Array.isArray(value) ? value.join(';') : (value ?? ''));
      return stringify(
        services.map((s) => CSV_COLUMNS.map((column) => cell(s[column]))),
        { header: true, columns: [...CSV_COLUMNS] },
      );
    }
    const names = new Map(
      ((await this.db.query(`SELECT id, name FROM agency WHERE network_id = $1`, [networkId])) as { id: string; name: string }[]).map((a) => [a.id, a.name]),
    );
    return `${JSON.stringify({ network_id: networkId, services: services.map((s) => toHsds(s, s.agencyId ? (names.get(s.agencyId) ?? null) : null)) }, null, 2)}\n`;
  }
}

/** Problems in the order of the file's records, each record's own in the order found. */
function sortedByRecord(problems: RecordProblem[], records: FileRecord[]): RecordProblem[] {
  const place = new Map(records.map((r, i) => [r.record, i]));
  return problems.map((p, i) => ({ p, i })).sort((a, b) => place.get(a.p.record)! - place.get(b.p.record)! || a.i - b.i).map(({ p }) => p);
}
