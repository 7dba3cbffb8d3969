import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { clientPrincipal } from '../auth/principal.service.js';
import { invalidTransition, notFound } from '../common/errors.js';
import { newId, UUID_PATTERN } from '../common/ids.js';
import { type Connection, paginate } from '../common/pagination.js';
import { groupBy, oneBy, type RequestLoaders } from '../graphql/request-loaders.js';
import { defineAbilityFor } from '../policy/ability.factory.js';
import { PolicyService, type SubjectAttributes } from '../policy/policy.service.js';
import { ruleFields } from '../policy/sql-scope.js';
import type { WebhookDeliveriesArgs } from './dto/webhook.inputs.js';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryState } from './webhook-delivery.entity.js';
import { WebhookQueue } from './webhook-queue.js';

interface CandidateClient {
  id: string;
  agency_id: string;
  network_id: string;
  scopes: string[];
  webhook_url: string;
}

/** The clients that may hear of a referral's events, read before the event (`webhookCandidatesSql`). */
export type WebhookCandidates = CandidateClient[];

/** The partner systems of the referring (`from`, SQL) and receiving (`to`) agencies that take webhooks: those a fan-out tries. */
const candidatesSql = (from: string, to: string) => `SELECT ic.id, ic.agency_id, a.network_id, ic.scopes, ic.webhook_url
    FROM integration_client ic JOIN agency a ON a.id = ic.agency_id
   WHERE ic.agency_id IN (${from}, ${to}) AND ic.webhook_url IS NOT NULL AND ic.secret_sealed IS NOT NULL AND ic.revoked_at IS NULL`;

/**
 * The same candidates as one JSON value (WebhookCandidates), for a statement that reads the referral in the event's
 * transaction before the event is written (a referral step: its agencies do not change with it), so that the
 * fan-out reads nothing itself.
 */
export const webhookCandidatesSql = (from: string, to: string) => `(SELECT coalesce(json_agg(c), '[]') FROM (${candidatesSql(from, to)}) c)`;

/**
 * Which partner systems hear of a referral event (those whose token could read the referral), and
 * the record of the deliveries for the agency admins who run those systems.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
    private readonly queue: WebhookQueue,
  ) {}

  /** A client's deliveries, oldest first; an unknown or foreign client answers NOT_FOUND. */
  async deliveries(caller: Caller, args: WebhookDeliveriesArgs): Promise<Connection<WebhookDelivery>> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'IntegrationClient', args.clientId);
    const qb = this.db.manager.createQueryBuilder(WebhookDelivery, 'd').where('d.client_id = :clientId', { clientId: args.clientId });
    if (args.state) qb.andWhere('d.state = :state', { state: args.state });
    return paginate(qb, 'd.id', args);
  }

  attemptsOf(loaders: RequestLoaders, deliveryId: string): Promise<WebhookAttempt[]> {
    return loaders
      .get<string, WebhookAttempt[]>('webhookAttempts', async (ids) =>
        groupBy(ids, await this.db.manager.find(WebhookAttempt, { where: ids.map((deliveryId) => ({ deliveryId })), order: { attempt: 'ASC' } }), (a) => a.deliveryId),
      )
      .load(deliveryId);
  }

  /** The exact body POSTed (and signed) for an event. */
  async bodyOf(loaders: RequestLoaders, eventId: string): Promise<string> {
    const row = await loaders
      .get<string, { id: string; body: string } | null>('outboxBodies', async (ids) =>
        oneBy(ids, await this.db.query(`SELECT id, body FROM outbox_event WHERE id = ANY($1)`, [ids]), (e: { id: string }) => e.id),
      )
      .load(eventId);
    return row!.body;
  }

  /** Queues a FAILED delivery again (the receiver is back after a long outage), with a fresh set of retries. */
  async redeliver(caller: Caller, deliveryId: string): Promise<WebhookDelivery> {
    return this.tx.run(caller, async (em) => {
      const delivery = UUID_PATTERN.test(deliveryId)
        ? await em.findOne(WebhookDelivery, { where: { id: deliveryId }, lock: { mode: 'pessimistic_write' } })
        : null;
      const client = delivery && (await this.policy.attributesOf(em, 'IntegrationClient', delivery.clientId, { readableBy: caller.ability }));
      if (!delivery || !client) throw notFound('WebhookDelivery');
      this.policy.assertCan(caller.ability, 'update', 'IntegrationClient', client);
      if (delivery.state !== WebhookDeliveryState.FAILED) throw invalidTransition('WebhookDelivery', delivery.state, 'redeliver it');
      const [{ revoked }] = await em.query(`SELECT revoked_at IS NOT NULL AS revoked FROM integration_client WHERE id = $1`, [delivery.clientId]);
      if (revoked) throw invalidTransition('IntegrationClient', 'REVOKED', 'redeliver to it');
      delivery.state = WebhookDeliveryState.PENDING;
      await em.update(WebhookDelivery, { id: delivery.id }, { state: delivery.state });
      await this.queue.enqueue(em, [delivery.id]);
      return delivery;
    });
  }

  /**
   * Creates the deliveries of an outbox event inside its transaction. The recipients are decided by
   * the same policy as their queries (a draft never reaches the receiving agency's system); among `clients`
   * when they were read already in the transaction (webhookCandidatesSql), else among those read here.
   */
  async fanOut(em: EntityManager, eventId: string, referral: SubjectAttributes, clients?: WebhookCandidates): Promise<void> {
    const candidates: CandidateClient[] = clients ?? (await em.query(candidatesSql('$1', '$2'), [referral.fromAgencyId, referral.toAgencyId]));
    const recipients = candidates.filter((c) => {
      const ability = defineAbilityFor(clientPrincipal(c.id, c.agency_id, c.network_id, c.scopes));
      // A step's attributes hold only the relations its own rules name (PolicyService.attributesOf, checkedFor): a
      // client's rule that named one left out would be false for every client, and no webhook sent. Fail instead.
      const missing = [...ruleFields(ability, 'read', 'Referral')].filter((field) => !(field in referral));
      if (missing.length) throw new Error(`The referral's attributes lack ${missing.join(', ')}, which a partner system's rule reads`);
      return this.policy.can(ability, 'read', 'Referral', referral);
    });
    if (recipients.length === 0) return;
    const deliveryIds = recipients.map(() => newId());
    await em.query(
      `INSERT INTO webhook_delivery (id, event_id, client_id, url)
       SELECT d.id, $2, d.client_id, d.url FROM unnest($1::uuid[], $3::uuid[], $4::text[]) AS d(id, client_id, url)`,
      [deliveryIds, eventId, recipients.map((c) => c.id), recipients.map((c) => c.webhook_url)],
    );
    await this.queue.enqueue(em, deliveryIds);
  }
}
