import { registerEnumType } from '@nestjs/graphql';

/** Why a plan was closed, as a code that figures can count; OTHER needs the free-text reason. */
export enum CloseReasonCode {
  GOALS_ACHIEVED = 'GOALS_ACHIEVED',
  FAMILY_ENDED_SUPPORT = 'FAMILY_ENDED_SUPPORT',
  MOVED_AWAY = 'MOVED_AWAY',
  TRANSFERRED_TO_OTHER_SERVICE = 'TRANSFERRED_TO_OTHER_SERVICE',
  NO_LONGER_NEEDED = 'NO_LONGER_NEEDED',
  OTHER = 'OTHER',
  /** Merged into another registration of the same family (docs/family-merge.md); never chosen in closePlan. */
  MERGED = 'MERGED',
}
registerEnumType(CloseReasonCode, { name: 'CloseReasonCode' });
