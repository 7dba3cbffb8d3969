import { FamilyPlanFoundation1764100000000 } from './1764100000000-FamilyPlanFoundation.js';

/** Every migration, in order. A test checks that each file in this folder is listed. */
export const migrations = [FamilyPlanFoundation1764100000000];
