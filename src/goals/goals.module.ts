import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { HistoryModule } from '../history/history.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { UsersModule } from '../users/users.module.js';
import { Action } from './action.entity.js';
import { ActionReminders, ActionRemindersJob } from './action-reminders.js';
import { ActionsResolver } from './actions.resolver.js';
import { ActionsService } from './actions.service.js';
import { GoalMember } from './goal-member.entity.js';
import { GoalProgressNote } from './goal-progress-note.entity.js';
import { Goal } from './goal.entity.js';
import { GoalProgressNoteResolver, GoalsResolver, PlanGoalsResolver } from './goals.resolver.js';
import { GoalsService } from './goals.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Goal, GoalMember, GoalProgressNote, Action]), FamiliesModule, HistoryModule, UsersModule, AgenciesModule, InboxModule],
  providers: [ActionReminders, ActionRemindersJob, GoalsService, ActionsService, GoalsResolver, PlanGoalsResolver, GoalProgressNoteResolver, ActionsResolver],
  exports: [GoalsService, ActionsService],
})
export class GoalsModule {}
