import { Inject } from '@nestjs/common';
import { Args, Info, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { type Caller, CurrentCaller } from '../auth/caller.decorator.js';
import { ChecksPrincipalInRead } from '../auth/principal-check.js';
import { ConnectionType } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FamiliesService } from '../families/families.service.js';
import { Family } from '../families/family.entity.js';
import { readWith } from '../graphql/compiled-selection.js';
import { Loaders } from '../graphql/graphql-context.js';
import type { RequestLoaders } from '../graphql/request-loaders.js';
import { DEFAULT_LANGUAGE } from '../i18n/language.js';
import { Authenticated } from '../policy/policy.decorator.js';
import { InboxArgs, MarkInboxItemsReadInput } from './dto/inbox.args.js';
import { InboxItem, InboxRecord } from './inbox-item.entity.js';
import { inboxText } from './inbox-kind.js';
import { InboxChange, InboxLive } from './inbox-live.js';
import { InboxService } from './inbox.service.js';
import { NotificationChannelSetting, SetNotificationChannelInput } from './notification-channel.js';
import { NotificationChannels } from './notification-channels.service.js';

@ObjectType()
export class InboxItemConnection extends ConnectionType(InboxItem) {}

/** The caller's own inbox: every operation shows only the caller's items, as far as it may see them now. */
@Resolver(() => InboxItem)
export class InboxResolver {
  constructor(
    private readonly service: InboxService,
    private readonly live: InboxLive,
    private readonly families: FamiliesService,
    private readonly channels: NotificationChannels,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'legalTimeZone'>,
  ) {}

  @Query(() => InboxItemConnection, { description: 'What needs you: your inbox items, newest first, as far as you may see them now.' })
  @Authenticated()
  @ChecksPrincipalInRead()
  inbox(@CurrentCaller() caller: Caller, @Args() args: InboxArgs, @Info() info: GraphQLResolveInfo) {
    return this.service.list(caller, args, info);
  }

  @Query(() => Int, { description: 'How many of your inbox items you may see are unread.' })
  @Authenticated()
  inboxUnreadCount(@CurrentCaller() caller: Caller) {
    return this.service.unreadCount(caller);
  }

  @Mutation(() => [InboxItem], { description: 'Marks your inbox items read; an id that is not one of them answers NOT_FOUND and marks none.' })
  @Authenticated()
  markInboxItemsRead(@CurrentCaller() caller: Caller, @Args('input') input: MarkInboxItemsReadInput) {
    return this.service.markRead(caller, input.ids);
  }

  @Query(() => NotificationChannelSetting, { description: 'Whether and how you get an e-mail when your inbox has something new (OFF unless you chose).' })
  @Authenticated()
  myNotificationChannel(@CurrentCaller() caller: Caller) {
    return this.channels.of(caller);
  }

  @Mutation(() => NotificationChannelSetting, {
    description: 'Chooses whether and how you get an e-mail when your inbox has something new: never a name or a detail, only a link.',
  })
  @Authenticated()
  setNotificationChannel(@CurrentCaller() caller: Caller, @Args('input') input: SetNotificationChannelInput) {
    return this.channels.set(caller, input);
  }

  @Subscription(() => InboxChange, { description: 'Your unread count each time your inbox changes.' })
  @Authenticated()
  inboxChanged(@CurrentCaller() caller: Caller) {
    return this.live.follow(caller);
  }

  @ResolveField(() => Family, { nullable: true, description: 'The family it concerns, when you may see the family now.' })
  family(@Parent() item: InboxItem, @CurrentCaller() caller: Caller, @Loaders() loaders: RequestLoaders) {
    return readWith(item, 'family', () => this.families.byId(caller, loaders, item.familyId));
  }

  @ResolveField(() => String, { description: 'A short text in your language: what happened, without personal data.' })
  text(@Parent() item: InboxItem, @CurrentCaller() caller: Caller) {
    return inboxText(item.kind, item.params, caller.principal.language ?? DEFAULT_LANGUAGE, this.config.legalTimeZone);
  }

  @ResolveField(() => InboxRecord, { description: 'The record it is about.' })
  about(@Parent() item: InboxItem): InboxRecord {
    return { type: item.subjectType, id: item.subjectId };
  }

  @ResolveField(() => Boolean)
  read(@Parent() item: InboxItem) {
    return item.readAt !== null;
  }
}
