import { registerEnumType } from '@nestjs/graphql';

/** OPEN until it is done or cancelled; both are final. */
export enum ActionStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ActionStatus, { name: 'ActionStatus' });
