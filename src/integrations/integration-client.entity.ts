import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum IntegrationScope {
  /** Status and timestamps of referrals to the agency. */
  REFERRALS_READ = 'referrals:read',
  /** Receiving and accepting them, with the partner's own reference. */
  REFERRALS_WRITE = 'referrals:write',
  /** The referral's personal content (reason, referred members), where the family's REFERRAL consent allows. */
  REFERRALS_PERSONAL = 'referrals:personal',
}
registerEnumType(IntegrationScope, { name: 'IntegrationScope' });

/** A receiving agency's own case system, acting for that agency by client credentials. */
@ObjectType()
@Entity('integration_client')
export class IntegrationClient {
  @Field(() => ID, { description: 'The client_id for POST /oauth/token.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  agencyId: string;

  @Field()
  @Column()
  name: string;

  @Field(() => [IntegrationScope])
  @Column({ type: 'text', array: true })
  scopes: IntegrationScope[];

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  webhookUrl: string | null;

  /** sha256 of the secret, to check it at POST /oauth/token without recovering it. */
  @Column()
  secretHash: string;

  /** The secret sealed with WEBHOOK_SECRET_KEY (see SecretBox), to sign webhooks with it. */
  @Column({ type: 'text', nullable: true })
  secretSealed: string | null;

  /** The secret replaced by the last rotation (kept until the next one); accepted only until `previousSecretUntil`. */
  @Column({ type: 'text', nullable: true })
  previousSecretHash: string | null;

  @Column({ type: 'text', nullable: true })
  previousSecretSealed: string | null;

  @Field(() => Date, { nullable: true, description: 'Until when the secret replaced by the last rotation still works (token endpoint, second webhook signature).' })
  @Column({ type: 'timestamptz', nullable: true })
  previousSecretUntil: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  secretRotatedAt: Date | null;

  /** Tokens issued before this are refused (set by a rotation that keeps no previous secret). */
  @Column({ type: 'timestamptz', nullable: true })
  tokensValidFrom: Date | null;

  @Column('uuid')
  createdByUserId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
