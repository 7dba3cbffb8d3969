import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { UsersModule } from '../users/users.module.js';
import { FamiliesResolver } from './families.resolver.js';
import { FamilyMemberResolver } from './family-member.resolver.js';
import { FamiliesService } from './families.service.js';
import { FamilyMemberChange } from './family-member-change.entity.js';
import { FamilyMember } from './family-member.entity.js';
import { FamilyMove } from './family-move.entity.js';
import { Family } from './family.entity.js';
import { KnownFamilies } from './known-families.js';
import { MemberChangesResolver } from './member-changes.resolver.js';
import { MemberChangesService } from './member-changes.service.js';
import { MemberLanguageModule } from './member-language.js';

@Module({
  imports: [TypeOrmModule.forFeature([Family, FamilyMember, FamilyMove, FamilyMemberChange]), CaseAssignmentWriterModule, MemberLanguageModule, UsersModule, AgenciesModule],
  providers: [FamiliesService, FamiliesResolver, FamilyMemberResolver, MemberChangesService, MemberChangesResolver, KnownFamilies],
  exports: [FamiliesService, MemberChangesService, KnownFamilies],
})
export class FamiliesModule {}
