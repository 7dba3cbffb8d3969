import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** REQUESTED → APPLIED | DECLINED; a decided request stays as it is. */
export enum CorrectionStatus {
  REQUESTED = 'REQUESTED',
  APPLIED = 'APPLIED',
  DECLINED = 'DECLINED',
}
registerEnumType(CorrectionStatus, { name: 'CorrectionStatus' });

/** A member's request, in the portal, to correct her data (or a child's she speaks for); decided by the team. */
@ObjectType()
@Entity('member_correction_request')
export class MemberCorrectionRequest {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  familyId: string;

  @Field(() => ID, { description: 'The member whose data is to be corrected.' })
  @Column('uuid')
  memberId: string;

  @Field(() => ID)
  @Column('uuid')
  requestedByMemberId: string;

  @Field(() => GraphQLJSONObject, { description: 'The values asked for, by field (empty once erased).' })
  @Column({ type: 'jsonb' })
  changes: Record<string, string>;

  @Field(() => CorrectionStatus)
  @Column({ type: 'text' })
  status: CorrectionStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  declineReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedByUserId: string | null;

  @Field(() => Int, { description: 'Increases with every step; pass it as expectedVersion to detect conflicts.' })
  @Column({ type: 'integer' })
  version: number;

  @Field()
  @Column({ type: 'timestamptz' })
  requestedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}
