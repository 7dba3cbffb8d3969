import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Agency } from '../agencies/agency.entity.js';
import { MembershipRole } from './membership-role.js';
import { MembershipStatus } from './membership-status.js';
import { User } from './user.entity.js';

/** A user's role in an agency; a user may hold several roles in several agencies. `status` is not a column (see MembershipInvitation). */
@ObjectType()
@Entity('membership')
export class Membership {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @Column('uuid')
  agencyId: string;

  @Field(() => MembershipRole)
  @Column({ type: 'text' })
  role: MembershipRole;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => MembershipStatus, { description: 'INVITED: the subject already exists and has not accepted yet.' })
  status?: MembershipStatus;

  @Field(() => User, { nullable: true, description: 'Null while invited: nothing about the invitee is shown before she accepts.' })
  user?: User | null;

  @Field(() => Agency)
  agency?: Agency;
}
