import { EventEmitter } from 'node:events';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Caller } from '../auth/caller.decorator.js';
import { PrincipalService } from '../auth/principal.service.js';
import { describeError, forbidden } from '../common/errors.js';
import { PgNotifications } from '../database/pg-notifications.js';
import { liveStream } from '../graphql/live-stream.js';
import { defineAbilityFor } from '../policy/ability.factory.js';
import { INBOX_CHANNEL, type InboxNotice } from './inbox-notice.js';
import { InboxService } from './inbox.service.js';

@ObjectType({ description: "A change of the reader's inbox: new items, or items marked read. Read the inbox for what changed." })
export class InboxChange {
  @Field(() => Int, { description: 'Unread items the reader may see now.' })
  unreadCount: number;
}

/**
 * The `inboxChanged` subscriptions of this replica: every replica LISTENs to the inbox notices, finds the
 * inboxes an event wrote to (one query per notice, only while someone here follows an inbox), and tells
 * each follower of those inboxes its unread count, counted with its rights as they are at that moment, when
 * it differs from the last one it was told.
 */
@Injectable()
export class InboxLive implements OnModuleInit {
  private readonly logger = new Logger(InboxLive.name);
  private readonly local = new EventEmitter().setMaxListeners(0);

  constructor(
    private readonly notifications: PgNotifications,
    private readonly inbox: InboxService,
    private readonly principals: PrincipalService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.notifications.on(INBOX_CHANNEL, (message: string) => void this.announce(message).catch((error: unknown) => this.logger.error(describeError(error))));
    await this.notifications.listen(INBOX_CHANNEL);
  }

  /** The caller's inbox changes from now on, until its token expires. */
  follow(caller: Caller): AsyncIterableIterator<{ inboxChanged: InboxChange }> {
    const key = this.inbox.inboxKeyOf(caller.principal);
    if (!key) throw forbidden('An inbox belongs to a professional acting for an agency, or to a family member in the portal');
    let told: number | undefined;
    return liveStream(this.local, key, caller.tokenExpiresAt, async () => {
      const unreadCount = await this.countNow(caller);
      // Only a new count is news: an item written for the reader that it may not see (a HEALTH action's, for the
      // volunteer it is assigned to) tells it nothing, not even that something happened.
      if (unreadCount === null || unreadCount === told) return null;
      told = unreadCount;
      return { inboxChanged: { unreadCount } };
    });
  }

  private async announce(message: string): Promise<void> {
    if (this.local.eventNames().length === 0) return;
    const notice = JSON.parse(message) as InboxNotice;
    const keys = notice.eventId ? await this.inbox.recipientsOfEvent(notice.eventId) : [notice.recipientId];
    for (const key of new Set(keys)) if (key) this.local.emit(key);
  }

  /** The unread count of the caller as it is now (a membership ended: no count, nothing sent). */
  private async countNow(caller: Caller): Promise<number | null> {
    const principal = await this.principals.refresh(caller.principal).catch(() => null);
    if (!principal || this.inbox.inboxKeyOf(principal) !== this.inbox.inboxKeyOf(caller.principal)) return null;
    return this.inbox.unreadCount({ ...caller, principal, ability: defineAbilityFor(principal) });
  }
}
