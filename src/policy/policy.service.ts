import { Injectable } from '@nestjs/common';
import { subject as caslSubject } from '@casl/ability';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ActorNaming } from '../audit/audited-transactions.js';
import { forbidden, notFound } from '../common/errors.js';
import { UUID_PATTERN } from '../common/ids.js';
import type { AppAbility, PolicyAction } from './ability.factory.js';
import { assertConfirmed } from '../auth/principal-check.js';
import { ruleFields, scopeToSql, SqlParams } from './sql-scope.js';
import { fromClause, subjectSql, type OpenSubject, type SubjectName } from './subjects.js';

export type SubjectAttributes = Record<string, unknown> & { id: string };

/** How a record's attributes are read for a write (`authorize`, `attributesOf`). */
export interface AttributesOptions {
  /** Locked FOR UPDATE: the record the caller changes. */
  lock?: boolean;
  /** An alias of the subject's FROM clause (subjects.ts) share-locked with it: a parent that must not change meanwhile. */
  shareLock?: string;
  /** Columns read with the attributes (not authorization attributes), over the subject's FROM clause. */
  also?: Record<string, string>;
  /** The write's actor named by this statement (`AuditedTransactions.naming`): read only when the record is. */
  actor?: ActorNaming;
  /**
   * The only actions the attributes will be checked for, with the reading ability (`authorize`'s): of the relation
   * sets, only those these actions' rules name are read (each is a subquery; the Referral's consented agencies
   * probe every referred member's grants); the others are left out of the attributes. By default all are read.
   */
  checkedFor?: readonly PolicyAction[];
}

/** Applies the policy to queries and to single records. Services call it; they never test roles. */
@Injectable()
export class PolicyService {
  /**
   * Restricts a query whose main alias is the subject's alias to the rows `ability` allows.
   * Adds the joins the predicate needs (inner joins on foreign keys: they never drop a row).
   * Only subjects without personal data: personal data is read through the PersonalReader, which
   * audits what it reads (src/audit/personal-reader.ts); the type refuses a personal subject here.
   */
  scope<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    ability: AppAbility,
    action: PolicyAction,
    subject: OpenSubject,
  ): SelectQueryBuilder<T> {
    const def = subjectSql(subject);
    for (const join of def.joins) qb.innerJoin(join.table, join.alias, join.on);
    const params = new SqlParams();
    return qb.andWhere(scopeToSql(ability, action, subject, params), params.values);
  }

  /**
   * The same filter as `scope`, as SQL for a statement written by hand over the subject's table under its
   * alias (subjects.ts) and joins. Only subjects without personal data, as `scope`.
   */
  predicate(ability: AppAbility, action: PolicyAction, subject: OpenSubject, params: SqlParams): string {
    return scopeToSql(ability, action, subject, params);
  }

  /**
   * SQL that is true when the record of `subject` whose id is `idSql` is one `ability` may `action`: the
   * PersonalReader's `readableSql` for subjects without personal data (nothing to audit).
   */
  readableSql(ability: AppAbility, subject: OpenSubject, idSql: string, params: SqlParams, action: PolicyAction = 'read'): string {
    return allowedSql(ability, action, subject, idSql, params);
  }

  /**
   * SQL that is true when `ability` may `notice` the record of `subject` whose id is `idSql`: be told that it
   * exists (its id, that it arrived) without reading any of it, so also on personal data (nothing to audit).
   */
  noticeableSql(ability: AppAbility, subject: SubjectName, idSql: string, params: SqlParams): string {
    return allowedSql(ability, 'notice', subject, idSql, params);
  }

  /**
   * Loads the authorization attributes of one record the caller may read, locking it when asked,
   * and checks `action` on it. Not readable (or absent) → NOT_FOUND; readable but not allowed → FORBIDDEN.
   */
  async authorize(
    em: EntityManager,
    ability: AppAbility,
    action: PolicyAction,
    subject: SubjectName,
    id: string,
    options: AttributesOptions = {},
  ): Promise<SubjectAttributes> {
    const row = await this.attributesOf(em, subject, id, { ...options, readableBy: ability });
    if (!row) throw notFound(subject);
    if (action !== 'read') this.assertCan(ability, action, subject, row);
    return row;
  }

  /**
   * The authorization attributes of one record (fields and relation sets of subjects.ts), or null.
   * With `readableBy`, only a record that ability may read is returned (filtered in the query).
   */
  async attributesOf(
    em: EntityManager,
    subject: SubjectName,
    id: string,
    options: AttributesOptions & { readableBy?: AppAbility } = {},
  ): Promise<SubjectAttributes | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const def = subjectSql(subject);
    const params = new SqlParams();
    const named = options.checkedFor && options.readableBy && relationsNamed(options.readableBy, options.checkedFor, subject);
    const columns = [
      ...Object.entries(def.fields).map(([field, sql]) => `${sql} AS "${field}"`),
      ...Object.entries(def.relations).filter(([field]) => !named || named.has(field)).map(([field, rel]) => `${rel.array} AS "${field}"`),
      ...Object.entries(options.also ?? {}).map(([field, sql]) => `${sql} AS "${field}"`),
    ];
    const readable = options.readableBy ? scopeToSql(options.readableBy, 'read', subject, params) : 'TRUE';
    const locks = [options.lock ? ` FOR UPDATE OF ${def.alias}` : '', options.shareLock ? ` FOR SHARE OF ${options.shareLock}` : ''].join('');
    const from = options.actor ? `${options.actor.from(params)}, ${fromClause(subject)}` : fromClause(subject);
    const sql = `SELECT ${columns.join(', ')} FROM ${from}
      WHERE ${def.alias}.id = ${params.add(id)} AND ${readable}${locks}`;
    const [query, values] = em.connection.driver.escapeQueryWithParameters(sql, params.values);
    const rows: SubjectAttributes[] = await em.query(query, values);
    return rows[0] ?? null;
  }

  /** Checks an action on attributes already known (for example a record about to be created). */
  assertCan(ability: AppAbility, action: PolicyAction, subject: SubjectName, attributes: Record<string, unknown>): void {
    if (!this.can(ability, action, subject, attributes)) {
      throw forbidden(`You may not ${action} this ${subject}`);
    }
  }

  can(ability: AppAbility, action: PolicyAction, subject: SubjectName, attributes: Record<string, unknown>): boolean {
    assertConfirmed(ability);
    return ability.can(action, caslSubject(subject, { ...attributes }));
  }
}

/** The fields the ability's rules for any of `actions` on `subject` name: a check of those actions needs no other. */
function relationsNamed(ability: AppAbility, actions: readonly PolicyAction[], subject: SubjectName): Set<string> {
  return new Set(actions.flatMap((action) => [...ruleFields(ability, action, subject)]));
}

/** SQL that is true when the record of `subject` whose id is `idSql` is one `ability` may `action`. */
function allowedSql(ability: AppAbility, action: PolicyAction, subject: SubjectName, idSql: string, params: SqlParams): string {
  const def = subjectSql(subject);
  return `EXISTS (SELECT 1 FROM ${fromClause(subject)} WHERE ${def.alias}.id = ${idSql} AND ${scopeToSql(ability, action, subject, params)})`;
}
