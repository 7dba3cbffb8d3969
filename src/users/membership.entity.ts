import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Agency } from '../agencies/agency.entity.js';
import { MembershipRole } from './membership-role.js';
import { User } from './user.entity.js';

/** A user's role in an agency; a user may hold several roles in several agencies. */
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

  @Field(() => User)
  user?: User;

  @Field(() => Agency)
  agency?: Agency;
}
