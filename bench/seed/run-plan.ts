import { belgianPublicHolidays } from '../../src/referrals/working-days.js';
import { KIND_COUNT } from './organisation.js';

/** How many of everything one run creates, and where its numbering continues (after earlier runs). */
export interface RunPlan {
  seed: number;
  asOf: Date;
  families: number;
  networks: number;
  agenciesPerNetwork: number;
  usersPerNetwork: number;
  networkBase: number;
  familyBase: number;
  userBase: number;
  /** Days that are not working days besides weekends, for referral deadlines ('YYYY-MM-DD'). */
  holidays: string[];
}

/** Reference ratios (docs/seed.md): per family plan, agencies and users of a network. */
const FAMILIES_PER_NETWORK = 2000;
const FAMILIES_PER_AGENCY = 50;
const FAMILIES_PER_USER = 4;

/** The run that seeds `families` beside the `existing` rows, at the reference proportions. */
export function runPlan(
  families: number,
  seed: number,
  asOf: Date,
  existing: { networks: number; families: number; users: number },
  holidays: string[],
): RunPlan {
  const networks = Math.max(1, Math.round(families / FAMILIES_PER_NETWORK));
  const agenciesPerNetwork = Math.max(KIND_COUNT, Math.round(families / FAMILIES_PER_AGENCY / networks));
  return {
    seed,
    asOf,
    families,
    networks,
    agenciesPerNetwork,
    // At least an admin, a caseworker and one more person in every agency (a volunteer organisation: a volunteer).
    usersPerNetwork: Math.max(3 * agenciesPerNetwork, Math.round(families / FAMILIES_PER_USER / networks)),
    networkBase: existing.networks,
    familyBase: existing.families,
    userBase: existing.users,
    holidays,
  };
}

/** Days off for referral deadlines over the years the data spans. */
export function holidaysAround(asOf: Date, extra: readonly string[]): string[] {
  const year = asOf.getUTCFullYear();
  const years = Array.from({ length: 8 }, (_, i) => year - 6 + i);
  return [...years.flatMap((y) => belgianPublicHolidays(y)), ...extra];
}
