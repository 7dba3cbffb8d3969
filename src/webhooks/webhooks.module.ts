import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [IntegrationsModule],
  providers: [WebhookQueue, WebhookSender, WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}
