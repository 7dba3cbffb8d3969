import { createHmac, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobWithMetadata } from 'pg-boss';
import { DataSource, type EntityManager } from 'typeorm';
import { Agent, request } from 'undici';
import { v5 } from 'uuid';
import { type AuditActor, AuditedTransactions } from '../audit/audited-transactions.js';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { InboxService } from '../inbox/inbox.service.js';
import { PublicAddresses } from '../security/public-address.js';
import { SecretBox } from '../security/secret-box.js';
import { MembershipRole } from '../users/membership-role.js';
import type { DeliveryJob } from './webhook-queue.js';

/** The namespace of the failed deliveries' event ids: one per delivery and last attempt. */
const FAILED_DELIVERIES = '0c4f5e1d-2b7a-4d8e-9f31-6a2c8b5e7d40';
const WEBHOOK_ACTOR = (): AuditActor => ({ subject: 'system:webhooks', userId: null, memberId: null, agencyId: null, requestId: randomUUID() });

interface PendingDelivery {
  state: string;
  attempts: number;
  url: string;
  event_id: string;
  body: string;
  secret_sealed: string;
  /** The secret replaced by a rotation, while it is still in force: webhooks carry a second signature with it. */
  previous_secret_sealed: string | null;
  revoked_at: Date | null;
}

/** `sha256=<hex HMAC of the raw body>` with the client's secret (docs/referrals-and-webhooks.md, "Webhooks and the live subscription"). */
export const signatureOf = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Why a POST failed, in a few words (no response body: it is the receiver's). */
function failureOf(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return 'timeout';
  return String(cause?.code ?? cause?.message ?? message ?? error).slice(0, 200);
}

/** One attempt of one delivery: POST the event's exact body, signed, and record the attempt. */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);
  /** Connections to receivers; unless private addresses are allowed, only to public addresses. */
  private readonly agent: Agent;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly secrets: SecretBox,
    private readonly addresses: PublicAddresses,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: AuditedTransactions,
    private readonly inbox: InboxService,
  ) {
    this.agent = new Agent({ connect: addresses.connectOptions });
  }

  /** Closes the connections to receivers (once no delivery is in flight). */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** Throws when the attempt failed, so that the queue retries it with backoff. */
  async deliver(job: JobWithMetadata<DeliveryJob>): Promise<void> {
    const { deliveryId } = job.data;
    const [delivery]: PendingDelivery[] = await this.db.query(
      `SELECT d.state, d.attempts, d.url, e.id AS event_id, e.body, c.secret_sealed, c.revoked_at,
              CASE WHEN c.previous_secret_until > now() THEN c.previous_secret_sealed END AS previous_secret_sealed
         FROM webhook_delivery d JOIN outbox_event e ON e.id = d.event_id JOIN integration_client c ON c.id = d.client_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (!delivery || delivery.state !== 'PENDING') return; // delivered by an earlier run of the job
    if (delivery.revoked_at) {
      await this.db.query(`UPDATE webhook_delivery SET state = 'CANCELLED' WHERE id = $1 AND state = 'PENDING'`, [deliveryId]);
      return;
    }
    const startedAt = new Date();
    // Numbered over the delivery's life: a redelivery is a new job, but not a new first attempt.
    const attempt = delivery.attempts + 1;
    const { status, error } = await this.post(delivery, attempt);
    const state = error === null ? 'DELIVERED' : job.retryCount >= job.retryLimit ? 'FAILED' : 'PENDING';
    await this.tx.runAs(WEBHOOK_ACTOR(), 'ADMINISTRATION', async (em) => {
      await em.query(
        `WITH d AS (
           UPDATE webhook_delivery SET attempts = attempts + 1, state = $2, delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() END
            WHERE id = $1 RETURNING id, attempts)
         INSERT INTO webhook_attempt (id, delivery_id, attempt, started_at, duration_ms, http_status, error)
         SELECT $3, d.id, d.attempts, $4, $5, $6, $7 FROM d`,
        [deliveryId, state, newId(), startedAt, Date.now() - startedAt.getTime(), status, error],
      );
      if (state === 'FAILED') await this.tellFailed(em, deliveryId, attempt);
    });
    if (error !== null) {
      this.logger.warn(`Webhook delivery ${deliveryId} attempt ${attempt} failed (${error})${state === 'FAILED' ? '; no retries left' : ''}`);
      throw new Error(`Webhook delivery failed: ${error}`);
    }
  }

  /**
   * Tells the admins of the client's agency that a delivery failed for good, in the transaction that marks
   * it FAILED: once per delivery and attempt (a redelivery that fails again tells again).
   */
  private async tellFailed(em: EntityManager, deliveryId: string, attempt: number): Promise<void> {
    const [failed]: { client_id: string; agency_id: string; family_id: string }[] = await readWithoutAudit("the system's own job, for no caller", em.query(
      `SELECT c.id AS client_id, c.agency_id, r.family_id
         FROM webhook_delivery d JOIN integration_client c ON c.id = d.client_id
         JOIN outbox_event e ON e.id = d.event_id JOIN referral r ON r.id = e.referral_id
        WHERE d.id = $1`,
      [deliveryId],
    ));
    await this.inbox.deliver(
      em,
      {
        id: v5(`${deliveryId}/${attempt}`, FAILED_DELIVERIES),
        kind: InboxItemKind.WEBHOOK_DELIVERY_FAILED,
        familyId: failed!.family_id,
        about: { type: 'IntegrationClient', id: failed!.client_id },
        params: {},
        occurredAt: new Date(),
      },
      [{ staffOf: failed!.agency_id, roles: [MembershipRole.AGENCY_ADMIN] }],
    );
  }

  /** Redirects are not followed: a signed event goes only to the URL the agency registered. */
  private async post(delivery: PendingDelivery, attempt: number): Promise<{ status: number | null; error: string | null }> {
    try {
      // A literal address is connected to without a lookup: checked here; hostnames as they resolve.
      this.addresses.assertAllowed(new URL(delivery.url).hostname);
      const response = await request(delivery.url, {
        method: 'POST',
        body: delivery.body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.config.webhooks.timeoutSeconds * 1000),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'gezin1plan-webhooks',
          'X-Signature': signatureOf(delivery.body, this.secrets.open(delivery.secret_sealed)),
          'X-Webhook-Id': delivery.event_id,
          'X-Webhook-Attempt': String(attempt),
          ...(delivery.previous_secret_sealed
            ? { 'X-Signature-Previous': signatureOf(delivery.body, this.secrets.open(delivery.previous_secret_sealed)) }
            : {}),
        },
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return { status: response.statusCode, error: ok ? null : `HTTP ${response.statusCode}` };
    } catch (error) {
      return { status: null, error: failureOf(error) };
    }
  }
}
