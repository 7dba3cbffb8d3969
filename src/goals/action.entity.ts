import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { ActionStatus } from './action-status.js';

/** A step towards a goal, assigned to exactly one person: someone on the family's team or a family member. */
@ObjectType()
@Entity('action')
export class Action {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  goalId: string;

  @Field()
  @Column()
  title: string;

  @Column({ type: 'uuid', nullable: true })
  assigneeUserId: string | null;

  @Column({ type: 'uuid', nullable: true })
  assigneeMemberId: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' })
  @Column({ type: 'date', nullable: true })
  dueDate: string | null;

  @Field(() => ActionStatus)
  @Column({ type: 'text' })
  status: ActionStatus;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Who created it: authors keep seeing their own records (the AUTHOR legal basis). */
  @Column({ type: 'uuid', nullable: true })
  createdByUserId: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
