import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, ObjectLiteral, QueryRunner, SelectQueryBuilder } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { type Connection, connectionOf, decodeCursor, DEFAULT_PAGE_SIZE, type PageArgs } from '../common/pagination.js';
import { groupBy } from '../graphql/request-loaders.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { withholdFields } from '../policy/field-rights.js';
import { scopeToSql, SqlParams } from '../policy/sql-scope.js';
import { type FieldGuardedSubject, fromClause, subjectSql, type PersonalSubject } from '../policy/subjects.js';
import { auditActor } from './audited-transactions.js';
import type { ReadNode, ReadRoot } from './compiled-read.js';
import { CompiledStatements } from './compiled-statements.js';
import { auditColumnsSql, readAuditSql } from './read-audit.js';

export interface ReadOptions {
  /** What the audit calls the rows (default: the subject), and their id column (default: the subject's, or the rows' own with `through`). */
  entityType?: string;
  idColumn?: string;
  /** For a paginated query ordered by id: the page size (rows beyond it are fetched but not returned). */
  pageSize?: number;
  /**
   * A field-level right read apart (subjects.ts, `fieldRights`, `decided: 'apart'`) instead of the
   * record's `read`: its rule filters the rows, its consent is the legal basis and its categories are recorded.
   */
  right?: PolicyAction;
  /**
   * The rows of the query are parts of a record of the subject (progress notes of a goal, history entries
   * of a plan): SQL of that record's id. The reader joins the record itself; whoever may read it reads its
   * parts, audited as a read of it.
   */
  through?: string;
}

/**
 * Why a read of a personal table does not go through the reader: each is a case the audit already covers, or
 * one that shows no one personal data (docs/authorization.md, "Reads without the reader").
 */
export type UnauditedRead =
  | 'parts of a record read and audited with it'
  | 'the records whose ids were just read and audited'
  | "the caller's own write, read back (audited by the write triggers)"
  | 'the record the caller changes, authorized and locked first (audited by the write triggers)'
  | 'what a write copies into the record it writes (audited by the write triggers)'
  | 'a check before a write that answers no personal data'
  | "the system's own job, for no caller"
  | 'aggregate figures with small counts suppressed (audited as an aggregate read)'
  | 'who the caller is (authentication)';

/**
 * The named way around the reader, for reads of personal tables that are no new read of personal data (the
 * reason says which). Nothing but a marker: test/personal-raw-reads.spec.ts refuses a raw read of a personal
 * table in src/ that is not inside one; grep `readWithoutAudit(` to review them.
 */
export function readWithoutAudit<T>(_reason: UnauditedRead, read: Promise<T>): Promise<T> {
  return read;
}

/** A group of rows per key, for a DataLoader. */
export interface Grouping<T> {
  column: string;
  keys: readonly string[];
  keyOf: (row: T) => string;
}

/**
 * The only way to personal data (subjects.ts, PersonalSubject: a subject with an audit declaration).
 * `of(caller)` binds a reader to the caller of one request; its reads are filtered by the caller's
 * policy in SQL and audited in the statement that reads (see CallerReader). PolicyService.scope takes
 * only subjects without personal data, so a read that skips this is refused by the compiler.
 */
@Injectable()
export class PersonalReader {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly statements: CompiledStatements,
  ) {}

  of(caller: Caller): CallerReader {
    return new CallerReader(caller, this.db, this.statements);
  }

  /**
   * Records a read that shows no personal data (aggregate figures) as one entry about the record it
   * concerns, under the ADMINISTRATION basis: who looked at a network's figures is worth knowing too.
   */
  async recordAggregateRead(em: EntityManager, caller: Caller, action: string, entity: { type: string; id: string }): Promise<void> {
    const actor = auditActor(caller);
    await em.query(
      `INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action, entity_type, entity_id, legal_basis)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ADMINISTRATION')`,
      [actor.requestId, actor.subject, actor.userId, actor.memberId, actor.agencyId, action, entity.type, entity.id],
    );
  }
}

/**
 * Reads of personal data by one caller. Each read runs ONE statement that the reader builds itself: the
 * caller's query, restricted to the rows the policy allows, becomes the first part of a WITH whose rows
 * are both answered and recorded in the audit trail (one INSERT for all of them), with the legal basis
 * each row was readable under, computed from the same policy relations that filtered it (subjects.ts).
 */
export class CallerReader {
  constructor(
    private readonly caller: Caller,
    private readonly db: DataSource,
    private readonly statements: CompiledStatements,
  ) {}

  /**
   * The fast path (compiled-read.ts): the record `id` of `root`'s subject and the levels under it, filtered,
   * audited and answered as JSON by one statement, without entities or loaders; null when the caller may
   * not read it (or it does not exist).
   */
  async compiled(root: ReadNode, id: string | null, em?: EntityManager): Promise<Record<string, unknown> | null> {
    const { record } = await this.compiledRoots({ record: { node: root, where: (alias, params) => `${alias}.id = ${params.add(id)}` } }, em);
    return record as Record<string, unknown> | null;
  }

  /**
   * The fast path for several roots in one statement (CompiledRead.roots: the portal login's own member and
   * family): each root's answer under its name, filtered and audited alike. The statement is compiled once per
   * shape and caller's rules (compiled-statements.ts). In `em`'s transaction when given (a write's answer).
   */
  compiledRoots<K extends string>(roots: Record<K, ReadRoot>, em?: EntityManager): Promise<Record<K, unknown>> {
    return this.statements.read(this.db, this.caller, roots, em);
  }

  /**
   * The fast path for a list: the page `page` asks (its cursor an id of the list, common/pagination.ts) of
   * `root`'s records that `where` keeps (SQL over the subject's alias), in id order, with the levels under them,
   * as `compiled` reads one — the same paging for a subject with personal data (audited) as for one without.
   */
  async compiledPage<T>(root: ReadNode, where: ReadRoot['where'], page: PageArgs): Promise<Connection<T>> {
    const paged = { first: page.first ?? DEFAULT_PAGE_SIZE, after: page.after ? decodeCursor(page.after) : null };
    const { list } = await this.compiledRoots({ list: { node: root, where, page: paged } });
    const { edges, more } = list as { edges: { id: string; node: T }[]; more: boolean };
    return connectionOf(edges, more);
  }

  /** The records of `qb` (of the subject, or its parts with `through`) the caller may read, audited. */
  async many<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, subject: PersonalSubject, options: ReadOptions = {}): Promise<T[]> {
    const raw = await this.read<Record<string, unknown>>(qb, subject, options);
    const entities = recordsOf(qb, raw);
    if (options.through) return entities;
    // Field-level rights: those decided with the record come per row; one read apart is held by every row
    // read for it (its rule filtered them), and withheld on every other read.
    const decided = new Map(raw.map((row) => [row[`${qb.alias}_id`], row]));
    return entities.map((entity) =>
      withholdFields(subject, entity, (right) => right === options.right || decided.get(entity.id)?.[rightColumn(right)] === true),
    );
  }

  async one<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, subject: PersonalSubject, options: ReadOptions = {}): Promise<T | null> {
    return (await this.many(qb, subject, options))[0] ?? null;
  }

  /**
   * The rows of `qb` as selected (raw), for queries that select columns rather than records; not for a
   * subject with field-level rights, which only records carry (`many`).
   */
  rows<R>(qb: SelectQueryBuilder<ObjectLiteral>, subject: Exclude<PersonalSubject, FieldGuardedSubject>, options: ReadOptions = {}): Promise<R[]> {
    return this.read(qb, subject, options);
  }

  /**
   * For a DataLoader: the readable rows whose `column` is one of `keys`, in one audited query for all
   * parents of the request, in id order, grouped per key.
   */
  async grouped<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    subject: PersonalSubject,
    group: Grouping<T>,
    options: ReadOptions = {},
  ): Promise<T[][]> {
    qb.andWhere(`${group.column} = ANY(:groupKeys)`, { groupKeys: group.keys }).orderBy(`${qb.alias}.id`);
    return groupBy(group.keys, await this.many(qb, subject, options), group.keyOf);
  }

  /**
   * Keeps the rows of `qb` whose `idSql` names a record of `subject` the caller may `action`, without
   * reading or auditing that record: for the parts of a record read (and audited) with it (a plan's team,
   * the members a note names), or to check which records a write may name. By the policy's own SQL, so
   * that no query depends on the alias the subject's predicate uses.
   */
  scopeThrough<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, subject: PersonalSubject, idSql: string, action: PolicyAction = 'read'): SelectQueryBuilder<T> {
    const params = new SqlParams();
    return qb.andWhere(this.readableSql(subject, idSql, params, action), params.values);
  }

  /** SQL that is true when the record of `subject` whose id is `idSql` is one the caller may `action` (see `scopeThrough`). */
  readableSql(subject: PersonalSubject, idSql: string, params: SqlParams, action: PolicyAction = 'read'): string {
    const def = subjectSql(subject);
    // Inside the EXISTS the subject's aliases name its own rows: an outer alias of the same name would be shadowed.
    const shadowed = [def.alias, ...def.joins.map((join) => join.alias)].find((alias) => new RegExp(`\\b${alias}\\.`).test(idSql));
    if (shadowed) throw new Error(`${idSql} uses the alias ${shadowed} of ${subject}'s predicate: alias the query otherwise`);
    return `EXISTS (SELECT 1 FROM ${fromClause(subject)} WHERE ${def.alias}.id = ${idSql}
      AND ${scopeToSql(this.caller.ability, action, subject, params)})`;
  }

  /** Restricts `qb`, adds the audit columns, and runs it as the statement that reads and records. */
  private async read<R>(qb: SelectQueryBuilder<ObjectLiteral>, subject: PersonalSubject, options: ReadOptions): Promise<R[]> {
    const def = subjectSql(subject);
    const rights = Object.entries(def.fieldRights ?? {});
    if (options.right && !rights.some(([right, declared]) => right === options.right && declared.decided === 'apart')) {
      throw new Error(`${subject} has no field-level right ${options.right} read apart`);
    }
    if (options.through) qb.innerJoin(def.table, def.alias, `${def.alias}.id = ${options.through}`);
    for (const join of def.joins) qb.innerJoin(join.table, join.alias, join.on);
    const params = new SqlParams();
    qb.andWhere(scopeToSql(this.caller.ability, options.right ?? 'read', subject, params));
    // The rights decided with the record, as a boolean column each, in the same statement.
    const withRecord = options.right ? [] : rights.filter(([, declared]) => declared.decided === 'withRecord');
    for (const [right] of withRecord) qb.addSelect(`(${scopeToSql(this.caller.ability, right as PolicyAction, subject, params)})`, rightColumn(right));
    qb.setParameters({ ...qb.getParameters(), ...params.values });
    this.addAuditColumns(qb, subject, options, withRecord[0]?.[0] as PolicyAction | undefined);
    const audited = this.auditedStatement(qb.getQuery(), subject, options);
    const [sql, values] = qb.connection.driver.escapeQueryWithParameters(audited.sql, { ...qb.getParameters(), ...audited.params });
    return qb.connection.query(sql, values, runnerOf(qb));
  }

  /** The audit columns of each row (auditColumnsSql), in parentheses: a bare `alias.column` would be taken for the entity's own column and renamed. */
  private addAuditColumns(qb: SelectQueryBuilder<ObjectLiteral>, subject: PersonalSubject, options: ReadOptions, contentRight?: PolicyAction): void {
    const params = new SqlParams();
    const entityId = options.idColumn ?? (options.through ? `${qb.alias}.id` : `${subjectSql(subject).alias}.id`);
    const columns = auditColumnsSql(this.caller, subject, params, { entityId, right: options.right, contentRight });
    for (const [alias, expression] of Object.entries(columns)) qb.addSelect(`(${expression})`, alias);
    qb.setParameters({ ...qb.getParameters(), ...params.values });
  }

  /**
   * The statement that reads also records the reading, as one INSERT for all its rows (readAuditSql): the
   * query as built becomes the first part of a WITH, the audit entries are inserted from its rows in the
   * same statement, and its rows are answered in their order.
   */
  private auditedStatement(query: string, subject: PersonalSubject, options: ReadOptions): { sql: string; params: Record<string, unknown> } {
    const audited = new SqlParams();
    const param = (value: unknown) => audited.add(value);
    // A page fetches one row more than it returns (to know whether another page follows): that row is
    // not read by anyone, so it is not audited.
    const readRows = options.pageSize === undefined ? 'TRUE' : `p.audit_row <= ${param(options.pageSize)}`;
    const sql = `WITH page AS MATERIALIZED (SELECT q.*, row_number() OVER () AS audit_row FROM (${query}) q),
      read AS (
        SELECT p.audit_row, ${param(options.entityType ?? subject)}::text AS audit_entity_type, p.audit_entity_id, p.audit_family_id,
               p.audit_registration_id, p.audit_member_ids, p.audit_categories, p.audit_consent_categories, p.audit_basis
          FROM page p WHERE ${readRows}
      ),
      ${readAuditSql('read', auditActor(this.caller), param)}
      SELECT * FROM page ORDER BY audit_row`;
    return { sql, params: audited.values };
  }
}

/** The column that tells, per row, whether a field-level right decided with the record holds. */
const rightColumn = (right: string) => `allowed_${right}`;

/**
 * The records of `qb`'s main entity from the rows of its statement, where TypeORM names each selected column
 * `<alias>_<column>`: by the entity's public metadata (the reads here select one entity, without relations).
 */
function recordsOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, raw: Record<string, unknown>[]): T[] {
  if (raw.length === 0) return [];
  const metadata = qb.expressionMap.mainAlias!.metadata;
  const selected = metadata.columns.map((column) => ({ column, key: `${qb.alias}_${column.databaseName}` })).filter(({ key }) => key in raw[0]!);
  return raw.map((row) => {
    const record = metadata.create() as T;
    for (const { column, key } of selected) column.setEntityValue(record, qb.connection.driver.prepareHydratedValue(row[key], column));
    return record;
  });
}

/** The query runner `qb` was made with (a transaction's, when made from its EntityManager): the read runs in it. */
const runnerOf = (qb: SelectQueryBuilder<ObjectLiteral>) => (qb as unknown as { queryRunner?: QueryRunner }).queryRunner;
