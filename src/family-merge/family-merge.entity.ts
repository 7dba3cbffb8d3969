import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { MemberPair } from '../families/member-pair.js';
import { FamilyMergeStatus } from './family-merge-status.js';

/** Two registrations of the same family becoming one (docs/family-merge.md): ids and states, no personal data. */
@ObjectType()
@Entity('family_merge')
export class FamilyMerge {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  networkId: string;

  @Field(() => ID, { description: 'The family that goes on, with every member, plan, consent and referral of both.' })
  @Column('uuid')
  survivingFamilyId: string;

  @Field(() => ID, { description: 'The family merged into the surviving one; afterwards its id answers NOT_FOUND.' })
  @Column('uuid')
  absorbedFamilyId: string;

  @Field(() => [MemberPair], { description: 'Members of the two registrations that are the same person, as the proposal names them (ids only).' })
  @Column({ type: 'jsonb' })
  memberPairs: MemberPair[];

  /** The family whose supporter proposed the merge: the other family's supporter confirms it. */
  @Column('uuid')
  proposedForFamilyId: string;

  @Field(() => FamilyMergeStatus)
  @Column({ type: 'text' })
  status: FamilyMergeStatus;

  @Column('uuid')
  proposedByUserId: string;

  @Column({ type: 'uuid', nullable: true })
  confirmedByUserId: string | null;

  @Field(() => Int, { description: 'Pass it as expectedVersion to confirm what was seen.' })
  @Column({ type: 'integer' })
  version: number;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  mergedAt: Date | null;

  /** Who withdrew or declined the proposal. */
  @Column({ type: 'uuid', nullable: true })
  endedByUserId: string | null;

  @Field(() => Date, { nullable: true, description: 'When the proposal was withdrawn or declined.' })
  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
