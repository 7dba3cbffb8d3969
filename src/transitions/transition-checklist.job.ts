import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HourlyJob } from '../scheduling/hourly-job.js';
import { TransitionsService } from './transitions.service.js';

/** Proposes the transition-to-18 checklists that became due (TRANSITION_JOB=false turns it off). */
@Injectable()
export class TransitionChecklistJob extends HourlyJob {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly transitions: TransitionsService,
  ) {
    super(config.transitions.job);
  }

  protected async runOnce(): Promise<string | null> {
    const proposed = await this.transitions.proposeDueChecklists();
    return proposed > 0 ? `Transition to 18: proposed ${proposed} checklists` : null;
  }
}
