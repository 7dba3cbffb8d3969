import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DataCategory } from './data-category.js';
import { ConsentMethod, ConsentStatus } from './consent-method.js';

/**
 * A family member's agreement that one agency — or an organisation outside the platform, by its directory
 * service (a logged referral's recipient) — may use some categories of data. Never changed.
 */
@ObjectType()
@Entity('consent')
export class Consent {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  familyId: string;

  @Column('uuid')
  grantorMemberId: string;

  @Column({ type: 'uuid', nullable: true })
  recipientAgencyId: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The directory service of the organisation outside the platform the family agreed to share with (instead of an agency): nothing is sent to it by the platform.',
  })
  @Column({ type: 'uuid', nullable: true })
  recipientDirectoryServiceId: string | null;

  @Field(() => [DataCategory])
  @Column({ type: 'text', array: true })
  categories: DataCategory[];

  @Field({ description: 'A code for the purpose, e.g. PLAN_COORDINATION or REFERRAL.' })
  @Column()
  purposeCode: string;

  @Field()
  @Column()
  purpose: string;

  @Field()
  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  @Field(() => ConsentMethod)
  @Column({ type: 'text' })
  method: ConsentMethod;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  evidenceReference: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedByUserId: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedByAgencyId: string | null;

  @Field()
  @Column({ type: 'timestamptz' })
  recordedAt: Date;

  /** Loaded with the consent (see ConsentsService). */
  revokedAt: Date | null;
  revocationReason: string | null;
  subjectMemberIds: string[];
  /** Subjects who turned 18 since a parent or caregiver gave it: it covers them again once they confirm it. */
  @Field(() => [ID], { description: 'Members who turned 18 since a parent or caregiver gave this consent: it no longer covers them until they confirm it.' })
  awaitingConfirmationBy: string[];

  @Field(() => [ID], {
    description: 'Members who withdrew this consent for themselves (or were withdrawn by who speaks for them) while it stays in force for the others it names.',
  })
  withdrawnForMemberIds: string[];

  @Field(() => ConsentStatus)
  get status(): ConsentStatus {
    if (this.revokedAt) return ConsentStatus.REVOKED;
    if (this.validUntil && this.validUntil.getTime() <= Date.now()) return ConsentStatus.EXPIRED;
    if (this.validFrom.getTime() > Date.now()) return ConsentStatus.PENDING;
    return ConsentStatus.ACTIVE;
  }
}
