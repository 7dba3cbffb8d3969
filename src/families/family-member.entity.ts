import { Field, ID, ObjectType } from '@nestjs/graphql';
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

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. nl, fr, ar.' })
  @Column({ type: 'text', nullable: true })
  preferredLanguage: string | null;

  /** Who created it: authors keep seeing their own records (the AUTHOR legal basis). */
  @Column({ type: 'uuid', nullable: true })
  createdByUserId: string | null;

  /** The member's own login to the family portal; not exposed. */
  @Column({ type: 'text', nullable: true })
  portalSubject: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
