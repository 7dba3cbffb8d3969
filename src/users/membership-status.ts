import { registerEnumType } from '@nestjs/graphql';

/** A membership in force, or one offered to a subject that already exists and is not yet accepted. */
export enum MembershipStatus {
  ACTIVE = 'ACTIVE',
  INVITED = 'INVITED',
}
registerEnumType(MembershipStatus, { name: 'MembershipStatus' });
