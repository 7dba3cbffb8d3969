import { join } from 'node:path';
import { createApp } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres.js';

async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'postgres'),
      database: 'gezin1plan',
      persistent: true,
    });
  }
  const app = await createApp({ ...config, databaseUrl: config.databaseUrl ?? embedded!.url });
  if (embedded) {
    const db = embedded;
    // Runs after Nest has closed its connections, so the cluster stops cleanly.
    process.once('exit', () => undefined);
    app.enableShutdownHooks();
    const close = app.close.bind(app);
    app.close = async () => {
      await close();
      await db.stop();
    };
  }
  await app.listen(config.port);
  const url = `http://localhost:${config.port}/graphql`;
  console.log(`1Gezin1Plan is listening: ${url}`);
  console.log(embedded ? `Database: embedded PostgreSQL in ${config.dataDir}/postgres` : 'Database: DATABASE_URL');
  if (config.auth.mode === 'dev') {
    console.log('Development tokens: npm run --silent token -- <subject>   (send as "Authorization: Bearer <token>")');
    if (config.platformAdminSubjects.size === 0) {
      console.log('No platform admin yet: set PLATFORM_ADMIN_SUBJECTS=<subject> to create the first network.');
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
