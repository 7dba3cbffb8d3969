import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { InboxDigest, InboxDigestJob } from './inbox-digest.js';
import { InboxEmail } from './inbox-email.js';
import { InboxItem } from './inbox-item.entity.js';
import { InboxLive } from './inbox-live.js';
import { InboxResolver } from './inbox.resolver.js';
import { InboxService } from './inbox.service.js';
import { NotificationChannels } from './notification-channels.service.js';

/** The inbox of every principal (docs/inbox.md); producers call `InboxService.deliver` in their event's transaction. */
@Module({
  imports: [TypeOrmModule.forFeature([InboxItem]), FamiliesModule, AuthModule],
  providers: [InboxService, InboxLive, InboxResolver, InboxEmail, InboxDigest, InboxDigestJob, NotificationChannels],
  exports: [InboxService, NotificationChannels],
})
export class InboxModule {}
