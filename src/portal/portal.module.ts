import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { AccessLogService } from './access-log.service.js';
import { MyFamilyResolver, PortalResolver } from './portal.resolver.js';

/** The family's own view: its family and plan, its consents, and its access log. */
@Module({
  imports: [FamiliesModule, ConsentsModule],
  providers: [AccessLogService, PortalResolver, MyFamilyResolver],
})
export class PortalModule {}
