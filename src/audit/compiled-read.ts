import type { Caller } from '../auth/caller.decorator.js';
import { scopeToSql, SqlParams } from '../policy/sql-scope.js';
import { fromClause, subjectSql, type PersonalSubject } from '../policy/subjects.js';
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
  from: { subject: PersonalSubject } | { table: string };
  /** Its rows: `column` equals the parent row's `parentColumn` (and `where`, over the node's alias, holds). */
  link: { column: string; parentColumn: string; where?: (alias: string) => string };
  /** One object (or null: the first row), else a list in id order. */
  one: boolean;
  columns: Record<string, ReadColumn>;
  children: Record<string, ReadNode>;
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

  constructor(private readonly caller: Caller) {}

  /** The statement for `root`, a personal subject's record by id, and its parameters (TypeORM's `:name`s). */
  statement(root: ReadNode, id: string | null): { sql: string; params: Record<string, unknown> } {
    const cte = this.personal(root, (alias) => `${alias}.id = ${this.params.add(id)}`);
    const param = (value: unknown) => this.params.add(value);
    this.ctes.push(readAuditSql(levelsAuditSource(this.audited, param), auditActor(this.caller), param));
    return { sql: `WITH ${this.ctes.join(',\n')}\nSELECT ${this.object(root, cte)} AS answer FROM ${cte}`, params: this.params.values };
  }

  /** A personal level as a CTE with its audit columns, and its rows among the audit's; then the personal levels below it. */
  private personal(node: ReadNode, where: (alias: string) => string): string {
    if (!('subject' in node.from)) throw new Error('A compiled read starts at a personal subject');
    const { subject } = node.from;
    const def = subjectSql(subject);
    if (def.fieldRights) throw new Error(`${subject} has field-level rights, which the compiled read does not apply`);
    const name = `c${this.cteOf.size}`;
    this.cteOf.set(node, name);
    const audit = Object.entries(auditColumnsSql(this.caller, subject, this.params, { entityId: `${def.alias}.id` }));
    const linked = node.link.where ? ` AND ${node.link.where(def.alias)}` : '';
    this.ctes.push(`${name} AS MATERIALIZED (
      SELECT ${def.alias}.*, ${audit.map(([column, sql]) => `(${sql}) AS ${column}`).join(', ')},
             row_number() OVER (ORDER BY ${def.alias}.id) AS audit_row
        FROM ${fromClause(subject)}
       WHERE ${where(def.alias)}${linked} AND ${scopeToSql(this.caller.ability, 'read', subject, this.params)})`);
    this.audited.push({ entityType: subject, relation: name });
    for (const child of Object.values(node.children)) {
      if ('subject' in child.from) {
        // `= ANY(ARRAY(…))`, not `IN (…)`: the statement stays prepared (database/prepared-statements.ts), and an index probe per id.
        this.personal(child, (alias) => `${alias}.${child.link.column} = ANY(ARRAY(SELECT ${name}.${child.link.parentColumn} FROM ${name}))`);
      }
    }
    return name;
  }

  /** The JSON object of a row of `node` under the alias `row`. */
  private object(node: ReadNode, row: string): string {
    const columns = Object.entries(node.columns).map(([field, column]) =>
      typeof column === 'string' ? `'${field}', ${row}.${column}` : `'${field}', floor(extract(epoch FROM ${row}.${column.dateTime}) * 1000)`,
    );
    const children = Object.entries(node.children).map(([field, child]) => `'${field}', ${this.child(child, row)}`);
    return `json_build_object(${[...columns, ...children].join(', ')})`;
  }

  /** The object or list of `node` under the parent row `parent`, as a subquery. */
  private child(node: ReadNode, parent: string): string {
    const cte = this.cteOf.get(node);
    if (!cte && 'subject' in node.from) throw new Error('A personal level of a compiled read hangs under another personal level');
    const alias = cte ?? `x${this.aliases++}`;
    const from = cte ?? `${(node.from as { table: string }).table} ${alias}`;
    const where = [`${alias}.${node.link.column} = ${parent}.${node.link.parentColumn}`];
    // A personal level's CTE applied `where` already.
    if (!cte && node.link.where) where.push(node.link.where(alias));
    const value = node.one
      ? `${this.object(node, alias)}`
      : `coalesce(json_agg(${this.object(node, alias)} ORDER BY ${alias}.id), '[]'::json)`;
    return `(SELECT ${value} FROM ${from} WHERE ${where.join(' AND ')}${node.one ? ` ORDER BY ${alias}.id LIMIT 1` : ''})`;
  }
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
