import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { UsersModule } from '../users/users.module.js';
import { AssignmentsResolver, FamilyAssignmentsResolver } from './assignments.resolver.js';
import { AssignmentsService } from './assignments.service.js';
import { CaseAssignmentWriterModule } from './case-assignment-writer.module.js';
import { CaseAssignment } from './case-assignment.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([CaseAssignment]), UsersModule, AgenciesModule, CaseAssignmentWriterModule],
  providers: [AssignmentsService, AssignmentsResolver, FamilyAssignmentsResolver],
})
export class AssignmentsModule {}
