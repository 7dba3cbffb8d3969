import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { FamiliesResolver } from './families.resolver.js';
import { FamilyMemberResolver } from './family-member.resolver.js';
import { FamiliesService } from './families.service.js';
import { FamilyMember } from './family-member.entity.js';
import { Family } from './family.entity.js';
import { KnownFamilies } from './known-families.js';

@Module({
  imports: [TypeOrmModule.forFeature([Family, FamilyMember]), CaseAssignmentWriterModule],
  providers: [FamiliesService, FamiliesResolver, FamilyMemberResolver, KnownFamilies],
  exports: [FamiliesService, KnownFamilies],
})
export class FamiliesModule {}
