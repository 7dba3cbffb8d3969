import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HourlyJob } from '../scheduling/hourly-job.js';
import { RetentionService } from './retention.service.js';

/** Erases the families that became due (RETENTION_JOB=false turns it off); a run with nothing due is one query. */
@Injectable()
export class RetentionJob extends HourlyJob {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly retention: RetentionService,
  ) {
    super(config.retention.job);
  }

  protected async runOnce(): Promise<string | null> {
    const erased = await this.retention.applyRetention();
    return erased > 0 ? `Retention: erased the personal data of ${erased} families` : null;
  }
}
