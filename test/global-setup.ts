import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Compiled by `npm run build` (npm test runs it first): globalSetup does not go through ts-jest.
import { startEmbeddedPostgres } from '../dist/src/database/embedded-postgres.js';

/**
 * The cluster lives as long as the run and is deleted after it: nothing needs to survive a crash of the machine, so
 * commits do not wait for the disk. (A killed PostgreSQL process loses nothing either way: the fault tests still hold.)
 */
const THROWAWAY_CLUSTER = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/** Every test run gets a fresh cluster in a temporary directory, unless DATABASE_URL is given. */
export default async function globalSetup(): Promise<void> {
  refuseStaleBuild();
  process.env.AUTH_DEV_SECRET ??= 'test-secret-for-hs256-tokens-only-in-tests';
  // The generated keys and the audit checkpoints of the test services stay out of the developer's `.data`.
  process.env.DATA_DIR ??= mkdtempSync(join(tmpdir(), 'gezin1plan-test-data-'));
  if (process.env.DATABASE_URL) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'gezin1plan-test-'));
  const db = await startEmbeddedPostgres({ dataDir, database: 'gezin1plan_test', persistent: false, postgresFlags: THROWAWAY_CLUSTER });
  process.env.DATABASE_URL = db.url;
  (globalThis as { __EMBEDDED_DB__?: typeof db }).__EMBEDDED_DB__ = db;
}

/**
 * The app the test files share runs the compiled `dist/` (test/support/worker-app.ts): a source changed since the
 * last `npm run build` would be tested as it was before the change, so the run stops here instead.
 */
function refuseStaleBuild(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const newest = (dir: string) =>
    Math.max(...readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(root, dir, f)).mtimeMs));
  const built = statSync(join(root, 'dist/src/bootstrap.js')).mtimeMs;
  const changed = ['src', 'migrations'].filter((dir) => newest(dir) > built);
  if (changed.length) throw new Error(`${changed.join(' and ')} changed after the last build: run \`npm run build\` first`);
}
