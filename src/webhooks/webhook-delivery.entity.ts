import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum WebhookDeliveryState {
  /** Queued or between retries. */
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  /** Every retry failed; an agency admin may redeliver it. */
  FAILED = 'FAILED',
  /** Not sent because the client was revoked. */
  CANCELLED = 'CANCELLED',
}
registerEnumType(WebhookDeliveryState, { name: 'WebhookDeliveryState' });

/** One event for one partner system: delivered at least once, or FAILED after the last retry. */
@ObjectType()
@Entity('webhook_delivery')
export class WebhookDelivery {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID, { description: 'The `id` of the webhook body.' })
  @Column('uuid')
  eventId: string;

  @Field(() => ID)
  @Column('uuid')
  clientId: string;

  @Field()
  @Column('text')
  url: string;

  @Field(() => WebhookDeliveryState)
  @Column('text')
  state: WebhookDeliveryState;

  @Field(() => Int, { description: 'Attempts made so far.' })
  @Column('integer')
  attempts: number;

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}

/** One POST of a delivery and how it went (no response body is kept: it is the receiver's). */
@ObjectType()
@Entity('webhook_attempt')
export class WebhookAttempt {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  deliveryId: string;

  @Field(() => Int)
  @Column('integer')
  attempt: number;

  @Field()
  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Field(() => Int)
  @Column('integer')
  durationMs: number;

  @Field(() => Int, { nullable: true, description: 'Null when no response came (refused, timeout).' })
  @Column({ type: 'integer', nullable: true })
  httpStatus: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  error: string | null;
}
