import { Module } from '@nestjs/common';
import { ConsentsModule } from '../consents/consents.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { InboxModule } from '../inbox/inbox.module.js';
import { AccessLogService } from './access-log.service.js';
import { PortalInvitationExpiry, PortalInvitationExpiryJob } from './portal-invitation-expiry.js';
import { PortalInvitationsResolver } from './portal-invitations.resolver.js';
import { PortalInvitationsService } from './portal-invitations.service.js';
import { MyFamilyResolver, PortalResolver } from './portal.resolver.js';

/** The family's own view: its family and plan, its consents, its access log, and the portal logins themselves. */
@Module({
  imports: [FamiliesModule, ConsentsModule, InboxModule],
  providers: [AccessLogService, PortalResolver, MyFamilyResolver, PortalInvitationsService, PortalInvitationsResolver, PortalInvitationExpiry, PortalInvitationExpiryJob],
  exports: [PortalInvitationsService],
})
export class PortalModule {}
