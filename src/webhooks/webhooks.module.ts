import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboxModule } from '../inbox/inbox.module.js';
import { IntegrationSecurityModule } from '../security/integration-security.module.js';
import { WebhookAttempt, WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksResolver } from './webhooks.resolver.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([WebhookDelivery, WebhookAttempt]), IntegrationSecurityModule, InboxModule],
  providers: [WebhookQueue, WebhookSender, WebhooksService, WebhooksResolver],
  exports: [WebhooksService],
})
export class WebhooksModule {}
