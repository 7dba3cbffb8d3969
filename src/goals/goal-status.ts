import { registerEnumType } from '@nestjs/graphql';

export enum GoalStatus {
  PROPOSED = 'PROPOSED',
  ACTIVE = 'ACTIVE',
  ACHIEVED = 'ACHIEVED',
  DISCONTINUED = 'DISCONTINUED',
}
registerEnumType(GoalStatus, { name: 'GoalStatus' });

/** PROPOSED → ACTIVE → ACHIEVED | DISCONTINUED; a proposal may also be dropped. ACHIEVED and DISCONTINUED are final. */
export const GOAL_TRANSITIONS: Record<GoalStatus, readonly GoalStatus[]> = {
  [GoalStatus.PROPOSED]: [GoalStatus.ACTIVE, GoalStatus.DISCONTINUED],
  [GoalStatus.ACTIVE]: [GoalStatus.ACHIEVED, GoalStatus.DISCONTINUED],
  [GoalStatus.ACHIEVED]: [],
  [GoalStatus.DISCONTINUED]: [],
};
