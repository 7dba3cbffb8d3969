import { Module } from '@nestjs/common';
import { CaseAssignmentWriterModule } from '../assignments/case-assignment-writer.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { RateLimitModule } from '../security/rate-limit.module.js';
import { FamiliesModule } from './families.module.js';
import { FamilyIdentityResolver } from './family-identity.resolver.js';
import { FamilyIdentityService } from './family-identity.service.js';

/** Whether a family is known, and joining its team (docs/family-identity.md): apart from FamiliesModule, which plans depend on. */
@Module({
  imports: [FamiliesModule, PlansModule, CaseAssignmentWriterModule, InboxModule, RateLimitModule],
  providers: [FamilyIdentityService, FamilyIdentityResolver],
})
export class FamilyIdentityModule {}
