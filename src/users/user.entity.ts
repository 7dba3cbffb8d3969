import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A professional or volunteer, known by the subject of its identity-provider token. */
@ObjectType()
@Entity('app_user')
export class User {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  /** Not exposed on User: only the caller sees its own subject (`me`). */
  @Column()
  subject: string;

  @Field()
  @Column()
  displayName: string;

  /** Her contact at work (WorkContact): not a field of User, shown only where her work contact may be read. */
  @Column({ type: 'text', nullable: true })
  workEmail: string | null;

  @Column({ type: 'text', nullable: true })
  workPhone: string | null;

  /** Raised by each change of the work contact (setWorkContact's expectedVersion). */
  @Column('int')
  workContactVersion: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
