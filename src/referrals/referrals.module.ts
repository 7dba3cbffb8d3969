import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { HistoryModule } from '../history/history.module.js';
import { UsersModule } from '../users/users.module.js';
import { HandoverMeeting } from './handover-meeting.entity.js';
import { ReferralDeadlines } from './referral-deadlines.js';
import { ReferralTransition } from './referral-transition.entity.js';
import { Referral } from './referral.entity.js';
import { FamilyReferralsResolver, ReferralsResolver, ReferralTransitionResolver } from './referrals.resolver.js';
import { ReferralsService } from './referrals.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Referral, ReferralTransition, HandoverMeeting]), FamiliesModule, HistoryModule, UsersModule, AgenciesModule],
  providers: [ReferralsService, ReferralDeadlines, ReferralsResolver, ReferralTransitionResolver, FamilyReferralsResolver],
})
export class ReferralsModule {}
