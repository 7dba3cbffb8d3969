import { registerEnumType } from '@nestjs/graphql';

/** The categories of personal data that consents name and that notes are filed under (docs/domain.md, "Consent"). */
export enum DataCategory {
  IDENTITY = 'IDENTITY',
  CONTACT = 'CONTACT',
  PLAN = 'PLAN',
  NOTES = 'NOTES',
  HEALTH = 'HEALTH',
  SAFETY = 'SAFETY',
  REFERRAL = 'REFERRAL',
}
registerEnumType(DataCategory, { name: 'DataCategory' });
