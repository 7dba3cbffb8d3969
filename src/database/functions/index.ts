import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The database's own rules, one file each: `src/database/functions/<name>.sql` holds the current
 * definition of the function `<name>` (CREATE OR REPLACE), `src/database/triggers/<name>.sql` the
 * triggers that run the trigger function `<name>`. test/database-functions.e2e-spec.ts checks that the
 * migrated database has exactly these functions and triggers, as written here.
 *
 * A migration that adds or changes a function changes its file and takes the text from here
 * (`q.query(functionSql('member_speaks_for'))`); its `down` restores the previous text, written out. Migrations
 * written before these files keep their own copies (snapshots). A file is the current text only: when a
 * later migration changes that function again, an earlier one that took the file's text would replay the
 * newer text on a new database, so it gets its own copy then (test/migrations.e2e-spec.ts replays them all).
 *
 * Kept as .sql files (read, reviewed and linked from docs/authorization.md as SQL), read from the source
 * tree: `tsc` does not copy them to dist/, and the service runs from its checkout (`npm start`), so the
 * package root is found from this module, compiled or not.
 */
const SOURCE = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'src', 'database');

export type SourceFolder = 'functions' | 'triggers';

/** The CREATE OR REPLACE statement of the function `name`, with its header comment. */
export function functionSql(name: string): string {
  return readFileSync(join(SOURCE, 'functions', `${name}.sql`), 'utf8');
}

/** Every source file of a folder, by name (the function's name, without `.sql`). */
export function sourceFiles(folder: SourceFolder): Map<string, string> {
  const files = readdirSync(join(SOURCE, folder)).filter((f) => f.endsWith('.sql')).sort();
  return new Map(files.map((f) => [f.slice(0, -'.sql'.length), readFileSync(join(SOURCE, folder, f), 'utf8')]));
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}: the SQL sources are read from the source tree`);
  }
}
