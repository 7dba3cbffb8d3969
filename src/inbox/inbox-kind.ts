import { registerEnumType } from '@nestjs/graphql';

/** What an inbox item tells its reader (docs/inbox.md lists who gets which). */
export enum InboxItemKind {
  /** A referral to the reader's agency was sent. */
  REFERRAL_RECEIVED = 'REFERRAL_RECEIVED',
  /** A referral the reader made moved to another status. */
  REFERRAL_STATUS_CHANGED = 'REFERRAL_STATUS_CHANGED',
  /** A referral's current stage is past its deadline (working days, docs/referrals-and-webhooks.md). */
  REFERRAL_OVERDUE = 'REFERRAL_OVERDUE',
  /** Someone used emergency access (break-glass) to the family's data. */
  BREAK_GLASS_USED = 'BREAK_GLASS_USED',
  /** A consent of the family was withdrawn, wholly or for some of its members. */
  CONSENT_WITHDRAWN = 'CONSENT_WITHDRAWN',
  /** The family's supporter hands the role over: the family is to confirm it. */
  SUPPORT_HANDOVER_TO_CONFIRM = 'SUPPORT_HANDOVER_TO_CONFIRM',
  /** The family confirmed the handover: the new supporter took over. */
  SUPPORT_HANDED_OVER = 'SUPPORT_HANDED_OVER',
  /** A caseworker who found the family known asks its supporter that her agency join the team (docs/family-identity.md). */
  TEAM_PARTICIPATION_REQUESTED = 'TEAM_PARTICIPATION_REQUESTED',
}
registerEnumType(InboxItemKind, { name: 'InboxItemKind' });

/**
 * The parameters an item's text is made of: ids and statuses, never personal data, so that the text
 * shows nothing its reader may not read and can be rendered later in the reader's own language.
 */
export interface InboxParams {
  from?: string | null;
  to?: string;
  /** The referral's version whose stage is overdue (one item per stage). */
  version?: number;
  /** Until when a grant is in force (ISO time). */
  until?: string;
  /** Whether a withdrawal ended the whole consent (else for some of its members). */
  whole?: boolean;
}

/** The one place an item's text is made, at read time, from its kind and parameters. */
export function inboxText(kind: InboxItemKind, params: InboxParams): string {
  switch (kind) {
    case InboxItemKind.REFERRAL_RECEIVED:
      return 'A new referral was sent to your agency.';
    case InboxItemKind.REFERRAL_STATUS_CHANGED:
      return `Your referral moved from ${params.from ?? 'nothing'} to ${params.to}.`;
    case InboxItemKind.REFERRAL_OVERDUE:
      return `A referral is past its deadline in status ${params.to}.`;
    case InboxItemKind.BREAK_GLASS_USED:
      return `Emergency access to the family's data was opened, until ${params.until}.`;
    case InboxItemKind.CONSENT_WITHDRAWN:
      return params.whole ? 'A consent of the family was withdrawn.' : 'A consent of the family was withdrawn for some of the members it covered.';
    case InboxItemKind.SUPPORT_HANDOVER_TO_CONFIRM:
      return 'Your family gets a new trajectory supporter: please confirm the handover.';
    case InboxItemKind.SUPPORT_HANDED_OVER:
      return "The family's trajectory support was handed over.";
    case InboxItemKind.TEAM_PARTICIPATION_REQUESTED:
      return "Another agency asks to join the family's team: please accept or decline.";
  }
}
