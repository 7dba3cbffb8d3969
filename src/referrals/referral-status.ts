import { registerEnumType } from '@nestjs/graphql';

/** The statuses of a referral (docs/referrals-and-webhooks.md, "Referrals: the warm handover"). */
export enum ReferralStatus {
  DRAFT = 'DRAFT',
  SENT = 'SENT',
  RECEIVED = 'RECEIVED',
  ACCEPTED = 'ACCEPTED',
  WAITLISTED = 'WAITLISTED',
  DECLINED = 'DECLINED',
  HANDOVER_SCHEDULED = 'HANDOVER_SCHEDULED',
  HANDOVER_HELD = 'HANDOVER_HELD',
  COMPLETED = 'COMPLETED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ReferralStatus, { name: 'ReferralStatus' });

export const TERMINAL_STATUSES: readonly ReferralStatus[] = [ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN];

export enum ReferralUrgency {
  ROUTINE = 'ROUTINE',
  PRIORITY = 'PRIORITY',
  /** Deadlines in hours instead of working days. */
  URGENT = 'URGENT',
}
registerEnumType(ReferralUrgency, { name: 'ReferralUrgency' });

export enum ReferralOutcome {
  SUCCESSFUL = 'SUCCESSFUL',
  NOT_SUCCESSFUL = 'NOT_SUCCESSFUL',
}
registerEnumType(ReferralOutcome, { name: 'ReferralOutcome' });

export enum ReferralOutcomeReason {
  FAMILY_DECLINED_SERVICE = 'FAMILY_DECLINED_SERVICE',
  NO_CAPACITY = 'NO_CAPACITY',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  UNABLE_TO_CONTACT_FAMILY = 'UNABLE_TO_CONTACT_FAMILY',
  NO_LONGER_NEEDED = 'NO_LONGER_NEEDED',
  OTHER = 'OTHER',
}
registerEnumType(ReferralOutcomeReason, { name: 'ReferralOutcomeReason' });

export enum ReferralDirection {
  /** Referrals to the acting agency. */
  INCOMING = 'INCOMING',
  /** Referrals from the acting agency. */
  OUTGOING = 'OUTGOING',
  /** Referrals on which the caller is the bridge figure, who accompanies the family to the first meeting. */
  ACCOMPANYING = 'ACCOMPANYING',
}
registerEnumType(ReferralDirection, { name: 'ReferralDirection' });
