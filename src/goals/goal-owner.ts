import { registerEnumType } from '@nestjs/graphql';

export enum GoalOwner {
  FAMILY = 'FAMILY',
  /** An agency of the network carries the goal (Goal.ownerAgency). */
  AGENCY = 'AGENCY',
}
registerEnumType(GoalOwner, { name: 'GoalOwner' });
