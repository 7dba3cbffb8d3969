import { registerEnumType } from '@nestjs/graphql';

/**
 * PROPOSED by one family's trajectory supporter, MERGED once the other family's supporter (or the coordinator) confirmed;
 * WITHDRAWN by the proposer (or the coordinator), DECLINED by the other family's supporter.
 */
export enum FamilyMergeStatus {
  PROPOSED = 'PROPOSED',
  MERGED = 'MERGED',
  WITHDRAWN = 'WITHDRAWN',
  DECLINED = 'DECLINED',
}
registerEnumType(FamilyMergeStatus, { name: 'FamilyMergeStatus' });
