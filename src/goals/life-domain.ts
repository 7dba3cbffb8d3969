import { registerEnumType } from '@nestjs/graphql';

/** The life domains a family's goals fall into (docs/domain.md, "Goal"). */
export enum LifeDomain {
  PARENTING = 'PARENTING',
  HEALTH = 'HEALTH',
  EDUCATION = 'EDUCATION',
  CHILDCARE = 'CHILDCARE',
  HOUSING = 'HOUSING',
  INCOME = 'INCOME',
  WORK = 'WORK',
  LEISURE = 'LEISURE',
  SOCIAL_NETWORK = 'SOCIAL_NETWORK',
  SAFETY = 'SAFETY',
  MOBILITY = 'MOBILITY',
  DIGITAL_INCLUSION = 'DIGITAL_INCLUSION',
}
registerEnumType(LifeDomain, { name: 'LifeDomain' });
