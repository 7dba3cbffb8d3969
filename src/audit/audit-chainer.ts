import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { Gauge } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { chainPendingAuditEntries } from './audit-chain.js';

/** How soon a written audit entry is linked to the hash chain (and so becomes tamper-evident). */
const CHAIN_INTERVAL_MS = 1000;

/**
 * Links newly written audit entries to the hash chain every second, on a connection
 * of its own (its statements are not the requests' and do not take their pool). Every replica runs one;
 * the database lets one chain at a time and the others find nothing left.
 */
@Injectable()
export class AuditChainer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditChainer.name);
  private readonly pool: pg.Pool;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(@Inject(APP_CONFIG) config: AppConfig & { databaseUrl: string }, metrics: Metrics) {
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
    this.timer = setInterval(() => this.runOnce(), CHAIN_INTERVAL_MS);
  }

  /** Links what is pending now; runs never overlap. */
  runOnce(): Promise<unknown> {
    this.running = this.running.then(() =>
      chainPendingAuditEntries(this.pool).catch((error: Error) => this.logger.warn(`audit chaining failed, retrying: ${error.message}`)),
    );
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.runOnce();
    await this.pool.end();
  }
}
