import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RetentionService } from './retention.service.js';

const FIRST_RUN_AFTER_MS = 60_000;
const EVERY_MS = 60 * 60_000;

/**
 * Erases the families that became due, a minute after start and then every hour (RETENTION_JOB=false
 * turns it off). Hourly rather than daily so that a replica restarted more often than daily still runs
 * it; a run with nothing due costs one query. Every replica may run it: families are locked one at a time.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionJob.name);
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.retention.job) return;
    this.timers = [setTimeout(() => this.run(), FIRST_RUN_AFTER_MS), setInterval(() => this.run(), EVERY_MS)];
    for (const timer of this.timers) timer.unref();
  }

  /** Lets a run in progress finish its family (each is one transaction) before the pools close. */
  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.running;
  }

  private run(): void {
    if (this.running) return;
    this.running = this.retention
      .eraseDueFamilies()
      .then((erased) => {
        if (erased > 0) this.logger.log(`Retention: erased the personal data of ${erased} families`);
      })
      .catch((error: unknown) => this.logger.error(`Retention run failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.running = null;
      });
  }
}
