import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum SupporterState {
  /** The family's fixed point of contact. */
  CURRENT = 'CURRENT',
  /** Taking over; both are on the plan until the family confirms (warm handover of the role). */
  INCOMING = 'INCOMING',
  ENDED = 'ENDED',
}
registerEnumType(SupporterState, { name: 'SupporterState' });

@ObjectType()
@Entity('trajectory_supporter')
export class TrajectorySupporter {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  planId: string;

  @Column('uuid')
  userId: string;

  @Column('uuid')
  agencyId: string;

  @Field(() => SupporterState)
  @Column({ type: 'text' })
  state: SupporterState;

  @Field()
  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'How the family confirmed the handover that made this supporter current.' })
  @Column({ type: 'text', nullable: true })
  familyConfirmation: string | null;
}
