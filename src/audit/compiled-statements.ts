import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { assertStillCurrent, buildChecked, type PrincipalCheck } from '../auth/principal-check.js';
import type { Principal } from '../auth/principal.js';
import type { AppAbility } from '../policy/ability.factory.js';
import { SqlParams } from '../policy/sql-scope.js';
import { auditActor } from './audited-transactions.js';
import { CompiledRead, type ReadNode, type ReadRoot, rootSql, type RootSql, rootWithDates } from './compiled-read.js';

/**
 * Statements kept (a few kilobytes of text each): the hot reads' selection shapes times the kinds of rules of
 * the callers who send them; past it the least recently used goes (and is compiled again when it returns).
 */
const MAX_STATEMENTS = 1_000;

/** The request id the actor carries while its statement is compiled: the one value of the actor that varies per request. */
const REQUEST_ID_SLOT = '{request}';

/** The names of the request's values among a statement's parameters (rootSql's `inputs`, a service's own `input`). */
const INPUT_PREFIX = 'in_';

/** A parameter whose value is the request's: its input of this name. */
class Input {
  constructor(readonly name: string) {}
}

/** A parameter whose value is who reads, with the request's id: the audit entries' actor (readAuditSql). */
const ACTOR = Symbol('actor');

/** A compiled read as it is sent: its text (positional parameters) and each parameter's value, or where the request's comes from. */
interface CompiledStatement {
  text: string;
  values: unknown[];
}

/**
 * The compiled reads' statements, by shape: a request whose selection, roots' conditions and caller's rules
 * are those of an earlier one sends the earlier one's statement with its own values, without compiling it or
 * naming it again (the same text object: database/prepared-statements.ts finds its prepared name at once).
 *
 * The key is what the text is made from: each root's selection (its compiled ReadNode, one object per field
 * of a parsed document, graphql/compiled-selection.ts), its condition and page as SQL with the request's values
 * as placeholders (rootSql: a variable that changes the SQL — a filter asked or not, a direction — changes the
 * key; its value does not), and the caller's CASL rules with their values and who the audit names. The policy's
 * predicates and the field-level rights decided with a record are translated from those rules into the text
 * and its parameters, so a statement is only ever sent for a caller with the same rules: a caller with other
 * rights, or the same rights over other agencies or families, has a statement of its own (docs/benchmarks.md).
 * A service's own statement over the caller's rules (the access log's) is kept the same way (`query`).
 */
@Injectable()
export class CompiledStatements {
  private readonly statements = new Map<string, CompiledStatement>();
  /**
   * Who reads (callerKey's text) as a number, so that a statement's key stays short: the text holds every rule
   * of the caller (kilobytes), and was written out and hashed again on every request.
   */
  private readonly callerIds = new Map<string, number>();
  private callersSeen = 0;
  private readonly callerKeys = new WeakMap<AppAbility, number>();
  /**
   * A remembered principal's number with its check: the same two objects on every request until the principal
   * is read anew (auth/principal.service.ts), and its ability built from that principal alone (defineAbilityFor).
   */
  private readonly checkedCallers = new WeakMap<PrincipalCheck, { principal: Principal; id: number }>();
  private readonly shapes = new WeakMap<ReadNode, number>();
  private shapesSeen = 0;
  /** Statements compiled since start (a request served from the cache compiles none). */
  compiled = 0;

  /**
   * `roots` read as `caller` in one statement (CompiledRead.roots), their answers under their names with dates as
   * Dates; in `em`'s transaction when given.
   */
  async read<K extends string>(db: DataSource, caller: Caller, roots: Record<K, ReadRoot>, em?: EntityManager): Promise<Record<K, unknown>> {
    const inputs = new SqlParams(INPUT_PREFIX);
    const [row] = await this.send<{ answer: Record<K, unknown> }>(em ?? db, caller, inputs.values, () => {
      const sqls = Object.fromEntries(Object.entries<ReadRoot>(roots).map(([name, root]) => [name, rootSql(root, inputs)])) as Record<K, RootSql>;
      const key = JSON.stringify([this.callerKey(caller), Object.entries<RootSql>(sqls).map(([name, root]) => [name, this.shapeOf(root.node), root.where, root.page ?? null])]);
      return this.remembered(key, () => {
        const actor = { ...auditActor(caller), requestId: REQUEST_ID_SLOT };
        const { sql, params } = new CompiledRead(caller, actor).roots(sqls);
        const actorJson = JSON.stringify(actor);
        for (const [name, value] of Object.entries(params)) if (value === actorJson) params[name] = ACTOR;
        return this.positional(db, sql, params, Object.keys(inputs.values));
      });
    });
    const { answer } = row!;
    for (const name of Object.keys(roots) as K[]) rootWithDates(roots[name], answer[name]);
    return answer;
  }

  /**
   * The rows of a service's own statement (written by the service, not compiled from a selection), cached as the
   * compiled reads' are: `sql` is called once per caller (callerKey) and `shape` — a name for everything the text
   * depends on besides the caller, such as which optional conditions it has — with `params` for the values fixed
   * by the caller (the policy's predicates, the principal's check) and `input(name)` naming a value of the
   * request, bound at each send from `inputs`. A remembered principal's check may be put in the text
   * (`caller.principalCheck`), the statement then answering `principal_current` as a compiled read does.
   */
  async query<R extends object, I extends Record<string, unknown>>(
    db: DataSource,
    caller: Caller,
    shape: string,
    sql: (params: SqlParams, input: (name: keyof I & string) => string) => string,
    inputs: I,
  ): Promise<R[]> {
    const values = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`${INPUT_PREFIX}${name}`, value]));
    return this.send<R>(db, caller, values, () =>
      this.remembered(JSON.stringify([this.callerKey(caller), shape]), () => {
        const params = new SqlParams();
        const text = sql(params, (name) => `:${INPUT_PREFIX}${name}`);
        return this.positional(db, text, params.values, Object.keys(values));
      }),
    );
  }

  /**
   * Sends the statement `statement()` finds or compiles — under the principal's check when it is remembered
   * (auth/principal-check.ts), so that its rules may be turned into SQL there — with the request's `inputs`.
   */
  private async send<R>(db: DataSource | EntityManager, caller: Caller, inputs: Record<string, unknown>, statement: () => CompiledStatement): Promise<R[]> {
    const { text, values } = caller.principalCheck ? buildChecked(caller.ability, statement) : statement();
    const bound = values.map((value) => (value instanceof Input ? inputs[value.name] : value === ACTOR ? JSON.stringify(auditActor(caller)) : value));
    const rows: (R & { principal_current?: boolean })[] = await db.query(text, bound);
    assertStillCurrent(rows[0]);
    return rows;
  }

  /** The statement kept under `key`, or `compile`d and kept; the most recently used last, past MAX_STATEMENTS the least recent goes. */
  private remembered(key: string, compile: () => CompiledStatement): CompiledStatement {
    const known = this.statements.get(key);
    if (known) {
      this.statements.delete(key);
      this.statements.set(key, known);
      return known;
    }
    const statement = compile();
    this.compiled++;
    this.statements.set(key, statement);
    if (this.statements.size > MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    return statement;
  }

  /** `sql` with positional parameters: `params`' values fixed in the statement, the request's `inputs` (their names) left to each send. */
  private positional(db: DataSource, sql: string, params: Record<string, unknown>, inputs: string[]): CompiledStatement {
    const [text, values] = db.driver.escapeQueryWithParameters(sql, { ...params, ...Object.fromEntries(inputs.map((name) => [name, new Input(name)])) });
    return { text, values };
  }

  /**
   * Who reads, as far as the statement's text and fixed values depend on it: the audit's actor but the request, the
   * rules, and a remembered principal's check with its values (a statement checks the principal it was built for);
   * as a number, the same for the same text (a number is never reused: forgetting the texts only costs a compile).
   */
  private callerKey(caller: Caller): number {
    const { principalCheck: check } = caller;
    const remembered = check && this.checkedCallers.get(check);
    if (remembered?.principal === caller.principal) return remembered.id;
    let key = this.callerKeys.get(caller.ability);
    if (key === undefined) {
      const { requestId: _request, ...actor } = auditActor(caller);
      this.callerKeys.set(caller.ability, (key = this.idOf(JSON.stringify([actor, caller.ability.rules]))));
    }
    if (!check) return key;
    const checkValues: unknown[] = [];
    const checkSql = check.sql((value) => `$${checkValues.push(value)}`);
    const id = this.idOf(JSON.stringify([key, checkSql, checkValues]));
    this.checkedCallers.set(check, { principal: caller.principal, id });
    return id;
  }

  private idOf(text: string): number {
    let id = this.callerIds.get(text);
    if (id === undefined) {
      if (this.callerIds.size >= MAX_STATEMENTS) this.callerIds.clear();
      this.callerIds.set(text, (id = this.callersSeen++));
    }
    return id;
  }

  /** A number per selection (ReadNode): the same object for every request of the same field of the same document. */
  private shapeOf(node: ReadNode): number {
    let shape = this.shapes.get(node);
    if (shape === undefined) this.shapes.set(node, (shape = this.shapesSeen++));
    return shape;
  }
}
