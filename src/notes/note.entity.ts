import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { DataCategory } from '../consents/data-category.js';

/** Free text on a plan, filed under a data category that decides who may read it. Never changed afterwards. */
@ObjectType()
@Entity('note')
export class Note {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  planId: string;

  @Field(() => DataCategory)
  @Column({ type: 'text' })
  category: DataCategory;

  @Field()
  @Column()
  body: string;

  @Column('uuid')
  authorUserId: string;

  @Column('uuid')
  authorAgencyId: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
