import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An agency on the plan team, with what it contributes. */
@ObjectType()
@Entity('plan_participant')
export class PlanParticipant {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  planId: string;

  @Column('uuid')
  agencyId: string;

  @Field()
  @Column()
  contribution: string;

  @Field()
  @Column({ type: 'timestamptz' })
  addedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
