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
  /**
   * `AGENCY`: only a referral to an agency on the platform; `EXTERNAL`: only a logged referral, to an organisation
   * outside it, whose steps the referrer records by hand. Both when absent.
   */
  receiver?: 'AGENCY' | 'EXTERNAL';
  /**
   * The step brings the receiving agency (nearer) to the family: only while that agency works in the family's
   * network. After the family moved out of its reach, it would join a team whose family the access rule refuses it
   * (docs/regional-agencies-and-moves.md, "Open referrals after a move").
   */
  reachesReceiver?: true;
}

const OPEN = Object.values(S).filter((s) => !TERMINAL_STATUSES.includes(s));

export const REFERRAL_STEPS = {
  send: { from: [S.DRAFT], to: S.SENT, by: ['refer'], receiver: 'AGENCY', reachesReceiver: true },
  receive: { from: [S.SENT], to: S.RECEIVED, by: ['intake'], receiver: 'AGENCY', reachesReceiver: true },
  accept: { from: [S.RECEIVED, S.WAITLISTED], to: S.ACCEPTED, by: ['intake'], receiver: 'AGENCY', reachesReceiver: true },
  waitlist: { from: [S.RECEIVED], to: S.WAITLISTED, by: ['respond'], receiver: 'AGENCY', reachesReceiver: true },
  decline: { from: [S.RECEIVED, S.WAITLISTED], to: S.DECLINED, by: ['respond'], receiver: 'AGENCY' },
  scheduleHandover: { from: [S.ACCEPTED], to: S.HANDOVER_SCHEDULED, by: ['refer'], receiver: 'AGENCY', reachesReceiver: true },
  rescheduleHandover: { from: [S.HANDOVER_SCHEDULED], to: S.HANDOVER_SCHEDULED, by: ['refer'], receiver: 'AGENCY', reachesReceiver: true },
  cancelHandover: { from: [S.HANDOVER_SCHEDULED], to: S.ACCEPTED, by: ['refer'], receiver: 'AGENCY' },
  recordHandoverMissed: { from: [S.HANDOVER_SCHEDULED], to: S.ACCEPTED, by: ['refer', 'respond'], receiver: 'AGENCY' },
  recordHandoverHeld: { from: [S.HANDOVER_SCHEDULED], to: S.HANDOVER_HELD, by: ['refer', 'respond'], receiver: 'AGENCY' },
  // From ACCEPTED or HANDOVER_SCHEDULED only when the family declined the meeting (checked by the service).
  complete: { from: [S.HANDOVER_HELD, S.ACCEPTED, S.HANDOVER_SCHEDULED], to: S.COMPLETED, by: ['respond'], receiver: 'AGENCY' },
  withdraw: { from: OPEN, to: S.WITHDRAWN, by: ['refer'] },
  // A logged referral: passed on (by phone, e-mail or a form), an appointment made, the first visit held or
  // missed (back to SENT, waiting for a new appointment), closed with the outcome — all by the referring side.
  recordPassedOn: { from: [S.DRAFT], to: S.SENT, by: ['refer'], receiver: 'EXTERNAL' },
  recordAppointment: { from: [S.SENT], to: S.HANDOVER_SCHEDULED, by: ['refer'], receiver: 'EXTERNAL' },
  recordFirstVisitHeld: { from: [S.HANDOVER_SCHEDULED], to: S.HANDOVER_HELD, by: ['refer'], receiver: 'EXTERNAL' },
  recordFirstVisitMissed: { from: [S.HANDOVER_SCHEDULED], to: S.SENT, by: ['refer'], receiver: 'EXTERNAL' },
  close: { from: [S.SENT, S.HANDOVER_SCHEDULED, S.HANDOVER_HELD], to: S.COMPLETED, by: ['refer'], receiver: 'EXTERNAL' },
} as const satisfies Record<string, ReferralStep>;

export type ReferralStepName = keyof typeof REFERRAL_STEPS;
