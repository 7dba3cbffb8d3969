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
  /** The reader was named the bridge figure of a referral: she accompanies the family to the first meeting. */
  BRIDGE_FIGURE_NAMED = 'BRIDGE_FIGURE_NAMED',
  /** The family's supporter hands the role over: the family is to confirm it. */
  SUPPORT_HANDOVER_TO_CONFIRM = 'SUPPORT_HANDOVER_TO_CONFIRM',
  /** The family confirmed the handover: the new supporter took over. */
  SUPPORT_HANDED_OVER = 'SUPPORT_HANDED_OVER',
  /** Two registrations of the family were merged into one family and one plan (docs/family-merge.md). */
  FAMILY_MERGED = 'FAMILY_MERGED',
  /** The other family's supporter (or the coordinator) declined the merge the reader proposed: the registrations stay apart. */
  FAMILY_MERGE_DECLINED = 'FAMILY_MERGE_DECLINED',
  /** Two records of the same member of the family are one now (pairFamilyMembers). */
  FAMILY_MEMBERS_PAIRED = 'FAMILY_MEMBERS_PAIRED',
  /** The supporter withdrew the family's proposed move to another network: there is no handover to confirm any more. */
  FAMILY_MOVE_WITHDRAWN = 'FAMILY_MOVE_WITHDRAWN',
  /** A referral to an agency of the reader's network is still past its deadline some working days on. */
  REFERRAL_ESCALATED = 'REFERRAL_ESCALATED',
  /** A consent of the family ends within 14 days. */
  CONSENT_EXPIRING = 'CONSENT_EXPIRING',
  /** An action is due today or tomorrow. */
  ACTION_DUE = 'ACTION_DUE',
  /** An action is past its due date and not done. */
  ACTION_OVERDUE = 'ACTION_OVERDUE',
  /** A transition-to-18 checklist was proposed in the family's plan. */
  TRANSITION_CHECKLIST_PROPOSED = 'TRANSITION_CHECKLIST_PROPOSED',
  /** A webhook delivery to one of the agency's integration clients failed after its last retry. */
  WEBHOOK_DELIVERY_FAILED = 'WEBHOOK_DELIVERY_FAILED',
  /** A portal invitation the reader made expired before the member used it. */
  PORTAL_INVITATION_EXPIRED = 'PORTAL_INVITATION_EXPIRED',
  /** A member asked in the portal to correct her details (or a child's): the supporter is to decide. */
  MEMBER_CORRECTION_REQUESTED = 'MEMBER_CORRECTION_REQUESTED',
  /** The team applied the correction the member asked for. */
  MEMBER_CORRECTION_APPLIED = 'MEMBER_CORRECTION_APPLIED',
  /** The team declined the correction the member asked for. */
  MEMBER_CORRECTION_DECLINED = 'MEMBER_CORRECTION_DECLINED',
  /** A caseworker who found the family known asks its supporter that her agency join the team (docs/family-identity.md). */
  TEAM_PARTICIPATION_REQUESTED = 'TEAM_PARTICIPATION_REQUESTED',
  /** The family moved to another network, where the referral's receiving agency does not work: review it. */
  REFERRAL_TO_REVIEW_AFTER_MOVE = 'REFERRAL_TO_REVIEW_AFTER_MOVE',
  /** The family of a referral sent to the reader's agency moved to a network the agency does not work in: it can no longer take the referral further. */
  REFERRAL_FAMILY_MOVED = 'REFERRAL_FAMILY_MOVED',
  /** The next step of a referral the reader passed on to an organisation outside the platform is due: she records it by hand. */
  LOGGED_REFERRAL_STEP_DUE = 'LOGGED_REFERRAL_STEP_DUE',
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
  /** How many working days past its deadline a referral was escalated. */
  workingDays?: number;
  /** A date (YYYY-MM-DD): when a consent ends, when an action is due, when a young adult turns 18. */
  on?: string;
  /** How many members of a merge were found to be the same person in both registrations. */
  members?: number;
}

/** The one place an item's text is made, at read time, from its kind and parameters, in the reader's language. */
export function inboxText(kind: InboxItemKind, params: InboxParams, language: Language, timeZone: string): string {
  const text = (key: MessageKey, args: MessageArgs = {}) => message(language, key, args, timeZone);
  const status = (value: string | null | undefined) => text('referral.status', { status: value ?? 'none' });
  // A calendar day (YYYY-MM-DD) is no moment: shown as that day, whatever the legal time zone (midnight UTC, in UTC).
  const onDay = (key: MessageKey, day: string | undefined) => message(language, key, { on: new Date(`${day}T00:00:00Z`) }, 'UTC');
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
    case InboxItemKind.BRIDGE_FIGURE_NAMED:
      return text('inbox.bridgeFigureNamed');
    case InboxItemKind.SUPPORT_HANDOVER_TO_CONFIRM:
      return text('inbox.supportHandoverToConfirm');
    case InboxItemKind.SUPPORT_HANDED_OVER:
      return text('inbox.supportHandedOver');
    case InboxItemKind.FAMILY_MERGED:
      return text('inbox.familyMerged', { members: params.members ?? 0 });
    case InboxItemKind.FAMILY_MERGE_DECLINED:
      return text('inbox.familyMergeDeclined');
    case InboxItemKind.FAMILY_MEMBERS_PAIRED:
      return text('inbox.familyMembersPaired');
    case InboxItemKind.FAMILY_MOVE_WITHDRAWN:
      return text('inbox.familyMoveWithdrawn');
    case InboxItemKind.REFERRAL_ESCALATED:
      return text('inbox.referralEscalated', { to: status(params.to), workingDays: params.workingDays ?? 0 });
    case InboxItemKind.CONSENT_EXPIRING:
      return onDay('inbox.consentExpiring', params.on);
    case InboxItemKind.ACTION_DUE:
      return onDay('inbox.actionDue', params.on);
    case InboxItemKind.ACTION_OVERDUE:
      return onDay('inbox.actionOverdue', params.on);
    case InboxItemKind.TRANSITION_CHECKLIST_PROPOSED:
      return onDay('inbox.transitionChecklistProposed', params.on);
    case InboxItemKind.WEBHOOK_DELIVERY_FAILED:
      return text('inbox.webhookDeliveryFailed');
    case InboxItemKind.PORTAL_INVITATION_EXPIRED:
      return text('inbox.portalInvitationExpired');
    case InboxItemKind.MEMBER_CORRECTION_REQUESTED:
      return text('inbox.memberCorrectionRequested');
    case InboxItemKind.MEMBER_CORRECTION_APPLIED:
      return text('inbox.memberCorrectionApplied');
    case InboxItemKind.MEMBER_CORRECTION_DECLINED:
      return text('inbox.memberCorrectionDeclined');
    case InboxItemKind.TEAM_PARTICIPATION_REQUESTED:
      return text('inbox.teamParticipationRequested');
    case InboxItemKind.REFERRAL_TO_REVIEW_AFTER_MOVE:
      return text('inbox.referralToReviewAfterMove');
    case InboxItemKind.REFERRAL_FAMILY_MOVED:
      return text('inbox.referralFamilyMoved');
    case InboxItemKind.LOGGED_REFERRAL_STEP_DUE:
      return text('inbox.loggedReferralStepDue', { to: params.to ?? 'none' });
  }
}
