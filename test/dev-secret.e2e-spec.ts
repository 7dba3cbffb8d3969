import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { MySubjectDocument } from './graphql/generated.js';
import { queryText, uniqueSubject } from './support/test-app.js';

const { AUTH_DEV_SECRET: _, ...withoutDevSecret } = process.env;
const quiet = { NODE_ENV: 'test', WEBHOOK_WORKER: 'false', RETENTION_JOB: 'false', TRANSITION_JOB: 'false', OVERDUE_JOB: 'false' };

/** `npm run token -- <subject>` with `env`: the token (stdout) and what it says besides (stderr). */
function devToken(subject: string, env: Record<string, string | undefined>): Promise<{ token: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['dist/src/cli/dev-token.js', subject], { env }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ token: stdout.trim(), stderr }),
    ),
  );
}

/** The first error of `{ me { subject } }` sent with `token`. */
async function refusalOf(app: INestApplication, token: string): Promise<{ message: string; extensions?: Record<string, unknown> }> {
  const res = await request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: queryText(MySubjectDocument) });
  return res.body.errors[0];
}

async function startApp(env: Record<string, string | undefined>): Promise<INestApplication> {
  const config = loadConfig({ ...withoutDevSecret, ...quiet, ...env });
  const app = await createApp({ ...config, databaseUrl: config.databaseUrl! });
  await app.init();
  return app;
}

/**
 * Development tokens are signed with a secret kept in DATA_DIR (or AUTH_DEV_SECRET): `npm run token` with
 * another DATA_DIR than the service's made a secret of its own, and the service answered only "invalid or
 * expired". In development, the command and the refusal name the secret they use.
 */
describe('the development secret, named', () => {
  const serviceDataDir = mkdtempSync(join(tmpdir(), 'gezin1plan-service-secret-'));
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp({ DATA_DIR: serviceDataDir });
  });
  afterAll(() => app.close());

  test('a token made with another DATA_DIR: the command names the secret it made, the refusal the one the service uses', async () => {
    const otherDataDir = mkdtempSync(join(tmpdir(), 'gezin1plan-other-secret-'));
    const { token, stderr } = await devToken(uniqueSubject('newcomer'), { ...withoutDevSecret, DATA_DIR: otherDataDir });
    expect(stderr).toContain(`${otherDataDir}/dev-secret`);

    const refusal = await refusalOf(app, token);
    expect(refusal.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refusal.message).toContain('invalid or expired');
    expect(refusal.message).toContain(`${serviceDataDir}/dev-secret`);
    expect(refusal.message).toContain('DATA_DIR');
  });

  test('a token made with the service\'s DATA_DIR is accepted, and the command says nothing besides it', async () => {
    const { token, stderr } = await devToken(uniqueSubject('newcomer'), { ...withoutDevSecret, DATA_DIR: serviceDataDir });
    expect(stderr).toBe('');
    const res = await request(app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: '{ __typename }' });
    expect(res.body.errors).toBeUndefined();
  });

  test('with AUTH_DEV_SECRET configured, the refusal names that variable, not a file', async () => {
    const configured = await startApp({ AUTH_DEV_SECRET: 'x'.repeat(40), DATA_DIR: serviceDataDir });
    try {
      const { token } = await devToken(uniqueSubject('newcomer'), { ...withoutDevSecret, DATA_DIR: serviceDataDir });
      const refusal = await refusalOf(configured, token);
      expect(refusal.message).toContain('AUTH_DEV_SECRET');
      expect(refusal.message).not.toContain(serviceDataDir);
    } finally {
      await configured.close();
    }
  });

  test('with an OIDC provider (as in production), the refusal names no secret', async () => {
    const oidc = await startApp({
      DATA_DIR: serviceDataDir,
      AUTH_ISSUER: 'https://issuer.invalid',
      AUTH_AUDIENCE: 'gezin1plan',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
    });
    try {
      const { token } = await devToken(uniqueSubject('newcomer'), { ...withoutDevSecret, DATA_DIR: serviceDataDir });
      const refusal = await refusalOf(oidc, token);
      expect(refusal.extensions?.code).toBe('UNAUTHENTICATED');
      expect(refusal.message).toBe('The bearer token is invalid or expired');
    } finally {
      await oidc.close();
    }
  });
});
