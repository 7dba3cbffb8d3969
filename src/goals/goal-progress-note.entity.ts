import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** How a goal is getting on, as recorded with an update of the goal. Never changed afterwards. */
@ObjectType()
@Entity('goal_progress_note')
export class GoalProgressNote {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  goalId: string;

  @Field()
  @Column()
  body: string;

  @Column('uuid')
  authorUserId: string;

  @Column('uuid')
  authorAgencyId: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
