import { EventEmitter } from 'node:events';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';

const RECONNECT_DELAY_MS = 1000;

/**
 * Postgres LISTEN on one dedicated connection, re-established when it drops: NOTIFY sent inside a
 * transaction arrives on commit, at every replica, which is how live events cross processes. Emits
 * `(payload: string)` under the channel's name. Notifications sent while disconnected are lost: they
 * are signals, not the record (that is the table the sender wrote).
 */
export class PgNotifications extends EventEmitter implements OnModuleDestroy {
  private readonly logger = new Logger(PgNotifications.name);
  private readonly channels = new Set<string>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly url: string) {
    super();
    this.setMaxListeners(0); // one listener per open subscription
  }

  /** Starts listening on `channel` (idempotent); resolves once LISTEN is in effect. */
  async listen(channel: string): Promise<void> {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
    this.channels.add(channel);
    await this.connected();
    await this.client?.query(`LISTEN ${channel}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private connected(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private reconnectSoon(): void {
    if (this.closed) return;
    setTimeout(() => void this.connected().catch(() => this.reconnectSoon()), RECONNECT_DELAY_MS).unref();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'gezin1plan-listen' });
    client.on('notification', (message) => this.emit(message.channel, message.payload ?? ''));
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.logger.warn(`LISTEN connection lost${error ? ` (${error.message})` : ''}; reconnecting`);
      this.reconnectSoon();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }
}
