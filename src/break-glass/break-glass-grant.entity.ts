import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Emergency access to a family's data for an acute safety concern: justified, at most 24 hours,
 * audited as BREAK_GLASS, visible to the family's team and to the family. Never changed; revoked by a
 * separate revocation.
 */
@ObjectType()
@Entity('break_glass_grant')
export class BreakGlassGrant {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  familyId: string;

  @Column('uuid')
  userId: string;

  @Column('uuid')
  agencyId: string;

  @Field()
  @Column()
  justification: string;

  @Field()
  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Field()
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /** Loaded with the grant. */
  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field({ description: 'In force now: started, not expired, not revoked.' })
  get active(): boolean {
    const now = Date.now();
    return !this.revokedAt && this.startsAt.getTime() <= now && now < this.expiresAt.getTime();
  }
}
