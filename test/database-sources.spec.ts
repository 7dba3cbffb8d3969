import { sourceFiles } from '../src/database/functions/index.js';

/**
 * The shape of the database's source files, without a database (the definitions themselves are compared
 * with the migrated database by test/database-functions.e2e-spec.ts): each function file says what the
 * function is for and which rule it implements, and defines that one function under its own name; each
 * trigger file holds only triggers that run the function it is named after.
 */
describe('database source files', () => {
  const statements = (sql: string) => sql.replace(/^\s*--.*$/gm, '').match(/\bCREATE\s+(OR\s+REPLACE\s+)?\w+/gi) ?? [];

  it.each([...sourceFiles('functions')])('functions/%s.sql defines that function, after a header naming its rule', (name, sql) => {
    expect(sql).toMatch(/^(--.*\n)+CREATE/);
    expect(sql.slice(0, sql.indexOf('CREATE'))).toContain('Rule:');
    expect(statements(sql).map((s) => s.replace(/\s+/g, ' ').toUpperCase())).toEqual([
      expect.stringMatching(/^CREATE OR REPLACE (FUNCTION|AGGREGATE)$/),
    ]);
    expect(sql).toMatch(new RegExp(`CREATE OR REPLACE (FUNCTION|AGGREGATE) ${name}\\(`));
  });

  it.each([...sourceFiles('triggers')])('triggers/%s.sql holds triggers that run that function only', (name, sql) => {
    const triggers = statements(sql);
    expect(triggers.length).toBeGreaterThan(0);
    expect(triggers.every((s) => /^CREATE\s+TRIGGER$/i.test(s))).toBe(true);
    const runs = [...sql.matchAll(/EXECUTE FUNCTION (\w+)\(/g)].map((m) => m[1]);
    expect(runs).toEqual(triggers.map(() => name));
  });
});
