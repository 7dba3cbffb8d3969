import type { INestApplication } from '@nestjs/common';

export default async function globalTeardown(): Promise<void> {
  // Run in band, the test files ran in this process: the app they shared (support/worker-app.ts) ends here.
  const app = (process as unknown as Record<symbol, Promise<INestApplication> | undefined>)[Symbol.for('gezin1plan.test.workerApp')];
  await (await app)?.close();
  const db = (globalThis as { __EMBEDDED_DB__?: { stop(): Promise<void> } }).__EMBEDDED_DB__;
  await db?.stop();
}
