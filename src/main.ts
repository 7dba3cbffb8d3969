import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap.js';
import { devSecretSource } from './auth/dev-secret.js';
import { describeError } from './common/errors.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { configuredDatabase } from './database/configured-database.js';
import { EmbeddedDatabaseError } from './database/embedded-postgres.js';
import { WebhookQueue } from './webhooks/webhook-queue.js';

const log = new Logger('Main');

async function main(): Promise<void> {
  const config = loadConfig();
  const { url: databaseUrl, embedded } = await configuredDatabase(config, (message) => log.warn(message));
  const app = await createApp({ ...config, databaseUrl });
  // Take no new webhook job, stop accepting requests, let Nest finish them and the webhook deliveries in
  // flight and close its connections, then stop the embedded cluster. embedded-postgres would stop its
  // clusters at once on these signals (async-exit-hook), under the running work: the service takes the
  // signals over.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      log.log(`${signal}: shutting down`);
      app.get(WebhookQueue).stopTakingJobs();
      void app
        .close()
        .then(() => embedded?.stop())
        .then(() => process.exit(0), (error: unknown) => {
          log.error(describeError(error, true));
          process.exit(1);
        });
    });
  }
  await app.listen(config.port);
  const url = `http://localhost:${config.port}/graphql`;
  log.log(`1Gezin1Plan is listening: ${url}`);
  log.log(embedded ? `Database: embedded PostgreSQL in ${config.dataDir}/postgres` : 'Database: DATABASE_URL');
  if (config.auth.mode === 'dev') {
    log.log('Development tokens: npm run --silent token -- <subject>   (send as "Authorization: Bearer <token>")');
    log.log(`Development tokens are verified with ${devSecretSource(config.auth.secret, config.dataDir)}: run npm run token with the same DATA_DIR`);
    if (config.platformAdminSubjects.size === 0) {
      log.log('No platform admin yet: set PLATFORM_ADMIN_SUBJECTS=<subject> to create the first network.');
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof EmbeddedDatabaseError ? error.message : error);
  process.exit(1);
});
