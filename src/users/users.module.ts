import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { MemberLanguageModule } from '../families/member-language.js';
import { MembershipInvitation } from './membership-invitation.entity.js';
import { Membership } from './membership.entity.js';
import { User } from './user.entity.js';
import { MembershipInvitationResolver, UsersResolver, ViewerResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, Membership, MembershipInvitation]), AgenciesModule, CaseAssignmentWriterModule, MemberLanguageModule],
  providers: [UsersService, UsersResolver, ViewerResolver, MembershipInvitationResolver],
  exports: [UsersService],
})
export class UsersModule {}
