import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A caseworker's recorded judgement that a member can (or cannot) decide for itself, setting aside
 * the presumption from age 12 either way. The latest assessment counts.
 */
@ObjectType()
@Entity('capacity_assessment')
export class CapacityAssessment {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  memberId: string;

  @Field()
  @Column()
  capable: boolean;

  @Field()
  @Column()
  reason: string;

  @Column('uuid')
  assessedByUserId: string;

  @Column('uuid')
  assessedByAgencyId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  assessedAt: Date;
}
