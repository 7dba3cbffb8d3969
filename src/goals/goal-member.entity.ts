import { Entity, PrimaryColumn } from 'typeorm';

/** A family member a goal is about (its actions and progress notes too). */
@Entity('goal_member')
export class GoalMember {
  @PrimaryColumn('uuid')
  goalId: string;

  @PrimaryColumn('uuid')
  memberId: string;
}
