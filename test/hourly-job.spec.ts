import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { HourlyJob } from '../src/scheduling/hourly-job.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A job whose runs are counted, and can be held open or made to fail. */
class CountingJob extends HourlyJob {
  runs = 0;
  hold: Promise<void> | null = null;
  failNext = false;

  constructor(enabled: boolean) {
    super(enabled);
  }

  protected async runOnce(): Promise<string | null> {
    this.runs++;
    if (this.hold) await this.hold;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database gone');
    }
    return null;
  }
}

describe('the hourly jobs (retention, transition checklists)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('run a minute after start, then every hour', async () => {
    const job = new CountingJob(true);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(MINUTE - 1);
    expect(job.runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(job.runs).toBe(1);
    await jest.advanceTimersByTimeAsync(3 * HOUR);
    expect(job.runs).toBe(4);
    await job.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(3 * HOUR);
    expect(job.runs).toBe(4);
  });

  it('start no run once the app is shutting down, while Nest still drains the requests in flight', async () => {
    const job = new CountingJob(true);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(job.runs).toBe(1);
    // Nest destroys the modules before it drains HTTP and long before the shutdown hooks.
    job.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(3 * HOUR);
    expect(job.runs).toBe(1);
    await job.onApplicationShutdown();
  });

  it('do not run where they are switched off', async () => {
    const job = new CountingJob(false);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5 * HOUR);
    expect(job.runs).toBe(0);
  });

  it('run one at a time, survive a failed run, and let a run in progress finish at shutdown', async () => {
    const job = new CountingJob(true);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    job.onApplicationBootstrap();
    job.failNext = true;
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(logged).toHaveBeenCalledWith('Run failed: database gone');
    expect(job.runs).toBe(1);

    let release!: () => void;
    job.hold = new Promise((resolve) => (release = resolve));
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(job.runs).toBe(2);
    // Still running an hour later: the next tick is skipped, not stacked.
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(job.runs).toBe(2);

    let stopped = false;
    const stopping = job.onApplicationShutdown().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
    logged.mockRestore();
  });
});
