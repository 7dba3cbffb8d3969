import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { IntegrationSecurityModule } from '../security/integration-security.module.js';
import { RateLimitModule } from '../security/rate-limit.module.js';
import { IntegrationClient } from './integration-client.entity.js';
import { IntegrationsResolver } from './integrations.resolver.js';
import { IntegrationsService } from './integrations.service.js';
import { OAuthController } from './oauth.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([IntegrationClient]), AuthModule, RateLimitModule, IntegrationSecurityModule],
  providers: [IntegrationsService, IntegrationsResolver],
  controllers: [OAuthController],
})
export class IntegrationsModule {}
