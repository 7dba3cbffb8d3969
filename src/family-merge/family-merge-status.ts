import { registerEnumType } from '@nestjs/graphql';

/** PROPOSED by one family's trajectory supporter, MERGED once the other family's supporter (or the coordinator) confirmed. */
export enum FamilyMergeStatus {
  PROPOSED = 'PROPOSED',
  MERGED = 'MERGED',
}
registerEnumType(FamilyMergeStatus, { name: 'FamilyMergeStatus' });
