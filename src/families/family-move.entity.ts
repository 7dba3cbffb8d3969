import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum FamilyMoveStatus {
  PROPOSED = 'PROPOSED',
  CONFIRMED = 'CONFIRMED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(FamilyMoveStatus, { name: 'FamilyMoveStatus' });

/**
 * A family's move to another network, with the supporter who takes over there: PROPOSED by the current
 * supporter or the network's coordinator, CONFIRMED with the family's confirmation of the support handover,
 * or WITHDRAWN before that (PlanTeamService). No personal data: networks, agencies, people at work, times.
 */
@ObjectType({ description: 'A family’s move to another network (docs/regional-agencies-and-moves.md).' })
@Entity('family_move')
export class FamilyMove {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  familyId: string;

  @Column('uuid')
  planId: string;

  @Field(() => ID)
  @Column('uuid')
  fromNetworkId: string;

  @Field(() => ID)
  @Column('uuid')
  toNetworkId: string;

  @Field(() => ID)
  @Column('uuid')
  toAgencyId: string;

  @Column('uuid')
  toUserId: string;

  @Field(() => FamilyMoveStatus)
  @Column('text')
  status: FamilyMoveStatus;

  @Column('uuid')
  proposedByUserId: string;

  @Field()
  @Column('timestamptz')
  proposedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  confirmedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  withdrawnAt: Date | null;
}

