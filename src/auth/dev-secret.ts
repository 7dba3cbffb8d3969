import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A key: the configured one, or a random one generated once and kept in the data directory
 * (`fileName`), so that processes sharing the directory agree without a shared default. Used for
 * development tokens (AUTH_DEV_SECRET, shared with `npm run token`) and for the tokens the service
 * issues to integration clients (CLIENT_TOKEN_SECRET), and to seal the secrets that sign webhooks
 * (WEBHOOK_SECRET_KEY).
 */
export function devSecret(configured: string | undefined, dataDir: string, fileName = 'dev-secret'): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = join(dataDir, fileName);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/**
 * Where `devSecret(configured, dataDir, fileName)` takes its key from, for messages in development: a
 * process with another DATA_DIR signs with another key, and the service refuses its tokens.
 */
export function devSecretSource(configured: string | undefined, dataDir: string, fileName = 'dev-secret'): string {
  return configured ? 'AUTH_DEV_SECRET' : `the secret in ${resolve(dataDir, fileName)}`;
}
