import { EventEmitter } from 'node:events';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PrincipalService } from '../auth/principal.service.js';
import { describeError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { PgNotifications } from '../database/pg-notifications.js';
import { liveStream } from '../graphql/live-stream.js';
import { InboxItemKind } from '../inbox/inbox-kind.js';
import { type InboxAudience, InboxService } from '../inbox/inbox.service.js';
import { defineAbilityFor } from '../policy/ability.factory.js';
import { PolicyService, type SubjectAttributes } from '../policy/policy.service.js';
import { MembershipRole } from '../users/membership-role.js';
import { type WebhookCandidates, WebhooksService } from '../webhooks/webhooks.service.js';
import { ReferralStatus } from './referral-status.js';
import type { Referral } from './referral.entity.js';

/** NOTIFY channel of committed referral events (payload: NoticeMessage). */
const CHANNEL = 'referral_status_changed';

/** The webhook body (docs/referrals-and-webhooks.md, "Webhooks and the live subscription"); ids, statuses and times only, no personal data. */
interface ReferralEventBody {
  id: string;
  type: 'referral.status_changed';
  occurredAt: string;
  data: { referralId: string; externalReference: string | null; from: ReferralStatus | null; to: ReferralStatus; version: number };
}

@ObjectType({ description: 'One step of a referral as it happens: the webhook event, without personal data.' })
export class ReferralStatusChange {
  @Field(() => ID, { description: 'The event id, the same as the webhook id: drop duplicates by it.' })
  eventId: string;

  @Field(() => ID)
  referralId: string;

  @Field(() => String, { nullable: true })
  externalReference: string | null;

  @Field(() => ReferralStatus, { nullable: true, description: 'Null for the creation of the referral.' })
  from: ReferralStatus | null;

  @Field(() => ReferralStatus)
  to: ReferralStatus;

  @Field(() => Int)
  version: number;

  @Field()
  occurredAt: Date;
}

/** The NOTIFY payload: the event, and whether the referral was sent when it happened. */
interface NoticeMessage {
  sent: boolean;
  body: string;
}

interface Notice {
  change: ReferralStatusChange;
  /** The referral's authorization attributes when the event arrived, as sent as it was then (null: gone). */
  referral: SubjectAttributes | null;
}

/**
 * The events of referral transitions: written to the outbox in the transition's transaction, with
 * their webhook deliveries, and announced on commit with NOTIFY; every replica LISTENs and hands them
 * to the GraphQL subscriptions whose caller may read the referral at that moment.
 */
@Injectable()
export class ReferralEvents implements OnModuleInit {
  private readonly logger = new Logger(ReferralEvents.name);
  private readonly local = new EventEmitter().setMaxListeners(0);
  private announcing: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: PgNotifications,
    private readonly policy: PolicyService,
    private readonly principals: PrincipalService,
    private readonly webhooks: WebhooksService,
    private readonly inbox: InboxService,
  ) {}

  async onModuleInit(): Promise<void> {
    // One after another, in the order of their NOTIFYs: each announcement first reads the referral, and
    // a later one must not overtake it (subscribers saw SENT after ACCEPTED under load).
    this.notifications.on(CHANNEL, (message: string) => {
      this.announcing = this.announcing.then(() => this.announce(message)).catch((error: unknown) => this.logger.error(describeError(error)));
    });
    await this.notifications.listen(CHANNEL);
  }

  /**
   * The event of a transition (in its transaction), its deliveries, and its NOTIFY. `writes`: data-modifying CTEs
   * (`name AS (…)`, over `values` as $1…) written by the event's statement, the transition's own; `attributes`: the
   * referral's authorization attributes as the transition left them, when its caller knows them (else read here);
   * `webhookClients`: the clients the fan-out tries, when its caller read them (webhookCandidatesSql).
   */
  async record(
    em: EntityManager,
    referral: Referral,
    from: ReferralStatus | null,
    alongside: { writes?: string[]; values?: unknown[]; attributes?: SubjectAttributes; webhookClients?: WebhookCandidates } = {},
  ): Promise<void> {
    const event: ReferralEventBody = {
      id: newId(),
      type: 'referral.status_changed',
      occurredAt: referral.updatedAt.toISOString(),
      data: { referralId: referral.id, externalReference: referral.externalReference ?? null, from, to: referral.status, version: referral.version },
    };
    const values = [...(alongside.values ?? [])];
    let writes = alongside.writes ?? [];
    let attributes = alongside.attributes;
    if (!attributes) {
      // Read as the transition left the referral: after its writes.
      if (writes.length) await em.query(`WITH ${writes.join(', ')} SELECT 1`, values);
      writes = [];
      values.length = 0;
      attributes = (await this.policy.attributesOf(em, 'Referral', referral.id))!;
    }
    const value = (v: unknown) => `$${values.push(v)}`;
    const outbox = `INSERT INTO outbox_event (id, type, referral_id, version, occurred_at, body)
      VALUES (${value(event.id)}::uuid, ${value(event.type)}, ${value(referral.id)}::uuid, ${value(referral.version)}::int, ${value(referral.updatedAt)}::timestamptz, ${value(JSON.stringify(event))})`;
    // Whether the referral had been sent travels with the notice: a receiver never sees a draft's
    // events, even when the notice is handled after the referral was sent.
    const notice: NoticeMessage = { sent: attributes.sent === true, body: JSON.stringify(event) };
    await em.query(`WITH ${[...writes, `outbox AS (${outbox})`].join(', ')} SELECT pg_notify('${CHANNEL}', ${value(JSON.stringify(notice))})`, values);
    await this.webhooks.fanOut(em, event.id, attributes, alongside.webhookClients);
    await this.deliverToInboxes(em, event.id, referral, from);
  }

  /**
   * The inbox items of a step (docs/inbox.md): a referral sent is received by the receiving agency's
   * caseworkers and admins; every later step tells the caseworker who made the referral.
   */
  private async deliverToInboxes(em: EntityManager, eventId: string, referral: Referral, from: ReferralStatus | null): Promise<void> {
    if (from === null) return;
    // A logged referral has no receiving agency on the platform to tell.
    const received = referral.status === ReferralStatus.SENT && referral.toAgencyId !== null;
    const audience: InboxAudience[] = received
      ? [{ staffOf: referral.toAgencyId!, roles: [MembershipRole.CASEWORKER, MembershipRole.AGENCY_ADMIN] }]
      : [{ user: referral.createdByUserId, agency: referral.fromAgencyId }];
    await this.inbox.deliver(
      em,
      {
        id: eventId,
        kind: received ? InboxItemKind.REFERRAL_RECEIVED : InboxItemKind.REFERRAL_STATUS_CHANGED,
        familyId: referral.familyId,
        about: { type: 'Referral', id: referral.id },
        params: { from, to: referral.status },
        occurredAt: referral.updatedAt,
      },
      audience,
    );
  }

  /**
   * The changes the caller may follow, from now on, of one referral or of all: each is checked against
   * the caller's rights as they are when it happens. Ends when the caller's token expires.
   */
  follow(caller: Caller, referralId: string | undefined): AsyncIterableIterator<{ referralStatusChanged: ReferralStatusChange }> {
    return liveStream(this.local, 'notice', caller.tokenExpiresAt, async (notice: Notice) => {
      if (referralId && notice.change.referralId !== referralId) return null;
      return (await this.mayFollow(caller.principal, notice.referral)) ? { referralStatusChanged: notice.change } : null;
    });
  }

  /** One read of the referral's attributes per event and replica, shared by all its subscriptions. */
  private async announce(message: string): Promise<void> {
    if (this.local.listenerCount('notice') === 0) return;
    const { sent, body } = JSON.parse(message) as NoticeMessage;
    const event = JSON.parse(body) as ReferralEventBody;
    const current = await this.policy.attributesOf(this.db.manager, 'Referral', event.data.referralId).catch(() => null);
    const referral = current && { ...current, sent };
    const change: ReferralStatusChange = { eventId: event.id, ...event.data, occurredAt: new Date(event.occurredAt) };
    this.local.emit('notice', { change, referral } satisfies Notice);
  }

  /** Whether the principal, as it is now (memberships end, clients are revoked), may read the referral. */
  private async mayFollow(principal: Principal, referral: SubjectAttributes | null): Promise<boolean> {
    if (!referral) return false;
    const current = await this.principals.refresh(principal).catch(() => null);
    return current !== null && this.policy.can(defineAbilityFor(current), 'read', 'Referral', referral);
  }
}
