import { registerEnumType } from '@nestjs/graphql';
import type { Language } from '../i18n/language.js';
import { type MessageArgs, type MessageKey, message } from '../i18n/messages.js';

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

/** The one place an item's text is made, at read time, from its kind and parameters, in the reader's language. */
export function inboxText(kind: InboxItemKind, params: InboxParams, language: Language, timeZone: string): string {
  const text = (key: MessageKey, args: MessageArgs = {}) => message(language, key, args, timeZone);
  const status = (value: string | null | undefined) => text('referral.status', { status: value ?? 'none' });
  switch (kind) {
    case InboxItemKind.REFERRAL_RECEIVED:
      return text('inbox.referralReceived');
    case InboxItemKind.REFERRAL_STATUS_CHANGED:
      return text('inbox.referralStatusChanged', { from: status(params.from), to: status(params.to) });
    case InboxItemKind.REFERRAL_OVERDUE:
      return text('inbox.referralOverdue', { to: status(params.to) });
    case InboxItemKind.BREAK_GLASS_USED:
      return text('inbox.breakGlassUsed', { until: new Date(params.until!) });
    case InboxItemKind.CONSENT_WITHDRAWN:
      return text('inbox.consentWithdrawn', { whole: params.whole ? 'yes' : 'no' });
    case InboxItemKind.SUPPORT_HANDOVER_TO_CONFIRM:
      return text('inbox.supportHandoverToConfirm');
    case InboxItemKind.SUPPORT_HANDED_OVER:
      return text('inbox.supportHandedOver');
  }
}
