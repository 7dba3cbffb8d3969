import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InboxItemKind, type InboxParams } from './inbox-kind.js';

/** The record an item is about: its GraphQL type and id (the reader opens it with the type's own query). */
@ObjectType()
export class InboxRecord {
  @Field({ description: 'The GraphQL type of the record, e.g. Referral.' })
  type: string;

  @Field(() => ID)
  id: string;
}

/**
 * Something that needs its reader: one row per event and recipient (a user acting for an agency, or a
 * family member in the portal), written in the event's transaction. Shown only while the reader may
 * read the record it is about (InboxService).
 */
@ObjectType()
@Entity('inbox_item')
export class InboxItem {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  eventId: string;

  @Field(() => InboxItemKind)
  @Column('text')
  kind: InboxItemKind;

  @Column('uuid', { nullable: true })
  recipientUserId: string | null;

  @Column('uuid', { nullable: true })
  recipientAgencyId: string | null;

  @Column('uuid', { nullable: true })
  recipientMemberId: string | null;

  @Column('uuid')
  familyId: string;

  @Column('text')
  subjectType: string;

  @Column('uuid')
  subjectId: string;

  @Column('jsonb')
  params: InboxParams;

  @Field({ description: 'When the event happened.' })
  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the reader marked it read; null while unread.' })
  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
