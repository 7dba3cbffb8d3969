import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { MySubjectDocument } from './graphql/generated.js';
import { queryText, TestApi } from './support/test-app.js';

describe('configuration', () => {
  it('names every missing production setting', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', PORT: 'eighty' })).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*AUTH_ISSUER/);
    expect(() => loadConfig({ AUTH_ISSUER: 'https://idp.example' })).toThrow(/AUTH_AUDIENCE[\s\S]*AUTH_JWKS_URL/);
    expect(() => loadConfig({ AUTH_DEV_SECRET: 'short' })).toThrow(/AUTH_DEV_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CLIENT_TOKEN_SECRET is required in production/);
    expect(() => loadConfig({ CLIENT_TOKEN_SECRET: 'short' })).toThrow(/CLIENT_TOKEN_SECRET must be at least 32/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUDIT_CHECKPOINT_KEY is required in production/);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_KEY: 'short' })).toThrow(/AUDIT_CHECKPOINT_KEY must be at least 32/);
    expect(loadConfig({ AUDIT_CHECKPOINT_KEY: 'a'.repeat(32) }).auditCheckpointKey).toBe('a'.repeat(32));
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/NATIONAL_NUMBER_KEY is required in production/);
    expect(() => loadConfig({ NATIONAL_NUMBER_KEY: 'short' })).toThrow(/NATIONAL_NUMBER_KEY must be at least 32/);
    expect(loadConfig({ NATIONAL_NUMBER_KEY: 'n'.repeat(32) }).nationalNumberKey).toBe('n'.repeat(32));
  });

  it('reads extra holidays for referral deadlines and names a bad one', () => {
    expect(loadConfig({ EXTRA_HOLIDAYS: '2026-07-11, 2026-09-27' }).extraHolidays).toEqual(['2026-07-11', '2026-09-27']);
    expect(loadConfig({}).extraHolidays).toEqual([]);
    expect(() => loadConfig({ EXTRA_HOLIDAYS: '2026-07-11,11/07/2026' })).toThrow(/EXTRA_HOLIDAYS[^\n]*"11\/07\/2026"/);
  });

  it("reads the families' time zone for ages and deadlines, Brussels by default, and refuses an unknown one", () => {
    expect(loadConfig({}).legalTimeZone).toBe('Europe/Brussels');
    expect(loadConfig({ LEGAL_TIME_ZONE: 'Europe/Amsterdam' }).legalTimeZone).toBe('Europe/Amsterdam');
    expect(() => loadConfig({ LEGAL_TIME_ZONE: 'Europe/Brussel' })).toThrow(/LEGAL_TIME_ZONE[^\n]*"Europe\/Brussel"/);
    // Passed to PostgreSQL as a session option: nothing but a zone name gets there.
    expect(() => loadConfig({ LEGAL_TIME_ZONE: 'UTC -c log_statement=all' })).toThrow(/LEGAL_TIME_ZONE/);
  });

  it('reads the webhook settings with their defaults, and names each bad one', () => {
    expect(loadConfig({}).webhooks).toEqual({
      worker: true,
      secretKey: undefined,
      retryLimit: 12,
      retryDelaySeconds: 10,
      timeoutSeconds: 10,
      pollIntervalMs: 1000,
      allowPrivateAddresses: true,
    });
    // In production, webhooks go to the public internet only unless allowed.
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db.internal/gezin1plan',
      AUTH_ISSUER: 'https://idp.example',
      AUTH_AUDIENCE: 'gezin1plan',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      CLIENT_TOKEN_SECRET: 'c'.repeat(32),
      WEBHOOK_SECRET_KEY: 'w'.repeat(32),
      AUDIT_CHECKPOINT_KEY: 'a'.repeat(32),
      NATIONAL_NUMBER_KEY: 'n'.repeat(32),
    };
    expect(loadConfig(production).webhooks.allowPrivateAddresses).toBe(false);
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }).webhooks.allowPrivateAddresses).toBe(true);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'no' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be true or false/);
    expect(
      loadConfig({ WEBHOOK_WORKER: 'false', WEBHOOK_RETRY_LIMIT: '0', WEBHOOK_RETRY_DELAY_SECONDS: '2', WEBHOOK_TIMEOUT_SECONDS: '5' }).webhooks,
    ).toMatchObject({ worker: false, retryLimit: 0, retryDelaySeconds: 2, timeoutSeconds: 5 });
    expect(() => loadConfig({ WEBHOOK_WORKER: 'yes' })).toThrow(/WEBHOOK_WORKER must be true or false \(got "yes"\)/);
    expect(() => loadConfig({ WEBHOOK_RETRY_LIMIT: '-1' })).toThrow(/WEBHOOK_RETRY_LIMIT must be a whole number from 0 to 30/);
    expect(() => loadConfig({ WEBHOOK_RETRY_DELAY_SECONDS: '0.5' })).toThrow(/WEBHOOK_RETRY_DELAY_SECONDS/);
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_SECONDS: '600' })).toThrow(/WEBHOOK_TIMEOUT_SECONDS must be a whole number from 1 to 60/);
    expect(loadConfig({ WEBHOOK_POLL_INTERVAL_MS: '100' }).webhooks.pollIntervalMs).toBe(100);
    expect(() => loadConfig({ WEBHOOK_POLL_INTERVAL_MS: '10' })).toThrow(/WEBHOOK_POLL_INTERVAL_MS must be a whole number from 50 to 60000/);
    expect(() => loadConfig({ WEBHOOK_SECRET_KEY: 'short' })).toThrow(/WEBHOOK_SECRET_KEY must be at least 32/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRET_KEY is required in production/);
  });

  it('groups the new items of a minute in one e-mail by default, and names a bad window', () => {
    expect(loadConfig({}).email.groupSeconds).toBe(60);
    expect(loadConfig({ EMAIL_GROUP_SECONDS: '300' }).email.groupSeconds).toBe(300);
    for (const bad of ['0', '3601', '1.5']) expect(() => loadConfig({ EMAIL_GROUP_SECONDS: bad })).toThrow(/EMAIL_GROUP_SECONDS must be a whole number from 1 to 3600/);
  });

  it('names each other bad variable, one line per problem', () => {
    expect(() => loadConfig({ NODE_ENV: 'staging' })).toThrow(/NODE_ENV must be development, test or production \(got "staging"\)/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be a port number \(got "70000"\)/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'api', AUTH_JWKS_URL: 'ftp://idp.example/jwks' })).toThrow(
      /AUTH_JWKS_URL must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)/);
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('error');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    // All at once: every problem reported, each on its own line.
    const error = (() => {
      try {
        loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', WEBHOOK_WORKER: 'maybe', EXTRA_HOLIDAYS: 'tomorrow' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems).toHaveLength(4);
    expect(error?.message.split('\n')).toEqual(['Invalid configuration:', ...error!.problems.map((p) => `  - ${p}`)]);
  });

  it('a production process refuses to start without its auth settings (no silent dev mode)', () => {
    const run = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: process.env.DATABASE_URL },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('AUTH_ISSUER');
  });
});

describe('OIDC tokens verified against the provider JWKS', () => {
  let jwks: Server;
  let api: TestApi;
  let privateKey: CryptoKey;
  let issuer: string;
  const audience = 'gezin1plan-api';

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    privateKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwks = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    api = await TestApi.start({ AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: `${issuer}/jwks` });
  });
  afterAll(async () => {
    await api.stop();
    jwks.close();
  });

  const sign = (claims: { iss?: string; aud?: string }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setSubject('oidc-user@test')
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? audience)
      .setExpirationTime('5m')
      .sign(privateKey);

  const me = (token: string) =>
    request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: queryText(MySubjectDocument) });

  it('accepts a token of the configured issuer and audience', async () => {
    const res = await me(await sign({}));
    expect(res.body.data.me.subject).toBe('oidc-user@test');
  });

  it('refuses another audience, another issuer, and development tokens', async () => {
    for (const token of [await sign({ aud: 'other' }), await sign({ iss: 'https://evil.example' }), await TestApi.token('oidc-user@test')]) {
      const res = await me(token);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});
