import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { GoalsModule } from '../goals/goals.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { TransitionChecklistJob } from './transition-checklist.job.js';
import { TransitionsResolver } from './transitions.resolver.js';
import { TransitionsService } from './transitions.service.js';

@Module({
  imports: [FamiliesModule, GoalsModule, PlansModule, ConsentsModule, InboxModule],
  providers: [TransitionsService, TransitionsResolver, TransitionChecklistJob],
})
export class TransitionsModule {}
