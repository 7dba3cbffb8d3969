import { Column, Entity, PrimaryColumn } from 'typeorm';

export type FamilyMoveStatus = 'PROPOSED' | 'CONFIRMED' | 'WITHDRAWN';

/**
 * A family's move to another network, with the supporter who takes over there: PROPOSED by the current
 * supporter, CONFIRMED with the family's confirmation of the support handover, or WITHDRAWN by the supporter
 * before that (PlanTeamService).
 */
@Entity('family_move')
export class FamilyMove {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  familyId: string;

  @Column('uuid')
  planId: string;

  @Column('uuid')
  fromNetworkId: string;

  @Column('uuid')
  toNetworkId: string;

  @Column('uuid')
  toAgencyId: string;

  @Column('uuid')
  toUserId: string;

  @Column('text')
  status: FamilyMoveStatus;

  @Column('uuid')
  proposedByUserId: string;

  @Column('timestamptz')
  proposedAt: Date;

  @Column('timestamptz', { nullable: true })
  confirmedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  withdrawnAt: Date | null;
}
