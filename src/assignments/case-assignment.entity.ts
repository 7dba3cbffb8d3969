import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Need to know: a user of an agency works with a family. Ended, never deleted. */
@ObjectType()
@Entity('case_assignment')
export class CaseAssignment {
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

  @Column({ type: 'uuid', nullable: true })
  assignedByUserId: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
