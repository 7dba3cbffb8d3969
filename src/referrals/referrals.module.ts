import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { HandoverMeeting } from './handover-meeting.entity.js';
import { ReferralDeadlines } from './referral-deadlines.js';
import { ReferralEvents } from './referral-events.js';
import { ReferralOverdue, ReferralOverdueJob } from './referral-overdue.js';
import { ReferralTransition } from './referral-transition.entity.js';
import { Referral } from './referral.entity.js';
import { FamilyReferralsResolver, ReferralsResolver, ReferralTransitionResolver } from './referrals.resolver.js';
import { ReferralsService } from './referrals.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Referral, ReferralTransition, HandoverMeeting]), FamiliesModule, PlansModule, CaseAssignmentWriterModule, UsersModule, AgenciesModule, AuthModule, WebhooksModule, InboxModule, DirectoryModule],
  providers: [ReferralsService, ReferralDeadlines, ReferralEvents, ReferralOverdue, ReferralOverdueJob, ReferralsResolver, ReferralTransitionResolver, FamilyReferralsResolver],
  exports: [ReferralsService],
})
export class ReferralsModule {}
