import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { Gauge } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { chainPendingAuditEntries } from './audit-chain.js';
import { type AuditCheckpoint, auditCheckpointKey, chainHead, checkpointFile, signCheckpoint, writeCheckpoint } from './audit-checkpoint.js';

/** How soon a written audit entry is linked to the hash chain (and so becomes tamper-evident). */
const CHAIN_INTERVAL_MS = 1000;
/** How often at most a checkpoint goes to the log too (the file has every one). */
const CHECKPOINT_LOG_INTERVAL_MS = 60_000;

/**
 * Links newly written audit entries to the hash chain every second, on a connection
 * of its own (its statements are not the requests' and do not take their pool). Every replica runs one;
 * the database lets one chain at a time and the others find nothing left.
 *
 * When the chain's head has moved, it writes a checkpoint of it (signed with the checkpoint key, which is
 * not in the database) to `<DATA_DIR>/audit-checkpoint.json`, and at most once a minute to the log as
 * well: kept outside the database, it lets `audit:verify` see a cut or rewritten end of the chain.
 */
@Injectable()
export class AuditChainer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditChainer.name);
  private readonly pool: pg.Pool;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly checkpointKey: Uint8Array;
  private readonly checkpointFile: string;
  /** The latest checkpoint written, and whether the log has it yet. */
  private checkpointed: AuditCheckpoint | undefined;
  private unlogged = false;
  private loggedAt = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig & { databaseUrl: string }, metrics: Metrics) {
    this.checkpointKey = auditCheckpointKey(config);
    this.checkpointFile = checkpointFile(config.dataDir);
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1, application_name: 'gezin1plan-audit-chain' });
    // An idle connection that drops (database restart) is replaced at the next run.
    this.pool.on('error', (error) => this.logger.warn(`audit chain connection lost: ${error.message}`));
    const pool = this.pool;
    new Gauge({
      name: 'gezin1plan_audit_entries_unlinked',
      help: 'Audit entries written but not linked to the hash chain yet (should stay near zero: linked every second)',
      registers: [metrics.registry],
      async collect() {
        try {
          this.set((await pool.query(`SELECT count(*)::int AS n FROM audit_unchained`)).rows[0].n);
        } catch {
          this.reset(); // the database is unreachable: no figure
        }
      },
    });
  }

  onApplicationBootstrap(): void {
    // Fire-and-forget: runOnce logs its own failures and never rejects; the next tick retries.
    this.timer = setInterval(() => void this.runOnce(), CHAIN_INTERVAL_MS);
  }

  /** Links what is pending now, then checkpoints the head; runs never overlap. */
  runOnce(final = false): Promise<unknown> {
    this.running = this.running.then(() =>
      chainPendingAuditEntries(this.pool).then(
        () => this.checkpoint(final).catch((error: Error) => this.logger.warn(`audit checkpoint not written, retrying: ${error.message}`)),
        (error: Error) => this.logger.warn(`audit chaining failed, retrying: ${error.message}`),
      ),
    );
    return this.running;
  }

  private async checkpoint(final: boolean): Promise<void> {
    const head = await chainHead(this.pool);
    if (head && head.hash !== this.checkpointed?.hash) {
      this.checkpointed = signCheckpoint(head, this.checkpointKey);
      writeCheckpoint(this.checkpointFile, this.checkpointed);
      this.unlogged = true;
    }
    if (this.unlogged && (final || Date.now() - this.loggedAt >= CHECKPOINT_LOG_INTERVAL_MS)) {
      this.logger.log({ msg: 'audit chain checkpoint', auditCheckpoint: this.checkpointed });
      this.unlogged = false;
      this.loggedAt = Date.now();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.runOnce(true);
    await this.pool.end();
  }
}
