import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A network a regional agency serves beyond its own: its caseworkers may then work with that network's
 * families (the access rule still asks team and consent). Admitted and ended by a coordinator of the served
 * network; an ended one stays as the record of it.
 */
@ObjectType()
@Entity('agency_service_area')
export class AgencyServiceArea {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  agencyId: string;

  @Field(() => ID, { description: 'The network served.' })
  @Column('uuid')
  networkId: string;

  @Column('uuid', { nullable: true })
  admittedByUserId: string | null;

  @Field()
  @Column('timestamptz')
  admittedAt: Date;

  @Column('uuid', { nullable: true })
  endedByUserId: string | null;

  @Field(() => Date, { nullable: true, description: 'Set once ended: from then on the agency no longer works in the network.' })
  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;
}
