import { registerEnumType } from '@nestjs/graphql';

export enum MembershipRole {
  CASEWORKER = 'CASEWORKER',
  VOLUNTEER = 'VOLUNTEER',
  AGENCY_ADMIN = 'AGENCY_ADMIN',
  NETWORK_COORDINATOR = 'NETWORK_COORDINATOR',
}
registerEnumType(MembershipRole, { name: 'MembershipRole' });
