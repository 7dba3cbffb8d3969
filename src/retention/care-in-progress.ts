import { TERMINAL_STATUSES } from '../referrals/referral-status.js';

/**
 * Why a family's personal data must still be kept (SQL on the family aliased `f`): care is still running
 * on an open plan, or a referral is still under way (the receiving agency's duty to act on it).
 * Neither retention nor a member's request erases while one holds.
 */
export const OPEN_PLAN_SQL = `EXISTS (SELECT 1 FROM plan op WHERE op.family_id = f.id AND op.status <> 'CLOSED')`;
export const OPEN_REFERRAL_SQL = `EXISTS (SELECT 1 FROM referral orf WHERE orf.family_id = f.id
  AND orf.status NOT IN (${TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ')}))`;
