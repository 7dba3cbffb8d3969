import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { UsersModule } from '../users/users.module.js';
import { BreakGlassGrant } from './break-glass-grant.entity.js';
import { BreakGlassResolver, FamilyBreakGlassResolver } from './break-glass.resolver.js';
import { BreakGlassService } from './break-glass.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([BreakGlassGrant]), UsersModule, AgenciesModule, InboxModule],
  providers: [BreakGlassService, BreakGlassResolver, FamilyBreakGlassResolver],
  exports: [BreakGlassService],
})
export class BreakGlassModule {}
