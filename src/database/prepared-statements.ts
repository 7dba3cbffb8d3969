import { createHash } from 'node:crypto';
import pg from 'pg';

/** Distinct statements one connection keeps prepared (each holds a plan in its backend's memory). */
const MAX_PREPARED_PER_CONNECTION = 200;

/**
 * A pg client that sends every parameterised statement as a named prepared statement, so that each
 * connection plans a statement shape once instead of on every execution: planning took longer than
 * execution for the policy-filtered reads, because the access rule adds several correlated EXISTS to each
 * query (the figures: docs/decisions.md, "Planning"). With `plan_cache_mode =
 * force_generic_plan` (set on the connection, see database.module.ts) the plan is made once per shape
 * and reused with any parameters. Statements with lists of parameters, `IN ($1, $2, …)` (one shape per list
 * length), stay unnamed, and so does everything past the per-connection limit; `IN (SELECT …)` and lists of
 * constants are one shape each and are prepared.
 */
export class PreparingClient extends pg.Client {
  private readonly prepared = new Set<string>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one override for all of pg.Client.query's overloads, forwarded unchanged
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (name !== null && (this.prepared.has(name) || this.prepared.size < MAX_PREPARED_PER_CONNECTION)) {
        this.prepared.add(name);
        return super.query({ name, text: config, values }, callback);
      }
    }
    return super.query(config, values, callback);
  }
}

/** Per statement text: its prepared name, or null for one with an `IN ($1, …)` list. */
const names = new Map<string, string | null>();

/**
 * The name of the statement `text`, found at once for a text seen before (a compiled read's statement is the
 * same string object every time, audit/compiled-statements.ts: its hash is computed once).
 */
function statementName(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    name = /\bIN \(\s*\$/i.test(text) ? null : `s${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // Shapes are few; the bound only guards against a caller that builds unbounded distinct texts.
    if (names.size > 10_000) names.clear();
    names.set(text, name);
  }
  return name;
}
