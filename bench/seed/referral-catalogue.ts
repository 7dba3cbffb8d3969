/**
 * Referral histories: whole paths through the state machine, replayed through REFERRAL_STEPS when this
 * module loads, so that a path the service would refuse cannot be seeded; and the deadlines they run against.
 */
import { ReferralStatus, TERMINAL_STATUSES } from '../../src/referrals/referral-status.js';
import { REFERRAL_STEPS, type ReferralStepName } from '../../src/referrals/referral-steps.js';
import type { RunPlan } from './run-plan.js';
import { literal, type Statement, textArray, timestamp } from './sql.js';

interface ReferralPath {
  steps: ReferralStepName[];
  /** Relative frequency. */
  weight: number;
}

const REFERRAL_PATHS: ReferralPath[] = [
  { steps: [], weight: 6 },
  { steps: ['send'], weight: 6 },
  { steps: ['send', 'receive'], weight: 7 },
  { steps: ['send', 'receive', 'waitlist'], weight: 5 },
  { steps: ['send', 'receive', 'accept'], weight: 5 },
  { steps: ['send', 'receive', 'waitlist', 'accept'], weight: 1.5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverMissed'], weight: 1.5 },
  { steps: ['send', 'receive', 'decline'], weight: 6 },
  { steps: ['send', 'receive', 'waitlist', 'decline'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover'], weight: 5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'rescheduleHandover'], weight: 1.5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverMissed', 'scheduleHandover'], weight: 0.5 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverHeld'], weight: 6 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverHeld', 'complete'], weight: 24 },
  { steps: ['send', 'receive', 'waitlist', 'accept', 'scheduleHandover', 'recordHandoverHeld', 'complete'], weight: 4 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'rescheduleHandover', 'recordHandoverHeld', 'complete'], weight: 3 },
  {
    steps: ['send', 'receive', 'accept', 'scheduleHandover', 'cancelHandover', 'scheduleHandover', 'recordHandoverHeld', 'complete'],
    weight: 1,
  },
  // Completed without a meeting: the family declined it (before or after one was planned).
  { steps: ['send', 'receive', 'accept', 'complete'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'complete'], weight: 1 },
  { steps: ['withdraw'], weight: 2 },
  { steps: ['send', 'withdraw'], weight: 2 },
  { steps: ['send', 'receive', 'withdraw'], weight: 3 },
  { steps: ['send', 'receive', 'waitlist', 'withdraw'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'withdraw'], weight: 2 },
  { steps: ['send', 'receive', 'accept', 'scheduleHandover', 'withdraw'], weight: 1 },
];

interface ReplayedStep {
  name: ReferralStepName | 'create';
  from: ReferralStatus | null;
  to: ReferralStatus;
  /** Who takes the step: the referring side, the receiving agency, or either (REFERRAL_STEPS.by). */
  side: 'REFERRER' | 'RECEIVER' | 'EITHER';
}

function replay(path: ReferralPath): ReplayedStep[] {
  const replayed: ReplayedStep[] = [{ name: 'create', from: null, to: ReferralStatus.DRAFT, side: 'REFERRER' }];
  for (const name of path.steps) {
    const step = REFERRAL_STEPS[name];
    const from = replayed.at(-1)!.to;
    if (!(step.from as readonly ReferralStatus[]).includes(from)) throw new Error(`Seed referral path ${path.steps.join(' → ')}: ${name} from ${from}`);
    const by = step.by as readonly string[];
    const side = by.includes('refer') ? (by.length > 1 ? 'EITHER' : 'REFERRER') : 'RECEIVER';
    replayed.push({ name, from, to: step.to, side });
  }
  return replayed;
}

const REPLAYED_PATHS = REFERRAL_PATHS.map((path) => ({ ...path, replayed: replay(path) }));

/**
 * ReferralDeadlines: not received within 2 working days of sending, not decided within 5 of receipt, no
 * meeting within 10 of acceptance (running on through scheduling); URGENT in hours.
 */
export const REFERRAL_DEADLINES = [
  { status: ReferralStatus.SENT, startedAt: 'sent_at', workingDays: 2, urgentHours: 4 },
  { status: ReferralStatus.RECEIVED, startedAt: 'received_at', workingDays: 5, urgentHours: 24 },
  { status: ReferralStatus.ACCEPTED, startedAt: 'accepted_at', workingDays: 10, urgentHours: 72 },
  { status: ReferralStatus.HANDOVER_SCHEDULED, startedAt: 'accepted_at', workingDays: 10, urgentHours: 72 },
] as const;

/**
 * As WorkingCalendar.addWorkingDays, for every day the data spans: the end (local midnight) of the n-th
 * working day after a day in Brussels, for the deadlines of REFERRAL_DEADLINES.
 */
function deadlines(p: RunPlan): Statement[] {
  const first = `((${timestamp(p.asOf)} - interval '7 years') AT TIME ZONE 'Europe/Brussels')::date`;
  const last = `((${timestamp(p.asOf)} + interval '1 year') AT TIME ZONE 'Europe/Brussels')::date`;
  const counts = [...new Set(REFERRAL_DEADLINES.map((d) => d.workingDays))];
  return [
    {
      sql: `CREATE TEMP TABLE seed_working_day AS
        SELECT d::date AS day, row_number() OVER (ORDER BY d)::int AS n
          FROM generate_series(${first}::timestamp, (${last} + 60)::timestamp, interval '1 day') d
         WHERE extract(isodow FROM d) < 6 AND d::date <> ALL (${textArray(p.holidays)}::date[])`,
    },
    { sql: `CREATE INDEX ON seed_working_day (day)` },
    {
      sql: `CREATE TEMP TABLE seed_deadline AS
        SELECT c.day, k.days, (w.day + 1)::timestamp AT TIME ZONE 'Europe/Brussels' AS due
          FROM generate_series(${first}::timestamp, ${last}::timestamp, interval '1 day') c(day)
          CROSS JOIN (VALUES ${counts.map((n) => `(${n})`).join(', ')}) k(days)
          CROSS JOIN LATERAL (SELECT w.n FROM seed_working_day w WHERE w.day > c.day::date ORDER BY w.day LIMIT 1) next
          JOIN seed_working_day w ON w.n = next.n + k.days - 1`,
    },
    { sql: `CREATE INDEX ON seed_deadline (day, days)` },
  ];
}

/** The referral paths as tables: which path a random number picks (terminal ones alone for closed plans), and its steps. */
function referralPaths(): Statement[] {
  const total = REPLAYED_PATHS.reduce((sum, p) => sum + p.weight, 0);
  const terminal = (p: (typeof REPLAYED_PATHS)[number]) => TERMINAL_STATUSES.includes(p.replayed.at(-1)!.to);
  const terminalTotal = REPLAYED_PATHS.filter(terminal).reduce((sum, p) => sum + p.weight, 0);
  let lo = 0;
  let terminalLo = 0;
  const rows = REPLAYED_PATHS.map((path, i) => {
    const hi = lo + path.weight / total;
    const terminalHi = terminal(path) ? terminalLo + path.weight / terminalTotal : terminalLo;
    // The last range ends at 1 exactly, whatever the rounding.
    const row = `(${i}, ${literal(path.replayed.at(-1)!.to)}, ${terminal(path)}, ${lo}, ${i === REPLAYED_PATHS.length - 1 ? 1 : hi},
      ${terminal(path) ? terminalLo : 0}, ${terminal(path) ? (terminalHi > 1 - 1e-9 ? 1 : terminalHi) : 0},
      ${path.replayed.some((s) => s.name === 'complete' && s.from !== ReferralStatus.HANDOVER_HELD)})`;
    lo = hi;
    terminalLo = terminalHi;
    return row;
  });
  const steps = REPLAYED_PATHS.flatMap((path, i) =>
    path.replayed.map((s, k) => `(${i}, ${k}, ${literal(s.name)}, ${s.from ? literal(s.from) : 'NULL'}::text, ${literal(s.to)}, ${literal(s.side)})`),
  );
  return [
    {
      sql: `CREATE TEMP TABLE seed_path AS SELECT * FROM (VALUES ${rows.join(',')})
        t(path, final_status, terminal, lo, hi, lo_terminal, hi_terminal, family_declined_meeting)`,
    },
    { sql: `CREATE TEMP TABLE seed_path_step AS SELECT * FROM (VALUES ${steps.join(',')}) t(path, k, name, from_status, to_status, side)` },
  ];
}

/** The session tables the referrals of every batch draw from: the paths and the deadlines. */
export function referralTables(p: RunPlan): Statement[] {
  return [...referralPaths(), ...deadlines(p)];
}
