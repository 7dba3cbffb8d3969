import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { HistoryModule } from '../history/history.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { UsersModule } from '../users/users.module.js';
import { PlanParticipant } from './plan-participant.entity.js';
import { PlanParticipantResolver, TrajectorySupporterResolver } from './plan-team.resolver.js';
import { PlanTeamService } from './plan-team.service.js';
import { PlanWriter } from './plan-writer.js';
import { Plan } from './plan.entity.js';
import { FamilyMoveStepResolver, FamilyPlanResolver, PlansResolver } from './plans.resolver.js';
import { PlansService } from './plans.service.js';
import { TrajectorySupporter } from './trajectory-supporter.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Plan, TrajectorySupporter, PlanParticipant]),
    FamiliesModule,
    HistoryModule,
    UsersModule,
    AgenciesModule,
    InboxModule,
    CaseAssignmentWriterModule,
  ],
  providers: [
    PlansService,
    PlanTeamService,
    PlanWriter,
    PlansResolver,
    FamilyPlanResolver,
    FamilyMoveStepResolver,
    TrajectorySupporterResolver,
    PlanParticipantResolver,
  ],
  exports: [PlanWriter, PlansService, PlanTeamService],
})
export class PlansModule {}
