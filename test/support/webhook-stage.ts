import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ReferralScene } from './referral-scene.js';
import { type ScratchDatabase, scratchDatabase } from './scratch-database.js';
import { freePort } from './free-port.js';
import { ServiceProcess, serviceEnv } from './service-process.js';
import { TestApi } from './test-app.js';
import { WebhookReceiver } from './webhook-receiver.js';

/**
 * What the tests of webhook-delivering service processes share: a database of their own (no worker of
 * another test file can deliver in their place), fixtures made through an in-test instance without a
 * worker (it migrates the new database), a webhook receiver, and service processes on that database,
 * all with one key sealing the client secrets.
 */
export class WebhookStage {
  private constructor(
    readonly scratch: ScratchDatabase,
    readonly api: TestApi,
    readonly scene: ReferralScene,
    readonly hook: WebhookReceiver,
    private readonly secretKey: string,
  ) {}

  static async create(prefix: string): Promise<WebhookStage> {
    const scratch = await scratchDatabase(prefix);
    const secretKey = randomBytes(32).toString('hex');
    const api = await TestApi.start({ DATABASE_URL: scratch.url, WEBHOOK_SECRET_KEY: secretKey }).catch(async (error: unknown) => {
      await scratch.drop();
      throw error;
    });
    return new WebhookStage(scratch, api, await ReferralScene.create(api), await WebhookReceiver.start(), secretKey);
  }

  /** The in-test instance's connection to the stage's database. */
  get db(): DataSource {
    return this.api.db;
  }

  /** A service process (not started) on a free port, delivering webhooks; `env` adds or overrides. */
  async service(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    return new ServiceProcess(serviceEnv(this.scratch.url, port, { WEBHOOK_SECRET_KEY: this.secretKey, WEBHOOK_WORKER: 'true', ...env }), port);
  }

  async stop(): Promise<void> {
    await this.api.stop();
    await this.hook.stop();
    await this.scratch.drop();
  }
}
