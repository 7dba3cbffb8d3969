import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { InboxItem } from './inbox-item.entity.js';
import { InboxLive } from './inbox-live.js';
import { InboxResolver } from './inbox.resolver.js';
import { InboxService } from './inbox.service.js';

/** The inbox of every principal (docs/inbox.md); producers call `InboxService.deliver` in their event's transaction. */
@Module({
  imports: [TypeOrmModule.forFeature([InboxItem]), FamiliesModule, AuthModule],
  providers: [InboxService, InboxLive, InboxResolver],
  exports: [InboxService],
})
export class InboxModule {}
