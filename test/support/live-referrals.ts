import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ReferralStatusChangedDocument } from '../graphql/generated.js';
import { TestApi } from './test-app.js';

export interface LiveChange {
  eventId: string;
  referralId: string;
  from: string | null;
  to: string;
  version: number;
}

/** One `referralStatusChanged` subscription over graphql-ws to a service at `port`, recording what it gets. */
export class LiveReferrals {
  readonly changes: LiveChange[] = [];
  readonly errors: unknown[] = [];
  private constructor(private readonly client: Client) {}

  static async open(port: number, subject: string, referralId?: string): Promise<LiveReferrals> {
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${await TestApi.token(subject)}` },
      retryAttempts: 0,
    });
    const live = new LiveReferrals(client);
    client.subscribe<{ referralStatusChanged: LiveChange }>(
      { query: print(ReferralStatusChangedDocument), variables: referralId ? { referralId } : {} },
      {
        next: (result) => void (result.data && live.changes.push(result.data.referralStatusChanged)),
        error: (error) => void live.errors.push(error),
        complete: () => undefined,
      },
    );
    return live;
  }

  has(referralId: string, version: number): boolean {
    return this.changes.some((c) => c.referralId === referralId && c.version === version);
  }

  /** Polls until the event of `referralId` at `version` arrived (true) or `timeoutMs` passed (false). */
  async waitFor(referralId: string, version: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.has(referralId, version)) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  dispose(): Promise<void> {
    return Promise.resolve(this.client.dispose());
  }
}
