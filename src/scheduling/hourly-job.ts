import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { describeError } from '../common/errors.js';

const FIRST_RUN_AFTER_MS = 60_000;
const EVERY_MS = 60 * 60_000;

/**
 * Work the service does by itself, a minute after start and then every hour, one run at a time per
 * process. Hourly rather than daily so that a replica restarted more often than daily still runs it; the
 * work itself must be safe with several replicas (each unit locked and done once) and cheap when there is
 * nothing to do. A failed run is logged and retried at the next hour.
 */
export abstract class HourlyJob implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;

  /** @param enabled whether this process runs the job (its configuration switch) */
  protected constructor(private readonly enabled: boolean) {}

  /** One run; what to log when it did something (null: nothing to tell). */
  protected abstract runOnce(): Promise<string | null>;

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.timers = [setTimeout(() => this.run(), FIRST_RUN_AFTER_MS), setInterval(() => this.run(), EVERY_MS)];
    for (const timer of this.timers) timer.unref();
  }

  /** Starts no run once shutdown began: Nest destroys the modules first, then drains the requests in flight. */
  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Lets a run in progress finish its unit (each is one transaction) before the pools close. */
  async onApplicationShutdown(): Promise<void> {
    this.onModuleDestroy();
    await this.running;
  }

  private run(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .then((done) => {
        if (done) this.logger.log(done);
      })
      .catch((error: unknown) => this.logger.error(`Run failed: ${describeError(error)}`))
      .finally(() => {
        this.running = null;
      });
  }
}

/** An hourly job that tells the inboxes of what came due: logs how many records a run told, when any. */
export abstract class TellingHourlyJob extends HourlyJob {
  /** @param told what a run told, as the log says it (`Consents expiring: told`) */
  protected constructor(
    enabled: boolean,
    private readonly told: string,
    private readonly tell: () => Promise<number>,
  ) {
    super(enabled);
  }

  protected async runOnce(): Promise<string | null> {
    const count = await this.tell();
    return count > 0 ? `${this.told} ${count}` : null;
  }
}
