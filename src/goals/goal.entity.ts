import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { GoalOwner } from './goal-owner.js';
import { GoalStatus } from './goal-status.js';
import { LifeDomain } from './life-domain.js';

/** What the family wants to reach in one life domain; its actions and progress notes are resolved as fields. */
@ObjectType()
@Entity('goal')
export class Goal {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  planId: string;

  @Field(() => LifeDomain)
  @Column({ type: 'text' })
  lifeDomain: LifeDomain;

  @Field({ description: "The goal in the family's own words." })
  @Column()
  description: string;

  @Field(() => GoalOwner)
  @Column({ type: 'text', name: 'owner_kind' })
  owner: GoalOwner;

  @Column({ type: 'uuid', nullable: true })
  ownerAgencyId: string | null;

  @Field(() => GoalStatus)
  @Column({ type: 'text' })
  status: GoalStatus;

  @Field(() => Int, { description: 'Increases with every change; pass it as expectedVersion to detect conflicts.' })
  @Column({ type: 'integer' })
  version: number;

  @Field(() => ID, { nullable: true, description: 'A transition-to-18 checklist: the member turning 18 it is about.' })
  @Column({ type: 'uuid', nullable: true })
  transitionMemberId: string | null;

  /** Who created it: authors keep seeing their own records (the AUTHOR legal basis). */
  @Column({ type: 'uuid', nullable: true })
  createdByUserId: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
