import type { Caller } from '../auth/caller.decorator.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../policy/sql-scope.js';
import { fromClause, type OpenSubject, subjectSql, type PersonalSubject } from '../policy/subjects.js';
import { auditActor } from './audited-transactions.js';
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
  /** `ruled`: a subject without personal data read under its read rule, unaudited (a family); only as a root (ReadRoot). */
  from: { subject: PersonalSubject } | { table: string } | { ruled: OpenSubject };
  /** Its rows: `column` equals the parent row's `parentColumn` (and `where`, over the node's alias, holds). */
  link: { column: string; parentColumn: string; where?: (alias: string) => string };
  /** One object (or null: the first row), else a list in id order (or by `order`, columns then id). */
  one: boolean;
  order?: readonly string[];
  columns: Record<string, ReadColumn>;
  children: Record<string, ReadNode>;
}

/**
 * A root of a statement of several (`CompiledRead.roots`): the rows of `node` where `where` holds (over its
 * alias; its values added to `params`). Answered as the object or null (`one`), the list, or with `page` the
 * page after the row `after` in id order: `{ edges: [{ id, node }], more }` (`more`: a row follows the page).
 */
export interface ReadRoot {
  node: ReadNode;
  where: (alias: string, params: SqlParams) => string;
  page?: { first: number; after: string | null };
}

/**
 * The compiled read of one record and what is selected under it: ONE statement that filters every
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
  /** The personal levels, audited together: level by level, each in id order. */
  private readonly audited: { entityType: string; relation: string }[] = [];
  private aliases = 0;
  /**
   * With a remembered principal (Caller.principalCheck): the condition every level's rows also meet, its
   * check evaluated once in the statement's first CTE, so that a changed principal reads and audits nothing.
   */
  private readonly checked: string = '';

  constructor(private readonly caller: Caller) {
    if (caller.principalCheck) {
      this.ctes.push(`principal_now AS MATERIALIZED (SELECT ${caller.principalCheck.sql((value) => this.params.add(value))} AS current)`);
      this.checked = ' AND (SELECT current FROM principal_now)';
    }
  }

  /**
   * The statement's answer `select` (one column, `answer`), and with a remembered principal whether it still
   * holds (`principal_current`: when false, the answer is empty and nothing was audited).
   */
  private finish(select: string): string {
    const withs = this.ctes.length > 0 ? `WITH ${this.ctes.join(',\n')}\n` : '';
    if (!this.checked) return `${withs}${select}`;
    return `${withs}SELECT (SELECT current FROM principal_now) AS principal_current, q.answer FROM (SELECT 1) one LEFT JOIN (${select}) q ON TRUE`;
  }

  /** The statement for `root`, a personal subject's record by id, and its parameters (TypeORM's `:name`s). */
  statement(root: ReadNode, id: string | null): { sql: string; params: Record<string, unknown> } {
    const cte = this.personal(root, (alias) => `${alias}.id = ${this.params.add(id)}`);
    const param = (value: unknown) => this.params.add(value);
    this.ctes.push(readAuditSql(levelsAuditSource(this.audited, param), auditActor(this.caller), param));
    return { sql: this.finish(`SELECT ${this.object(root, cte)} AS answer FROM ${cte}`), params: this.params.values };
  }

  /**
   * The statement for a page of `root`'s records (a personal subject's, in id order): those `where` keeps
   * (SQL over the subject's alias; `param` adds a value), `pageSize` of them and one more to tell whether
   * another page follows. It answers `{ nodes, more }`; the row beyond the page is not read by anyone and
   * not audited (as the reader's `pageSize`).
   */
  pageStatement(
    root: ReadNode,
    where: (alias: string, param: (value: unknown) => string) => string,
    pageSize: number,
  ): { sql: string; params: Record<string, unknown> } {
    const param = (value: unknown) => this.params.add(value);
    const size = param(pageSize);
    const cte = this.personal(root, (alias) => where(alias, param), size);
    this.ctes.push(readAuditSql(levelsAuditSource(this.audited, param), auditActor(this.caller), param));
    const answer = `json_build_object('nodes', coalesce(json_agg(${this.object(root, cte)} ORDER BY ${cte}.id) FILTER (WHERE ${cte}.audit_row <= ${size}), '[]'::json),
      'more', count(*) > ${size})`;
    return { sql: this.finish(`SELECT ${answer} AS answer FROM ${cte}`), params: this.params.values };
  }

  /**
   * A personal level as a CTE with its audit columns, and its rows among the audit's; then the personal levels
   * below it. With `pageSize` (SQL), the first of its rows in id order and one more, the audit only of the first.
   */
  private personal(node: ReadNode, where: (alias: string) => string, pageSize?: string): string {
    if (!('subject' in node.from)) throw new Error('A compiled read starts at a personal subject');
    const { subject } = node.from;
    const def = subjectSql(subject);
    const name = `c${this.cteOf.size}`;
    this.cteOf.set(node, name);
    // The field-level rights decided with the record, as a boolean column each (as the reader's other path
    // decides them); the first decides the audit (auditColumnsSql). A right read apart never comes with the record.
    const withRecord = Object.entries(def.fieldRights ?? {}).filter(([, right]) => right.decided === 'withRecord').map(([right]) => right as PolicyAction);
    const rights = withRecord.map((right) => `(${scopeToSql(this.caller.ability, right, subject, this.params)}) AS ${rightColumn(right)}`);
    const audit = Object.entries(auditColumnsSql(this.caller, subject, this.params, { entityId: `${def.alias}.id`, contentRight: withRecord[0] }));
    const linked = node.link.where ? ` AND ${node.link.where(def.alias)}` : '';
    this.ctes.push(`${name} AS MATERIALIZED (
      SELECT ${def.alias}.*, ${[...rights, ...audit.map(([column, sql]) => `(${sql}) AS ${column}`)].join(', ')},
             row_number() OVER (ORDER BY ${def.alias}.id) AS audit_row
        FROM ${fromClause(subject)}
       WHERE ${where(def.alias)}${linked}${this.checked} AND ${scopeToSql(this.caller.ability, 'read', subject, this.params)}${
         pageSize ? `\n       ORDER BY ${def.alias}.id LIMIT ${pageSize} + 1` : ''})`);
    this.audited.push({ entityType: subject, relation: pageSize ? `(SELECT * FROM ${name} WHERE audit_row <= ${pageSize})` : name });
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
   * ONE statement answering several roots as one JSON object, a property each (`myFamily`: the member and her
   * family; `families`: a page), all their personal levels audited together as `statement` audits its levels.
   */
  roots(roots: Record<string, ReadRoot>): { sql: string; params: Record<string, unknown> } {
    const answers = Object.entries(roots).map(([field, root]) => `'${field}', ${this.root(root)}`);
    const param = (value: unknown) => this.params.add(value);
    if (this.audited.length > 0) this.ctes.push(readAuditSql(levelsAuditSource(this.audited, param), auditActor(this.caller), param));
    return { sql: this.finish(`SELECT json_build_object(${answers.join(', ')}) AS answer`), params: this.params.values };
  }

  /** A root's rows as a CTE (a page: the rows up to one past it, and the page), and its answer as SQL. */
  private root({ node, where, page }: ReadRoot): string {
    const filter = (alias: string) => where(alias, this.params);
    let rows: string;
    if ('ruled' in node.from) {
      const subject = node.from.ruled;
      const alias = subjectSql(subject).alias;
      rows = `r${this.aliases++}`;
      const after = page?.after ? ` AND ${alias}.id > ${this.params.add(page.after)}` : '';
      const limit = page ? ` ORDER BY ${alias}.id LIMIT ${this.params.add(page.first + 1)}` : '';
      this.ctes.push(`${page ? `${rows}_ahead` : rows} AS MATERIALIZED (
      SELECT ${alias}.* FROM ${fromClause(subject)}
       WHERE ${filter(alias)}${after}${this.checked} AND ${scopeToSql(this.caller.ability, 'read', subject, this.params)}${limit})`);
      if (page) this.ctes.push(`${rows} AS MATERIALIZED (SELECT * FROM ${rows}_ahead ORDER BY id LIMIT ${this.params.add(page.first)})`);
      this.personalBelow(node, rows);
    } else if ('subject' in node.from && !page) rows = this.personal(node, filter);
    else throw new Error('A compiled read answers a page of a ruled subject, or a record or list of a personal or ruled one');
    if (page) {
      return `json_build_object('edges', coalesce((SELECT json_agg(json_build_object('id', ${rows}.id, 'node', ${this.object(node, rows)}) ORDER BY ${rows}.id) FROM ${rows}), '[]'::json),
        'more', (SELECT count(*) FROM ${rows}_ahead) > ${this.params.add(page.first)})`;
    }
    return node.one
      ? `(SELECT ${this.object(node, rows)} FROM ${rows} ORDER BY ${rows}.id LIMIT 1)`
      : `coalesce((SELECT json_agg(${this.object(node, rows)} ORDER BY ${rows}.id) FROM ${rows}), '[]'::json)`;
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
    const alias = cte ?? `x${this.aliases++}`;
    const from = cte ?? `${(node.from as { table: string }).table} ${alias}`;
    const where = [`${alias}.${node.link.column} = ${parent}.${node.link.parentColumn}`];
    // A personal level's CTE applied `where` already.
    if (!cte && node.link.where) where.push(node.link.where(alias));
    const order = [...(node.order ?? []), 'id'].map((column) => `${alias}.${column}`).join(', ');
    const value = node.one
      ? `${this.object(node, alias, guarded)}`
      : `coalesce(json_agg(${this.object(node, alias, guarded)} ORDER BY ${order}), '[]'::json)`;
    return `(SELECT ${value} FROM ${from} WHERE ${where.join(' AND ')}${node.one ? ` ORDER BY ${order} LIMIT 1` : ''})`;
  }
}

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

/** A root's answer (`CompiledRead.roots`) as GraphQL's resolvers take it: its date-time columns as Dates. */
export function rootWithDates(root: ReadRoot, answer: unknown): unknown {
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
