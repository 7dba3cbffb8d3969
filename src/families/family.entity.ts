import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A household in one network; its members and plan are resolved as fields. */
@ObjectType()
@Entity('family')
export class Family {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column('uuid')
  networkId: string;

  @Column('uuid')
  registeredByAgencyId: string;

  /** The family this one was merged into (docs/family-merge.md); not exposed: a merged family answers NOT_FOUND. */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoFamilyId: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
