import type { PolicyAction } from '../policy/ability.factory.js';
import { ReferralStatus as S, TERMINAL_STATUSES } from './referral-status.js';

/** A transition of the referral state machine (docs/referrals-and-webhooks.md): where it may start, where it leads, who takes it. */
export interface ReferralStep {
  from: readonly S[];
  to: S;
  /**
   * `refer`: the referring agency or the plan's supporter; `respond`: the receiving agency; `intake`:
   * the receiving agency or its integration client (taking it in, with the partner's own reference).
   */
  by: readonly Extract<PolicyAction, 'refer' | 'respond' | 'intake'>[];
}

const OPEN = Object.values(S).filter((s) => !TERMINAL_STATUSES.includes(s));

export const REFERRAL_STEPS = {
  send: { from: [S.DRAFT], to: S.SENT, by: ['refer'] },
  receive: { from: [S.SENT], to: S.RECEIVED, by: ['intake'] },
  accept: { from: [S.RECEIVED, S.WAITLISTED], to: S.ACCEPTED, by: ['intake'] },
  waitlist: { from: [S.RECEIVED], to: S.WAITLISTED, by: ['respond'] },
  decline: { from: [S.RECEIVED, S.WAITLISTED], to: S.DECLINED, by: ['respond'] },
  scheduleHandover: { from: [S.ACCEPTED], to: S.HANDOVER_SCHEDULED, by: ['refer'] },
  rescheduleHandover: { from: [S.HANDOVER_SCHEDULED], to: S.HANDOVER_SCHEDULED, by: ['refer'] },
  cancelHandover: { from: [S.HANDOVER_SCHEDULED], to: S.ACCEPTED, by: ['refer'] },
  recordHandoverMissed: { from: [S.HANDOVER_SCHEDULED], to: S.ACCEPTED, by: ['refer', 'respond'] },
  recordHandoverHeld: { from: [S.HANDOVER_SCHEDULED], to: S.HANDOVER_HELD, by: ['refer', 'respond'] },
  // From ACCEPTED or HANDOVER_SCHEDULED only when the family declined the meeting (checked by the service).
  complete: { from: [S.HANDOVER_HELD, S.ACCEPTED, S.HANDOVER_SCHEDULED], to: S.COMPLETED, by: ['respond'] },
  withdraw: { from: OPEN, to: S.WITHDRAWN, by: ['refer'] },
} as const satisfies Record<string, ReferralStep>;

export type ReferralStepName = keyof typeof REFERRAL_STEPS;
