import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ReferralStatus } from './referral-status.js';

/** One step of a referral, with who took it and why (append-only). */
@ObjectType()
@Entity('referral_transition')
export class ReferralTransition {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  referralId: string;

  @Field(() => ReferralStatus, { name: 'from', nullable: true, description: 'Null for the creation of the referral.' })
  @Column({ type: 'text', nullable: true })
  fromStatus: ReferralStatus | null;

  @Field(() => ReferralStatus, { name: 'to' })
  @Column({ type: 'text' })
  toStatus: ReferralStatus;

  @Field(() => Int, { description: 'The version of the referral this step produced.' })
  @Column({ type: 'integer' })
  version: number;

  @Field()
  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorAgencyId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb' })
  details: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form JSON
}
