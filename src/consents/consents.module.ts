import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { CapacityAssessment } from './capacity-assessment.entity.js';
import { Consent } from './consent.entity.js';
import { ConsentExpiry, ConsentExpiryJob } from './consent-expiry.js';
import { CapacityAssessmentResolver, ConsentsResolver } from './consents.resolver.js';
import { ConsentsService } from './consents.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Consent, CapacityAssessment]), FamiliesModule, AgenciesModule, InboxModule, DirectoryModule],
  providers: [ConsentsService, ConsentsResolver, CapacityAssessmentResolver, ConsentExpiry, ConsentExpiryJob],
  exports: [ConsentsService],
})
export class ConsentsModule {}
