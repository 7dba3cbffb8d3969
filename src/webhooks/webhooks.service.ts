import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { clientPrincipal } from '../auth/principal.service.js';
import { newId } from '../common/ids.js';
import { defineAbilityFor } from '../policy/ability.factory.js';
import { PolicyService, type SubjectAttributes } from '../policy/policy.service.js';
import { WebhookQueue } from './webhook-queue.js';

interface CandidateClient {
  id: string;
  agency_id: string;
  network_id: string;
  scopes: string[];
  webhook_url: string;
}

/** Which partner systems hear of a referral event: those whose token could read the referral now. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly policy: PolicyService,
    private readonly queue: WebhookQueue,
  ) {}

  /**
   * Creates the deliveries of an outbox event inside its transaction. The recipients are decided by
   * the same policy as their queries (a draft never reaches the receiving agency's system).
   */
  async fanOut(em: EntityManager, eventId: string, referral: SubjectAttributes): Promise<void> {
    const candidates: CandidateClient[] = await em.query(
      `SELECT ic.id, ic.agency_id, a.network_id, ic.scopes, ic.webhook_url
         FROM integration_client ic JOIN agency a ON a.id = ic.agency_id
        WHERE ic.agency_id IN ($1, $2) AND ic.webhook_url IS NOT NULL AND ic.secret_sealed IS NOT NULL AND ic.revoked_at IS NULL`,
      [referral.fromAgencyId, referral.toAgencyId],
    );
    const recipients = candidates.filter((c) =>
      this.policy.can(defineAbilityFor(clientPrincipal(c.id, c.agency_id, c.network_id, c.scopes)), 'read', 'Referral', referral),
    );
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
