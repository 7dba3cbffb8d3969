import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  body: string;
  headers: IncomingMessage['headers'];
  at: number;
}

/** How the receiver answers: 200, 503, or never (the request hangs until the sender gives up). */
export type ReceiverMode = 'up' | 'down' | 'hang';

/** A partner's webhook endpoint on localhost that records every POST it gets, raw. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  mode: ReceiverMode = 'up';
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: Date.now() });
        if (this.mode === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(this.mode === 'up' ? 200 : 503).end();
      });
    });
  }

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/gezin1plan`;
  }

  /** Answers the requests left hanging so far with `status` (a slow receiver that finally responds). */
  release(status = 200): void {
    for (const res of this.hanging) res.writeHead(status).end();
    this.hanging.clear();
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The parsed bodies received for one referral, in arrival order. */
  eventsOf(referralId: string): { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] {
    return this.received.map((r) => JSON.parse(r.body)).filter((e) => e.data?.referralId === referralId);
  }

  /** Waits until `done` holds, polling; fails after `timeoutMs`. */
  async until(done: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`Webhook receiver: condition not met within ${timeoutMs} ms (${this.received.length} received)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Verifies `X-Signature: sha256=<hex HMAC>` (or `X-Signature-Previous`) of the raw body as a partner would, in constant time. */
export function signatureValid(webhook: ReceivedWebhook, secret: string, header: 'x-signature' | 'x-signature-previous' = 'x-signature'): boolean {
  const given = String(webhook.headers[header] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(webhook.body).digest('hex')}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
