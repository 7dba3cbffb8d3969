import { registerEnumType } from '@nestjs/graphql';

export enum PlanStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}
registerEnumType(PlanStatus, { name: 'PlanStatus' });
