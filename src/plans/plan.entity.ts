import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { CloseReasonCode } from './close-reason-code.js';
import { PlanStatus } from './plan-status.js';

/** The family's one shared plan. At most one open (DRAFT or ACTIVE) plan per family. */
@ObjectType()
@Entity('plan')
export class Plan {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  familyId: string;

  @Field(() => Int, { description: '1 for the first plan of a family; a reopened plan counts on.' })
  @Column({ type: 'integer' })
  generation: number;

  @Field(() => ID, { nullable: true, description: 'The closed plan this one reopens.' })
  @Column({ type: 'uuid', nullable: true })
  previousPlanId: string | null;

  @Field(() => PlanStatus)
  @Column({ type: 'text' })
  status: PlanStatus;

  @Field({ description: "The family's situation and wishes, in its own words." })
  @Column()
  summary: string;

  @Field(() => String, { nullable: true, description: "The family's strengths, in its own words." })
  @Column({ type: 'text', nullable: true })
  strengths: string | null;

  @Field(() => CloseReasonCode, { nullable: true, description: 'Why the plan was closed (CLOSED only).' })
  @Column({ type: 'text', nullable: true })
  closeReasonCode: CloseReasonCode | null;

  @Field(() => String, { nullable: true, description: 'The reason in words; always given with OTHER.' })
  @Column({ type: 'text', nullable: true })
  closeReason: string | null;

  /** Who closed it (Plan.closedBy). */
  @Column({ type: 'uuid', nullable: true })
  closedByUserId: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Field(() => Int, { description: 'Increases with every change; pass it as expectedVersion to detect conflicts.' })
  @Column({ type: 'integer' })
  version: number;

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
