import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum MemberChangeKind {
  ADDED = 'ADDED',
  CORRECTED = 'CORRECTED',
  BORN = 'BORN',
  LEFT_HOUSEHOLD = 'LEFT_HOUSEHOLD',
}
registerEnumType(MemberChangeKind, { name: 'MemberChangeKind' });

/** The category a change's values are read under: identity with the member, contact only under CONTACT consent. */
export type MemberChangeCategory = 'IDENTITY' | 'CONTACT';

/**
 * One change to a member: which fields, their values before and after (emptied when the member's data is
 * erased), who and when. Never updated otherwise (append-only in the database).
 */
@ObjectType()
@Entity('family_member_change')
export class FamilyMemberChange {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  familyId: string;

  @Field(() => ID)
  @Column('uuid')
  memberId: string;

  @Field(() => MemberChangeKind)
  @Column({ type: 'text' })
  change: MemberChangeKind;

  @Column({ type: 'text' })
  category: MemberChangeCategory;

  @Field(() => [String], { description: 'The fields that changed, e.g. givenName, birthDate, email.' })
  @Column({ type: 'text', array: true })
  fields: string[];

  @Field(() => GraphQLJSONObject, { description: 'The values before the change (empty once erased).' })
  @Column({ type: 'jsonb' })
  before: Record<string, string | null>;

  @Field(() => GraphQLJSONObject, { description: 'The values after the change (empty once erased).' })
  @Column({ type: 'jsonb' })
  after: Record<string, string | null>;

  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actingAgencyId: string | null;

  @Field()
  @Column({ type: 'timestamptz' })
  at: Date;
}
