import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

/** Why the law does not allow erasing yet. */
export enum ErasureRefusal {
  OPEN_PLAN = 'OPEN_PLAN',
  OPEN_REFERRAL = 'OPEN_REFERRAL',
}
registerEnumType(ErasureRefusal, { name: 'ErasureRefusal' });

@ObjectType({ description: "A family member's request to erase its personal data, carried out at once." })
export class ErasureRequest {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The member whose personal data was erased.' })
  memberId: string;

  @Field()
  erasedAt: Date;
}
