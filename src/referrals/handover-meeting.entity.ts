import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum HandoverMeetingState {
  SCHEDULED = 'SCHEDULED',
  /** Replaced by a meeting at another time or place. */
  RESCHEDULED = 'RESCHEDULED',
  CANCELLED = 'CANCELLED',
  /** Nobody (or not the family) came: the referral returns to ACCEPTED for a new meeting. */
  MISSED = 'MISSED',
  HELD = 'HELD',
}
registerEnumType(HandoverMeetingState, { name: 'HandoverMeetingState' });

export enum HandoverAttendee {
  FAMILY = 'FAMILY',
  REFERRER = 'REFERRER',
  RECEIVER = 'RECEIVER',
}
registerEnumType(HandoverAttendee, { name: 'HandoverAttendee' });

/** The warm handover: the family meets the receiving agency together with the referrer. */
@ObjectType()
@Entity('handover_meeting')
export class HandoverMeeting {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  referralId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Field(() => String, { nullable: true, description: 'Where it takes place; null when online.' })
  @Column({ type: 'text', nullable: true })
  location: string | null;

  @Field(() => String, { nullable: true, description: 'The link of an online meeting.' })
  @Column({ type: 'text', nullable: true })
  onlineUrl: string | null;

  @Field(() => [HandoverAttendee])
  @Column({ type: 'text', array: true })
  attendees: HandoverAttendee[];

  @Field(() => HandoverMeetingState)
  @Column({ type: 'text' })
  state: HandoverMeetingState;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether the bridge figure came (recorded when the meeting was held); null without a bridge figure, and for a partner system.',
  })
  @Column({ type: 'boolean', nullable: true })
  bridgeFigurePresent: boolean | null;

  @Column('uuid')
  createdByUserId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
