import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Agency } from '../agencies/agency.entity.js';
import { MembershipRole } from './membership-role.js';

/**
 * A role in an agency offered to a subject that already exists (a professional of another agency, or any
 * other known login): it takes effect only when the invitee accepts it with her own token.
 */
@ObjectType({ description: 'A role offered to you in another agency; it takes effect when you accept it.' })
@Entity('membership_invitation')
export class MembershipInvitation {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  agencyId: string;

  /** The invitee's login as a digest: who may accept, without storing the login. */
  @Column()
  subjectDigest: string;

  @Field(() => MembershipRole)
  @Column({ type: 'text' })
  role: MembershipRole;

  /** The name the inviter gave; used only if the invitee has no user yet. */
  @Column()
  displayName: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  membershipId: string | null;

  @Field(() => Agency)
  agency?: Agency;
}
