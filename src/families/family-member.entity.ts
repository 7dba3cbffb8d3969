import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { FamilyMemberRole } from './family-member-role.js';

@ObjectType()
@Entity('family_member')
export class FamilyMember {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  familyId: string;

  @Field(() => FamilyMemberRole)
  @Column({ type: 'text' })
  role: FamilyMemberRole;

  @Field()
  @Column()
  givenName: string;

  @Field()
  @Column()
  familyName: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null for an unborn child.' })
  @Column({ type: 'date', nullable: true })
  birthDate: string | null;

  @Field(() => String, { nullable: true, description: 'Expected date of birth of an unborn child (YYYY-MM-DD).' })
  @Column({ type: 'date', nullable: true })
  expectedDate: string | null;

  // Contact details are not read with the member: only under the CONTACT right, by their own audited read
  // (FamilyMemberResolver; the GraphQL fields are declared there).
  @Column({ type: 'text', nullable: true, select: false })
  email: string | null;

  @Column({ type: 'text', nullable: true, select: false })
  phone: string | null;

  @Column({ type: 'text', nullable: true, select: false })
  preferredLanguage: string | null;

  @Field(() => Int, { description: 'Increases with every change to the member; pass it as expectedVersion to detect conflicts.' })
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Field(() => String, { nullable: true, description: 'The day she left the household (YYYY-MM-DD); null while she belongs to it.' })
  @Column({ type: 'date', nullable: true })
  leftOn: string | null;

  /** Who created it: authors keep seeing their own records (the AUTHOR legal basis). */
  @Column({ type: 'uuid', nullable: true })
  createdByUserId: string | null;

  /** Set when a merge found her the same person as this member (docs/family-merge.md): her record ended; not exposed. */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoMemberId: string | null;

  /** The member's own login to the family portal; not exposed. */
  @Column({ type: 'text', nullable: true })
  portalSubject: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
