import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Compiled by `npm run build` (npm test runs it first): globalSetup does not go through ts-jest.
import { startEmbeddedPostgres } from '../dist/src/database/embedded-postgres.js';

/** Every test run gets a fresh cluster in a temporary directory, unless DATABASE_URL is given. */
export default async function globalSetup(): Promise<void> {
  process.env.AUTH_DEV_SECRET ??= 'test-secret-for-hs256-tokens-only-in-tests';
  // The generated keys and the audit checkpoints of the test services stay out of the developer's `.data`.
  process.env.DATA_DIR ??= mkdtempSync(join(tmpdir(), 'gezin1plan-test-data-'));
  if (process.env.DATABASE_URL) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'gezin1plan-test-'));
  const db = await startEmbeddedPostgres({ dataDir, database: 'gezin1plan_test', persistent: false });
  process.env.DATABASE_URL = db.url;
  (globalThis as { __EMBEDDED_DB__?: typeof db }).__EMBEDDED_DB__ = db;
}
