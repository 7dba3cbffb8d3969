/**
 * `npm run seed -- --families N [--seed S] [--as-of YYYY-MM-DD] [--append]` (`node dist/bench/seed/cli.js`):
 * seeds the configured database (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR), migrated first,
 * and prints what it wrote and principals to try. Offline only: see seed-database.ts.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { withConfiguredDatabase } from '../../src/database/configured-database.js';
import { EmbeddedDatabaseError } from '../../src/database/embedded-postgres.js';
import { seedDatabase, SeedRefusedError, type SeedOptions, type SeedSummary } from './seed-database.js';

function parseOptions(argv: string[]): SeedOptions {
  const options = {
    families: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'as-of': { type: 'string' },
    append: { type: 'boolean', default: false },
  } as const;
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: seed [--families N] [--seed S] [--as-of YYYY-MM-DD] [--append]`);
  }
  const whole = (name: string, value: string) => {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (got "${value}")`);
    return Number(value);
  };
  const asOf = values['as-of'];
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD (got "${asOf}")`);
  return {
    families: whole('families', values.families),
    seed: whole('seed', values.seed),
    asOf: asOf === undefined ? undefined : new Date(`${asOf}T00:00:00.000Z`),
    append: values.append,
  };
}

class UsageError extends Error {}

/** A text bar on stderr, redrawn in place; `close` ends its line if the run stopped half-way. */
function progressBar(): { update: (done: number, total: number) => void; close: () => void } {
  const started = performance.now();
  let drawn = false;
  const close = () => {
    if (drawn) process.stderr.write('\n');
    drawn = false;
  };
  const update = (done: number, total: number) => {
    const width = 40;
    const filled = Math.round((width * done) / total);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} families, ${seconds} s`);
    drawn = true;
    if (done === total) close();
  };
  return { update, close };
}

function printSummary(summary: SeedSummary): void {
  const lines = [
    `Seeded ${summary.families} families (seed ${summary.seed}, as of ${summary.asOf.toISOString().slice(0, 10)}) in ${summary.elapsedSeconds.toFixed(1)} s`,
    '',
    ...Object.entries(summary.counts).map(([table, rows]) => `  ${table.padEnd(24)} ${String(rows).padStart(12)}`),
    '',
    'Caseworkers with consented access to seeded families (npm run --silent token -- <subject>):',
    ...summary.caseworkers.slice(0, 5).map((c) => `  ${c.subject}  family ${c.familyIds[0]}  plan ${c.planIds[0]}`),
    'Caseworkers of agencies with overdue incoming referrals:',
    ...summary.incoming.slice(0, 5).map((c) => `  ${c.subject}  ${c.overdue} overdue, e.g. referral ${c.overdueReferralIds[0]}`),
    'Family members in the portal (accessLog, myFamily):',
    ...summary.portalMembers.slice(0, 5).map((m) => `  ${m.subject}  family ${m.familyId}`),
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const config = loadConfig();
  const progress = progressBar();
  try {
    const summary = await withConfiguredDatabase(config, (db) =>
      seedDatabase(db, { ...options, extraHolidays: config.extraHolidays, onProgress: progress.update }),
    );
    printSummary(summary);
  } finally {
    progress.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const expected =
        error instanceof ConfigError || error instanceof UsageError || error instanceof SeedRefusedError || error instanceof EmbeddedDatabaseError;
      console.error(expected ? error.message : error);
      process.exit(1);
    },
  );
}
