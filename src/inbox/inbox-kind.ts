import { registerEnumType } from '@nestjs/graphql';

/** What an inbox item tells its reader (docs/inbox.md lists who gets which). */
export enum InboxItemKind {
  /** A referral to the reader's agency was sent. */
  REFERRAL_RECEIVED = 'REFERRAL_RECEIVED',
  /** A referral the reader made moved to another status. */
  REFERRAL_STATUS_CHANGED = 'REFERRAL_STATUS_CHANGED',
  /** Someone used emergency access (break-glass) to the family's data. */
  BREAK_GLASS_USED = 'BREAK_GLASS_USED',
}
registerEnumType(InboxItemKind, { name: 'InboxItemKind' });

/**
 * The parameters an item's text is made of: ids and statuses, never personal data, so that the text
 * shows nothing its reader may not read and can be rendered later in the reader's own language.
 */
export interface InboxParams {
  from?: string | null;
  to?: string;
  /** Until when a grant is in force (ISO time). */
  until?: string;
}

/** The one place an item's text is made, at read time, from its kind and parameters. */
export function inboxText(kind: InboxItemKind, params: InboxParams): string {
  switch (kind) {
    case InboxItemKind.REFERRAL_RECEIVED:
      return 'A new referral was sent to your agency.';
    case InboxItemKind.REFERRAL_STATUS_CHANGED:
      return `Your referral moved from ${params.from ?? 'nothing'} to ${params.to}.`;
    case InboxItemKind.BREAK_GLASS_USED:
      return `Emergency access to the family's data was opened, until ${params.until}.`;
  }
}
