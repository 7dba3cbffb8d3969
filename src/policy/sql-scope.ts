import { rulesToAST } from '@casl/ability/extra';
import { assertConfirmed } from '../auth/principal-check.js';
import type { AppAbility, PolicyAction } from './ability.factory.js';
import { subjectSql, type SubjectName, type SubjectSql } from './subjects.js';

type Condition = { operator: string; field?: string; value: unknown };

/** Named parameters for a TypeORM query builder, unique per translation. */
export class SqlParams {
  private static counter = 0;
  readonly values: Record<string, unknown> = {};
  private next = 0;

  /**
   * `prefix`: the names' own, for parameters whose names must be the same in every request that adds them
   * alike (a compiled statement's inputs, audit/compiled-statements.ts); by default unique per translation.
   */
  constructor(private readonly prefix = `pol${(SqlParams.counter = (SqlParams.counter + 1) % 1e9)}_`) {}

  add(value: unknown): string {
    const name = `${this.prefix}${this.next++}`;
    this.values[name] = value;
    return `:${name}`;
  }
}

/**
 * The SQL predicate equivalent to `ability.can(action, row)` for rows of `subject`, built from the
 * ability's own rules (CASL's rule AST), so that lists are filtered inside the query by the same
 * rules that decide single checks. No rule → FALSE (deny by default). Never for a remembered principal's
 * ability outside the compiled read that checks it (auth/principal-check.ts).
 */
export function scopeToSql(ability: AppAbility, action: PolicyAction, subject: SubjectName, params: SqlParams): string {
  assertConfirmed(ability);
  const ast = rulesToAST(ability, action, subject) as Condition | null;
  return ast ? toSql(ast, subjectSql(subject), params) : 'FALSE';
}

/**
 * The fields and relations the ability's rules for `action` on `subject` name in their conditions (CASL's rule
 * AST, as `scopeToSql` reads it): what a check of that action on one record needs of its attributes.
 */
export function ruleFields(ability: AppAbility, action: PolicyAction, subject: SubjectName): Set<string> {
  const fields = new Set<string>();
  const visit = (node: Condition): void => {
    if (node.field !== undefined) fields.add(node.field);
    else if (Array.isArray(node.value)) for (const child of node.value as Condition[]) visit(child);
    else if (node.value && typeof node.value === 'object') visit(node.value as Condition);
  };
  const ast = rulesToAST(ability, action, subject) as Condition | null;
  if (ast) visit(ast);
  return fields;
}

function toSql(node: Condition, def: SubjectSql, params: SqlParams): string {
  switch (node.operator) {
    case 'and':
    case 'or': {
      const parts = (node.value as Condition[]).map((child) => toSql(child, def, params));
      if (parts.length === 0) return node.operator === 'and' ? 'TRUE' : 'FALSE';
      return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'not':
      return `NOT ${toSql((node.value as Condition[])[0] ?? (node.value as Condition), def, params)}`;
    default:
      return fieldToSql(node, def, params);
  }
}

function fieldToSql(node: Condition, def: SubjectSql, params: SqlParams): string {
  const field = node.field ?? '';
  const relation = def.relations[field];
  if (relation) {
    if (node.operator === 'eq') return relation.contains(params.add(node.value));
    if (node.operator === 'in') return `(${(node.value as unknown[]).map((v) => relation.contains(params.add(v))).join(' OR ') || 'FALSE'})`;
    throw new Error(`Policy: operator ${node.operator} is not supported on relation ${field}`);
  }
  const column = def.fields[field];
  if (!column) throw new Error(`Policy: field ${field} is not mapped to SQL for ${def.table}`);
  switch (node.operator) {
    case 'eq':
      return node.value === null ? `${column} IS NULL` : `${column} = ${params.add(node.value)}`;
    case 'ne':
      return node.value === null ? `${column} IS NOT NULL` : `${column} IS DISTINCT FROM ${params.add(node.value)}`;
    case 'in':
      return `${column} = ANY(${params.add(node.value)})`;
    case 'nin':
      return `NOT (${column} = ANY(${params.add(node.value)}))`;
    default:
      throw new Error(`Policy: operator ${node.operator} is not supported`);
  }
}
