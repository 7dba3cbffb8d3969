import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { UsersModule } from '../users/users.module.js';
import { PlanHistoryEntry } from './plan-history-entry.entity.js';
import { PlanHistoryResolver } from './plan-history.resolver.js';
import { PlanHistoryService } from './plan-history.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PlanHistoryEntry]), UsersModule, AgenciesModule],
  providers: [PlanHistoryService, PlanHistoryResolver],
  exports: [PlanHistoryService],
})
export class HistoryModule {}
