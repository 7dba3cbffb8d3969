import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboxModule } from '../inbox/inbox.module.js';
import { FamiliesModule } from './families.module.js';
import { MemberCorrectionRequest } from './member-correction-request.entity.js';
import { MemberCorrectionsResolver } from './member-corrections.resolver.js';
import { MemberCorrectionsService } from './member-corrections.service.js';

/** Corrections a member asks for in the portal; apart from FamiliesModule, which the inbox itself imports. */
@Module({
  imports: [TypeOrmModule.forFeature([MemberCorrectionRequest]), FamiliesModule, InboxModule],
  providers: [MemberCorrectionsService, MemberCorrectionsResolver],
  exports: [MemberCorrectionsService],
})
export class MemberCorrectionsModule {}
