import type { Caller } from '../auth/caller.decorator.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../policy/sql-scope.js';
import { fromClause, type OpenSubject, subjectSql, type PersonalSubject } from '../policy/subjects.js';
import { type AuditActor, auditActor } from './audited-transactions.js';
import { auditColumnsSql, levelsAuditSource, readAuditSql } from './read-audit.js';

/** A field of a compiled answer: a column of its node's table, or a date-time column (answered as a Date). */
export type ReadColumn = string | { dateTime: string };

/**
 * One level of a compiled read (a GraphQL object or list of objects): rows of a table under a row of the
 * level above, answered as JSON objects with `columns` and `children` under their GraphQL field names.
 * A personal subject's rows are filtered by the caller's read rule and audited as the reader audits them;
 * the rows of a table without personal data (a plan's team, a user's display name) are the parts of the
 * readable record above them, as the current path reads them.
 */
export interface ReadNode {
  /**
   * `ruled`: a subject without personal data read under its read rule, unaudited (a family); as a root
   * (ReadRoot) or as one object under a level. `parts`: only as a root (ReadRoot), see RecordParts.
   */
  from: { subject: PersonalSubject } | { table: string } | { ruled: OpenSubject } | { parts: RecordParts };
  /** Its rows: `column` equals the parent row's `parentColumn` (and `where`, over the node's alias, holds). */
  link: { column: string; parentColumn: string; where?: (alias: string) => string };
  /** One object (or null: the first row), else a list in id order (or by `order`, columns then id). */
  one: boolean;
  order?: readonly string[];
  columns: Record<string, ReadColumn>;
  children: Record<string, ReadNode>;
}

/**
 * The rows of a table that each name a personal record (of one of `subjects`, by `typeColumn` and
 * `idColumn`) and show part of it, as an inbox item shows a record's status: the root's `where` chooses
 * them, with the access rule (the caller's own rows, whose record it may see). Each row whose record the
 * caller may read is recorded as a read of that record under `entityType` (the reader's `through`), the rows
 * of every subject together with the statement's other reads: one entry per family, each subject's rows a level.
 */
export interface RecordParts {
  table: string;
  typeColumn: string;
  idColumn: string;
  subjects: readonly PersonalSubject[];
  entityType: string;
}

/** The alias of a RecordParts root's table in its condition. */
const PARTS_ALIAS = 'parts_row';

/**
 * A root of a compiled statement: the rows of `node` where `where` holds (SQL over the subject's alias; the
 * request's values added to `params`). Answered as the object or null (`one`), the list, or with `page` a page
 * (`pageOf`): `{ edges: [{ id, node }], more }`, the first `first` rows in id order after the row `after` (an id),
 * newest first with `descending`.
 */
export interface ReadRoot {
  node: ReadNode;
  where: (alias: string, params: SqlParams) => string;
  page?: { first: number; after: string | null; descending?: boolean };
}

/**
 * A root as a compiled statement takes it: its condition and page as SQL, every value of the request a
 * placeholder of `inputs` (rootSql). What varies between requests of one shape is in `inputs`, so that the
 * statement's text is the same for them (compiled-statements.ts caches it by this SQL).
 */
export interface RootSql {
  node: ReadNode;
  where: string;
  page?: { first: string; after: string | null; descending?: boolean };
}

/** `root` as a statement takes it: its condition over its subject's alias and its page, their values added to `inputs`. */
export function rootSql({ node, where, page }: ReadRoot, inputs: SqlParams): RootSql {
  const alias = 'ruled' in node.from ? subjectSql(node.from.ruled).alias : 'subject' in node.from ? subjectSql(node.from.subject).alias : 'parts' in node.from ? PARTS_ALIAS : null;
  if (!alias) throw new Error('A compiled read starts at a subject or at record parts');
  return {
    node,
    where: where(alias, inputs),
    ...(page && { page: { first: inputs.add(page.first), after: page.after === null ? null : inputs.add(page.after), descending: page.descending ?? false } }),
  };
}

/**
 * The compiled read of records and what is selected under them: ONE statement that filters every
 * personal subject by the caller's policy (the predicates scopeToSql generates from the same CASL rules as
 * the reader's other path), records the reading of all levels in one data-modifying CTE (readAuditSql, as the
 * other path records each of its statements: at most one entry per family for the whole request, the levels'
 * records its parts), and builds the answer as JSON. Each personal level is a materialized CTE (its rows are
 * both answered and audited); the levels without personal data are correlated subqueries.
 */
export class CompiledRead {
  private readonly params = new SqlParams();
  private readonly ctes: string[] = [];
  private readonly cteOf = new Map<ReadNode, string>();
  /** The personal levels (and record parts, per subject), audited together: level by level, each in id order. */
  private readonly audited: AuditedLevel[] = [];
  private aliases = 0;
  /**
   * With a remembered principal (Caller.principalCheck): the condition every root's and level's rows also meet,
   * its check evaluated once in the statement's first CTE, so that a changed principal reads and audits nothing.
   */
  private readonly checked: string = '';

  /** `actor`: who the audit entries name (compiled-statements.ts passes one whose request id it fills in per request). */
  constructor(
    private readonly caller: Caller,
    private readonly actor: AuditActor = auditActor(caller),
  ) {
    if (caller.principalCheck) {
      this.ctes.push(`principal_now AS MATERIALIZED (SELECT ${caller.principalCheck.sql((value) => this.params.add(value))} AS current)`);
      this.checked = ' AND (SELECT current FROM principal_now)';
    }
  }

  /**
   * ONE statement answering its roots as one JSON object, a property each (`plan`: a record; `myFamily`: the
   * member and her family; `families`, `referrals`: a page), all their personal levels audited together.
   */
  roots(roots: Record<string, RootSql>): { sql: string; params: Record<string, unknown> } {
    const answers = Object.entries(roots).map(([field, root]) => `'${field}', ${this.root(root)}`);
    this.recordReads();
    const withs = this.ctes.length > 0 ? `WITH ${this.ctes.join(',\n')}\n` : '';
    const select = `SELECT json_build_object(${answers.join(', ')}) AS answer`;
    if (!this.checked) return { sql: `${withs}${select}`, params: this.params.values };
    // With a remembered principal, also whether it still holds (`principal_current`: when false, nothing was read or audited).
    return {
      sql: `${withs}SELECT (SELECT current FROM principal_now) AS principal_current, q.answer FROM (SELECT 1) one LEFT JOIN (${select}) q ON TRUE`,
      params: this.params.values,
    };
  }

  /** A root's rows as a CTE (with a page, as `pageOf`), and its answer as SQL. */
  private root({ node, where, page }: RootSql): string {
    const rows = 'subject' in node.from ? this.personal(node, () => where, page) : this.unaudited(node, where, page);
    if (page) {
      return `json_build_object('edges', coalesce((SELECT json_agg(json_build_object('id', ${rows}.id, 'node', ${this.object(node, rows)}) ORDER BY ${rows}.id ${order(page)}) FROM ${rows}), '[]'::json),
        'more', (SELECT count(*) FROM ${rows}_ahead) > ${page.first})`;
    }
    return node.one
      ? `(SELECT ${this.object(node, rows)} FROM ${rows} ORDER BY ${rows}.id LIMIT 1)`
      : `coalesce((SELECT json_agg(${this.object(node, rows)} ORDER BY ${rows}.id) FROM ${rows}), '[]'::json)`;
  }

  /**
   * A root's rows that are not themselves audited: a subject without personal data under its read rule, or
   * record parts as `where` chose them (their records' reads audited by partsRead); then the personal levels below.
   */
  private unaudited(node: ReadNode, where: string, page: RootSql['page']): string {
    const { from } = node;
    if (!('ruled' in from || 'parts' in from)) throw new Error('A compiled root reads a subject or record parts');
    const rows = `r${this.aliases++}`;
    const [source, alias, rule] =
      'ruled' in from
        ? [fromClause(from.ruled), subjectSql(from.ruled).alias, scopeToSql(this.caller.ability, 'read', from.ruled, this.params)]
        : [`${from.parts.table} ${PARTS_ALIAS}`, PARTS_ALIAS, 'TRUE'];
    const paged = pageOf(rows, alias, page);
    this.ctes.push(`${paged.name} AS MATERIALIZED (
      SELECT ${alias}.* FROM ${source}
       WHERE ${where}${paged.after}${this.checked} AND ${rule}${paged.limit})`);
    if (paged.page) this.ctes.push(paged.page);
    if ('parts' in from) this.partsRead(from.parts, rows);
    this.personalBelow(node, rows);
    return rows;
  }

  /**
   * The rows of `rows` (record parts, RecordParts) recorded as reads of the records they name: per subject a
   * level of the statement's audit, the rows whose record the caller may read (the read rule again: a row
   * shown by another rule, such as a referral's `notice`, showed none of it), in id order, with the record's
   * audit columns and the row's id, as the reader records a read `through` them.
   */
  private partsRead(parts: RecordParts, rows: string): void {
    const part = `${rows}_p`;
    for (const subject of parts.subjects) {
      const def = subjectSql(subject);
      const audit = auditColumnsSql(this.caller, subject, this.params, { entityId: `${part}.id`, contentRight: withRecordRights(subject)[0] });
      this.audited.push({
        entityType: parts.entityType,
        relation: `(SELECT ${Object.entries(audit).map(([column, sql]) => `(${sql}) AS ${column}`).join(', ')},
               row_number() OVER (ORDER BY ${part}.id) AS audit_row
          FROM ${rows} ${part}, ${fromClause(subject)}
         WHERE ${part}.${parts.typeColumn} = ${this.params.add(subject)} AND ${def.alias}.id = ${part}.${parts.idColumn}
           AND ${scopeToSql(this.caller.ability, 'read', subject, this.params)})`,
      });
    }
  }

  /** The read audit of the statement, as its last CTEs: every level's reads together, at most one entry per family. */
  private recordReads(): void {
    const param = (value: unknown) => this.params.add(value);
    if (this.audited.length > 0) this.ctes.push(readAuditSql(levelsAuditSource(this.audited, param), this.actor, param));
  }

  /**
   * A personal level as a CTE with its audit columns, and its rows among the audit's; then the personal levels
   * below it. With `page` (a root's), as `pageOf`: only the page's rows are answered, audited and read below.
   */
  private personal(node: ReadNode, where: (alias: string) => string, page?: RootSql['page']): string {
    if (!('subject' in node.from)) throw new Error('A compiled read starts at a personal subject');
    const { subject } = node.from;
    const def = subjectSql(subject);
    const name = `c${this.cteOf.size}`;
    this.cteOf.set(node, name);
    const paged = pageOf(name, def.alias, page);
    // The field-level rights decided with the record, as a boolean column each (as the reader's other path
    // decides them); the first decides the audit (auditColumnsSql). A right read apart never comes with the record.
    const withRecord = withRecordRights(subject);
    const rights = withRecord.map((right) => `(${scopeToSql(this.caller.ability, right, subject, this.params)}) AS ${rightColumn(right)}`);
    const audit = Object.entries(auditColumnsSql(this.caller, subject, this.params, { entityId: `${def.alias}.id`, contentRight: withRecord[0] }));
    const linked = node.link.where ? ` AND ${node.link.where(def.alias)}` : '';
    this.ctes.push(`${paged.name} AS MATERIALIZED (
      SELECT ${def.alias}.*, ${[...rights, ...audit.map(([column, sql]) => `(${sql}) AS ${column}`)].join(', ')},
             row_number() OVER (ORDER BY ${def.alias}.id) AS audit_row
        FROM ${fromClause(subject)}
       WHERE ${where(def.alias)}${linked}${paged.after}${this.checked} AND ${scopeToSql(this.caller.ability, 'read', subject, this.params)}${paged.limit})`);
    if (paged.page) this.ctes.push(paged.page);
    this.audited.push({ entityType: subject, relation: name });
    this.personalBelow(node, name);
    return name;
  }

  /** The personal levels under `node`, whose rows are the relation `name`. */
  private personalBelow(node: ReadNode, name: string): void {
    for (const child of Object.values(node.children)) {
      if ('subject' in child.from) {
        // `= ANY(ARRAY(…))`, not `IN (…)`: the statement stays prepared (database/prepared-statements.ts), and an index probe per id.
        this.personal(child, (alias) => `${alias}.${child.link.column} = ANY(ARRAY(SELECT ${name}.${child.link.parentColumn} FROM ${name}))`);
      }
    }
  }

  /**
   * The JSON object of a row of `node` under the alias `row`. `guarded`: SQL, per field, of the field-level
   * right that must hold for the field to show (null otherwise) — the record's own fields, or those of a part
   * of it (fieldRights' `fields` and `parts`, subjects.ts; what withholdFields and withheldParts withhold).
   */
  private object(node: ReadNode, row: string, guarded: Record<string, string> = {}): string {
    const own = 'subject' in node.from ? fieldGuards(node.from.subject, row) : undefined;
    const guards = { ...guarded, ...own?.fields };
    const columns = Object.entries(node.columns).map(([field, column]) => {
      const value = typeof column === 'string' ? `${row}.${column}` : `floor(extract(epoch FROM ${row}.${column.dateTime}) * 1000)`;
      return `'${field}', ${guards[field] ? `CASE WHEN ${guards[field]} THEN ${value} END` : value}`;
    });
    const children = Object.entries(node.children).map(([field, child]) => `'${field}', ${this.child(child, row, own?.parts[field])}`);
    return `json_build_object(${[...columns, ...children].join(', ')})`;
  }

  /** The object or list of `node` under the parent row `parent`, as a subquery (`guarded` as for `object`). */
  private child(node: ReadNode, parent: string, guarded?: Record<string, string>): string {
    const cte = this.cteOf.get(node);
    if (!cte && 'subject' in node.from) throw new Error('A personal level of a compiled read hangs under another personal level');
    if ('parts' in node.from || ('ruled' in node.from && !node.one)) throw new Error('Record parts are a root, a ruled subject one object under a level');
    // A ruled subject under its alias and read rule (the family an inbox item concerns, when the caller may read it).
    const ruled = 'ruled' in node.from ? node.from.ruled : null;
    const alias = cte ?? (ruled ? subjectSql(ruled).alias : `x${this.aliases++}`);
    const from = cte ?? (ruled ? fromClause(ruled) : `${(node.from as { table: string }).table} ${alias}`);
    const where = [`${alias}.${node.link.column} = ${parent}.${node.link.parentColumn}`];
    if (ruled) where.push(scopeToSql(this.caller.ability, 'read', ruled, this.params));
    // A personal level's CTE applied `where` already.
    if (!cte && node.link.where) where.push(node.link.where(alias));
    const order = [...(node.order ?? []), 'id'].map((column) => `${alias}.${column}`).join(', ');
    const value = node.one
      ? `${this.object(node, alias, guarded)}`
      : `coalesce(json_agg(${this.object(node, alias, guarded)} ORDER BY ${order}), '[]'::json)`;
    return `(SELECT ${value} FROM ${from} WHERE ${where.join(' AND ')}${node.one ? ` ORDER BY ${order} LIMIT 1` : ''})`;
  }
}

/** A level audited with others by one readAuditSql (levelsAuditSource). */
interface AuditedLevel {
  entityType: string;
  relation: string;
}

/** The field-level rights of `subject` decided with the record (subjects.ts, `fieldRights`); the first decides the audit. */
const withRecordRights = (subject: PersonalSubject) =>
  Object.entries(subjectSql(subject).fieldRights ?? {}).filter(([, right]) => right.decided === 'withRecord').map(([right]) => right as PolicyAction);

/** The column of a compiled level's CTE that tells, per row, whether a field-level right decided with the record holds. */
const rightColumn = (right: string) => `allowed_${right}`;

/**
 * The field-level rights of `subject` (subjects.ts, `fieldRights`) as SQL over its row `row`: per guarded
 * field, the condition under which it shows — a right decided with the record holds for the row, a right
 * read apart never comes with it — and the same per part (a GraphQL field of the record) and its fields.
 */
function fieldGuards(subject: PersonalSubject, row: string): { fields: Record<string, string>; parts: Record<string, Record<string, string>> } {
  const fields: Record<string, string> = {};
  const parts: Record<string, Record<string, string>> = {};
  for (const [right, declared] of Object.entries(subjectSql(subject).fieldRights ?? {})) {
    const holds = declared.decided === 'withRecord' ? `${row}.${rightColumn(right)}` : 'FALSE';
    // A field that several rights guard shows only where all of them hold.
    const guard = (into: Record<string, string>, field: string) => (into[field] = into[field] ? `${into[field]} AND ${holds}` : holds);
    for (const field of declared.fields) guard(fields, field);
    for (const [part, guarded] of Object.entries(declared.parts ?? {})) for (const field of guarded) guard((parts[part] ??= {}), field);
  }
  return { fields, parts };
}

/** The direction of a page: id order, or newest first. */
const order = (page: RootSql['page']) => (page?.descending ? 'DESC' : 'ASC');

/**
 * The one way a compiled root is paged, whatever its subject: its rows in id order (or newest first) after the row `after`,
 * `first` of them and one more to tell whether another page follows (the relation `<name>_ahead`, the rows'
 * CTE), and the page itself (the relation `name`): the row beyond the page is neither answered nor audited nor
 * read below. Without a page, the rows' CTE is `name`. `after` and `first` are SQL (RootSql.page).
 */
function pageOf(name: string, alias: string, page: RootSql['page']): { name: string; after: string; limit: string; page: string | null } {
  if (!page) return { name, after: '', limit: '', page: null };
  return {
    name: `${name}_ahead`,
    after: page.after ? ` AND ${alias}.id ${page.descending ? '<' : '>'} ${page.after}` : '',
    limit: `\n       ORDER BY ${alias}.id ${order(page)} LIMIT ${page.first} + 1`,
    page: `${name} AS MATERIALIZED (SELECT * FROM ${name}_ahead ORDER BY id ${order(page)} LIMIT ${page.first})`,
  };
}

/** A root's answer (`CompiledRead.roots`) as GraphQL's resolvers take it: its date-time columns as Dates. */
export function rootWithDates(root: { node: ReadNode; page?: object }, answer: unknown): unknown {
  if (root.page) {
    for (const edge of (answer as { edges: { node: Record<string, unknown> }[] }).edges) withDates(root.node, edge.node);
  } else if (Array.isArray(answer)) answer.forEach((row: Record<string, unknown>) => withDates(root.node, row));
  else withDates(root.node, answer as Record<string, unknown> | null);
  return answer;
}

/** The answer as GraphQL's resolvers take it: the date-time columns as Dates (JSON carries them as epoch milliseconds). */
export function withDates(node: ReadNode, answer: Record<string, unknown> | null): Record<string, unknown> | null {
  if (answer === null) return null;
  for (const [field, column] of Object.entries(node.columns)) {
    if (typeof column !== 'string' && answer[field] !== null) answer[field] = new Date(answer[field] as number);
  }
  for (const [field, child] of Object.entries(node.children)) {
    const value = answer[field] as Record<string, unknown> | Record<string, unknown>[] | null;
    if (Array.isArray(value)) value.forEach((row) => withDates(child, row));
    else withDates(child, value);
  }
  return answer;
}
