import { Module } from '@nestjs/common';
import { devSecret } from '../auth/dev-secret.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PublicAddresses } from './public-address.js';
import { SecretBox } from './secret-box.js';

/**
 * What dealing with partner systems safely needs, configured here: their secrets sealed at rest
 * (WEBHOOK_SECRET_KEY, or a key kept in DATA_DIR) and the addresses webhooks may go to. Integrations
 * (registration, rotation) and webhooks (delivery) both use them.
 */
@Module({
  providers: [
    PublicAddresses,
    {
      provide: SecretBox,
      useFactory: (config: AppConfig) => new SecretBox(devSecret(config.webhooks.secretKey, config.dataDir, 'webhook-secret-key')),
      inject: [APP_CONFIG],
    },
  ],
  exports: [PublicAddresses, SecretBox],
})
export class IntegrationSecurityModule {}
