import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { BreakGlassModule } from '../break-glass/break-glass.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { GoalsModule } from '../goals/goals.module.js';
import { HistoryModule } from '../history/history.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { MemberCorrectionsModule } from '../families/member-corrections.module.js';
import { PortalModule } from '../portal/portal.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { NotesModule } from '../notes/notes.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { ReferralsModule } from '../referrals/referrals.module.js';
import { FamilyMerge } from './family-merge.entity.js';
import { FamilyMergeResolver } from './family-merge.resolver.js';
import { FamilyMergeService } from './family-merge.service.js';

/** Merging two registrations of the same family: each table re-pointed by its owner's method (docs/family-merge.md). */
@Module({
  imports: [
    TypeOrmModule.forFeature([FamilyMerge]),
    FamiliesModule,
    PlansModule,
    GoalsModule,
    NotesModule,
    ConsentsModule,
    ReferralsModule,
    CaseAssignmentWriterModule,
    BreakGlassModule,
    InboxModule,
    MemberCorrectionsModule,
    RetentionModule,
    PortalModule,
    HistoryModule,
  ],
  providers: [FamilyMergeService, FamilyMergeResolver],
})
export class FamilyMergeModule {}
