import { registerEnumType } from '@nestjs/graphql';

export enum FamilyMemberRole {
  PARENT = 'PARENT',
  CHILD = 'CHILD',
  OTHER_CAREGIVER = 'OTHER_CAREGIVER',
  UNBORN = 'UNBORN',
}
registerEnumType(FamilyMemberRole, { name: 'FamilyMemberRole' });
