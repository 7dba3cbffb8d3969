import { Module } from '@nestjs/common';
import { devSecret } from '../auth/dev-secret.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { RateLimitModule } from '../security/rate-limit.module.js';
import { IntegrationClient } from './integration-client.entity.js';
import { IntegrationsResolver } from './integrations.resolver.js';
import { IntegrationsService } from './integrations.service.js';
import { OAuthController } from './oauth.controller.js';
import { SecretBox } from './secret-box.js';

@Module({
  imports: [TypeOrmModule.forFeature([IntegrationClient]), AuthModule, RateLimitModule],
  providers: [
    IntegrationsService,
    IntegrationsResolver,
    {
      provide: SecretBox,
      useFactory: (config: AppConfig) => new SecretBox(devSecret(config.webhooks.secretKey, config.dataDir, 'webhook-secret-key')),
      inject: [APP_CONFIG],
    },
  ],
  controllers: [OAuthController],
  exports: [SecretBox],
})
export class IntegrationsModule {}
