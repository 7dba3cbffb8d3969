import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { AgencyKind } from './agency-kind.js';

/** An organisation in one network: child welfare, CLB, OCMW, a volunteer organisation, … */
@ObjectType()
@Entity('agency')
export class Agency {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  networkId: string;

  @Field()
  @Column()
  name: string;

  @Field(() => AgencyKind)
  @Column({ type: 'text' })
  kind: AgencyKind;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
