import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One change to a plan, its team, goals, actions or notes: who, when, what. Never updated. */
@ObjectType()
@Entity('plan_history')
export class PlanHistoryEntry {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  planId: string;

  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actingAgencyId: string | null;

  @Field({ description: 'Plan, Goal, Action, Note, PlanParticipant or TrajectorySupporter.' })
  @Column()
  entityType: string;

  @Field(() => ID)
  @Column('uuid')
  entityId: string;

  @Field({ description: 'What happened, e.g. PLAN_OPENED, GOAL_UPDATED, SUPPORT_HANDED_OVER.' })
  @Column()
  change: string;

  @Field(() => GraphQLJSONObject, { description: 'The changed values (before/after where relevant).' })
  @Column({ type: 'jsonb' })
  details: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form JSON

  @Field()
  @Column({ type: 'timestamptz' })
  at: Date;
}
