import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FamiliesResolver } from './families.resolver.js';
import { FamilyMemberResolver } from './family-member.resolver.js';
import { FamiliesService } from './families.service.js';
import { FamilyMember } from './family-member.entity.js';
import { Family } from './family.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Family, FamilyMember])],
  providers: [FamiliesService, FamiliesResolver, FamilyMemberResolver],
  exports: [FamiliesService],
})
export class FamiliesModule {}
