import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { LifeDomain } from '../goals/life-domain.js';
import { ReferralOutcome, ReferralOutcomeReason, ReferralStatus, ReferralUrgency } from './referral-status.js';

/**
 * A warm-handover referral of family members from one agency (referrer) to another (receiver) — or a logged
 * referral to an organisation outside the platform (no receiving agency; its steps recorded by the referrer).
 */
@ObjectType()
@Entity('referral')
export class Referral {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  familyId: string;

  @Field(() => ID)
  @Column('uuid')
  planId: string;

  @Column('uuid')
  fromAgencyId: string;

  /** Null for a logged referral, to an organisation outside the platform (`externalOrganisation`). */
  @Column({ type: 'uuid', nullable: true })
  toAgencyId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A logged referral: the organisation outside the platform it was passed on to, as the directory named it then (toAgency is null).',
  })
  @Column({ type: 'text', nullable: true })
  externalOrganisation: string | null;

  @Field(() => ReferralStatus)
  @Column({ type: 'text' })
  status: ReferralStatus;

  @Field(() => Int, { description: 'Increases with every transition; each transition must name the version it expects.' })
  @Column({ type: 'integer' })
  version: number;

  @Field(() => ReferralUrgency)
  @Column({ type: 'text' })
  urgency: ReferralUrgency;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the family is referred. Null unless you may read what the referral says about its members: for the receiving agency, ' +
      'the REFERRAL consent of every referred member (or the access rule on the family’s team; a partner system also needs ' +
      'referrals:personal); in the portal, speaking for every referred member.',
  })
  @Column({ type: 'text' })
  reason: string | null;

  @Field()
  @Column()
  requestedService: string;

  @Field(() => LifeDomain, { nullable: true, description: 'The life domain of the need the referral addresses (counted in the network insight).' })
  @Column({ type: 'text', nullable: true })
  lifeDomain: LifeDomain | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The service of the network directory the family is referred to: of the receiving agency, or of the organisation outside the platform.',
  })
  @Column({ type: 'uuid', nullable: true })
  directoryServiceId: string | null;

  /** The team member who accompanies the family to the first meeting (the GraphQL field `bridgeFigure`). */
  @Column({ type: 'uuid', nullable: true })
  bridgeFigureUserId: string | null;

  @Field(() => String, { nullable: true, description: "The receiving agency's reference in its own case system." })
  @Column({ type: 'text', nullable: true })
  externalReference: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  declineReason: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  withdrawReason: string | null;

  @Field({ description: 'The family declined the handover meeting: the referral may complete without one.' })
  @Column({ type: 'boolean' })
  familyDeclinedMeeting: boolean;

  @Field(() => ReferralOutcome, { nullable: true })
  @Column({ type: 'text', nullable: true })
  outcome: ReferralOutcome | null;

  @Field(() => ReferralOutcomeReason, { nullable: true })
  @Column({ type: 'text', nullable: true })
  outcomeReason: ReferralOutcomeReason | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  outcomeNote: string | null;

  @Field(() => Date, { nullable: true, description: 'When the current stage becomes overdue (null when it has no deadline).' })
  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column('uuid')
  createdByUserId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
