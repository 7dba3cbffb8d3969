import type { NodeRead, TypeRead } from '../graphql/compiled-selection.js';
import { AGENCY, byId, dateTime } from '../plans/plan-read.js';

/*
 * `referral(id)` and the nodes of `referrals(…)` as a compiled read (audit/compiled-read.ts): the fields of the
 * referral and of its parts that are columns or levels read as the field resolvers read them (ReferralsResolver,
 * ReferralTransitionResolver: the same rows and order). What the Referral's field-level rights guard
 * (subjects.ts: the reason and free text under `readDetails`, the meeting's place under `readMeetingPlace`) the
 * compiled read withholds in SQL from the same declaration. A field missing here sends the request down the
 * resolvers' path: members (read through the FamilyMember rule), overdue (computed in Node), handover, a step's
 * from and to, and what only people see (`readActors`: bridgeFigure, a step's actor, a meeting's bridgeFigurePresent).
 */

/**
 * Referral.transitions: every step, oldest first (ReferralsService.transitionsOf). Not `from` and `to`: their
 * GraphQL names are not the entity's properties (fromStatus, toStatus), which the default resolvers read.
 */
const TRANSITIONS: NodeRead = {
  from: { table: 'referral_transition' },
  link: { column: 'referral_id', parentColumn: 'id' },
  one: false,
  order: ['version'],
  type: {
    columns: { id: 'id', version: 'version', at: dateTime('at'), reason: 'reason' },
    nodes: { actorAgency: () => byId('agency', AGENCY, 'actor_agency_id') },
  },
};

/** Referral.handoverMeetings: every meeting planned, oldest first (ReferralsService.meetingsOf). */
const MEETINGS: NodeRead = {
  from: { table: 'handover_meeting' },
  link: { column: 'referral_id', parentColumn: 'id' },
  one: false,
  order: ['created_at'],
  type: {
    columns: {
      id: 'id',
      startsAt: dateTime('starts_at'),
      location: 'location',
      onlineUrl: 'online_url',
      attendees: 'attendees',
      state: 'state',
      note: 'note',
      createdAt: dateTime('created_at'),
      endedAt: dateTime('ended_at'),
    },
    nodes: {},
  },
};

const REFERRAL: TypeRead = {
  columns: {
    id: 'id',
    familyId: 'family_id',
    planId: 'plan_id',
    status: 'status',
    version: 'version',
    urgency: 'urgency',
    reason: 'reason',
    requestedService: 'requested_service',
    lifeDomain: 'life_domain',
    directoryServiceId: 'directory_service_id',
    externalReference: 'external_reference',
    declineReason: 'decline_reason',
    withdrawReason: 'withdraw_reason',
    familyDeclinedMeeting: 'family_declined_meeting',
    outcome: 'outcome',
    outcomeReason: 'outcome_reason',
    outcomeNote: 'outcome_note',
    dueAt: dateTime('due_at'),
    sentAt: dateTime('sent_at'),
    receivedAt: dateTime('received_at'),
    acceptedAt: dateTime('accepted_at'),
    completedAt: dateTime('completed_at'),
    createdAt: dateTime('created_at'),
    updatedAt: dateTime('updated_at'),
  },
  nodes: {
    fromAgency: () => byId('agency', AGENCY, 'from_agency_id'),
    toAgency: () => byId('agency', AGENCY, 'to_agency_id'),
    transitions: () => TRANSITIONS,
    handoverMeetings: () => MEETINGS,
  },
};

/** The root of both: referrals, by id (`referral`) or by the list's filters (`referrals`), under the Referral rule. */
export const REFERRAL_READ: NodeRead = {
  from: { subject: 'Referral' },
  link: { column: 'id', parentColumn: 'id' },
  one: true,
  type: REFERRAL,
};
