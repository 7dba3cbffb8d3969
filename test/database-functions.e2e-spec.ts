import type pg from 'pg';
import { functionSql, sourceFiles } from '../src/database/functions/index.js';
import { migratedScratchDatabase, type ScratchDatabase } from './support/scratch-database.js';

/** The functions of the public schema that are ours (not an extension's), as `DROP` and the comparison name them. */
const OWN_FUNCTIONS = `
  SELECT p.oid, p.proname AS name, p.oid::regprocedure::text AS signature, p.prokind = 'a' AS aggregate
    FROM pg_proc p
   WHERE p.pronamespace = 'public'::regnamespace
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`;

/**
 * Each function as PostgreSQL prints it back (`pg_get_functiondef`: the header normalised, the body as written,
 * whitespace runs folded here so that indentation does not count); an aggregate by its catalogue entry.
 */
const FUNCTION_DEFINITIONS = `
  SELECT f.signature, CASE WHEN f.aggregate
           THEN 'AGGREGATE ' || f.signature || ' ' || (SELECT (to_jsonb(a) - 'aggfnoid')::text FROM pg_aggregate a WHERE a.aggfnoid = f.oid)
           ELSE regexp_replace(pg_get_functiondef(f.oid), '\\s+', ' ', 'g') END AS definition
    FROM (${OWN_FUNCTIONS}) f ORDER BY f.signature`;

const TRIGGER_DEFINITIONS = `
  SELECT pg_get_triggerdef(t.oid) AS definition
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
   ORDER BY c.relname, t.tgname`;

/**
 * The database's functions and triggers are the ones in src/database/functions and src/database/triggers
 * (docs/authorization.md, "Rule map"): a scratch database is migrated, its definitions read; then, in a
 * transaction rolled back, every function is dropped (with its triggers) and made again from the source
 * files only, and read again. Both readings must be the same: a function or trigger without a source file,
 * a source file without one, or a source file that says something else than the migrations did, fails.
 */
describe('database functions and triggers', () => {
  let scratch: ScratchDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    ({ scratch, client } = await migratedScratchDatabase('functions_check'));
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  const rows = async (sql: string) => (await client.query(sql)).rows;

  it('every function of the migrated database has its source file, and every source file its function', async () => {
    const names = [...new Set((await rows(OWN_FUNCTIONS)).map((f) => f.name as string))].sort();
    expect([...sourceFiles('functions').keys()]).toEqual(names);
  });

  it('every trigger function has its triggers in a source file named after it, and every such file a trigger function', async () => {
    const triggerFunctions = await rows(`
      SELECT DISTINCT p.proname AS name FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        JOIN pg_class c ON c.oid = t.tgrelid
       WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace ORDER BY 1`);
    expect([...sourceFiles('triggers').keys()]).toEqual(triggerFunctions.map((f) => f.name));
  });

  it('the source files define every function and trigger exactly as the migrations left them', async () => {
    const migrated = { functions: await rows(FUNCTION_DEFINITIONS), triggers: await rows(TRIGGER_DEFINITIONS) };
    await client.query('BEGIN');
    try {
      for (const f of await rows(OWN_FUNCTIONS)) {
        await client.query(`DROP ${f.aggregate ? 'AGGREGATE' : 'FUNCTION'} ${f.signature} CASCADE`);
      }
      expect(await rows(TRIGGER_DEFINITIONS)).toEqual([]);
      // The files in any order: a function's body may call one that comes later. By the helper migrations use.
      await client.query('SET LOCAL check_function_bodies = off');
      for (const name of sourceFiles('functions').keys()) await client.query(functionSql(name));
      for (const sql of sourceFiles('triggers').values()) await client.query(sql);
      const fromSources = { functions: await rows(FUNCTION_DEFINITIONS), triggers: await rows(TRIGGER_DEFINITIONS) };
      expect(fromSources).toEqual(migrated);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
