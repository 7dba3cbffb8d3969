/**
 * What a run sends, in order: the session tables every batch draws from, then per batch of families the
 * statements of each aggregate (staging tables first, then the inserts, parents before children).
 */
import { insertAudit, stageAudit } from './audit.js';
import { insertBreakGlass, stageBreakGlass } from './break-glass.js';
import { insertConsents, stageConsents } from './consents.js';
import { insertFamilies, stageFamilies, stageMembers } from './families.js';
import { insertGoals, stageGoals } from './goals.js';
import { insertIdentities } from './identities.js';
import { insertInbox } from './inbox.js';
import { insertNotes, stageNotes } from './notes.js';
import { organisation } from './organisation.js';
import { insertPlanHistory, stagePlanHistory } from './plan-history.js';
import { insertPlans, stageTeams } from './plans.js';
import { referralTables } from './referral-catalogue.js';
import { insertReferrals, stageReferrals, stageReferralSteps } from './referrals.js';
import type { RunPlan } from './run-plan.js';
import type { Statement } from './sql.js';

/** The organisation of the run's networks, and the session tables (`seed_*`) the family batches draw from. */
export function sessionTables(p: RunPlan): Statement[] {
  return [
    ...organisation(p),
    ...referralTables(p),
    { sql: `ANALYZE seed_deadline, seed_network, seed_agency, seed_kind_agencies, seed_user, seed_agency_staff, seed_path, seed_path_step` },
  ];
}

/**
 * Families `from` … `to - 1` of the run, in two parts: the families with everything that hangs off them
 * but their consents; then the consents (with the grants their triggers derive, the costliest part) and
 * the audit entries, which a second session writes while the first goes on with the next batch. Both
 * parts stage the rows they need the same way: staging is deterministic.
 */
export function familyBatch(p: RunPlan, from: number, to: number): { families: Statement[]; consents: Statement[] } {
  const staging = [...stageFamilies(p, from, to), ...stageTeams(), ...stageMembers(p), ...stageConsents(), ...stageReferrals(), ...stageBreakGlass()];
  return {
    families: [
      ...staging,
      ...stageReferralSteps(),
      ...stageGoals(),
      ...stageNotes(),
      ...stagePlanHistory(),
      ...insertFamilies(),
      ...insertIdentities(),
      ...insertPlans(),
      ...insertGoals(),
      ...insertNotes(),
      ...insertReferrals(),
      ...insertBreakGlass(),
      ...insertPlanHistory(),
      ...insertInbox(p),
    ],
    consents: [...staging, ...stageAudit(), ...insertConsents(), ...insertAudit()],
  };
}
