import { Field, Int, ObjectType } from '@nestjs/graphql';
import { FamilyMove } from '../../families/family-move.entity.js';

/**
 * The answer of proposing or withdrawing a move: the move, and the plan's version after the step (what
 * `expectedVersion` takes next). The plan itself only as far as the caller may read it: the network's
 * coordinator moves a family without reading its plan.
 */
@ObjectType()
export class FamilyMoveStep {
  @Field(() => FamilyMove)
  move: FamilyMove;

  @Field(() => Int, { description: "The plan's version after this step; pass it as expectedVersion." })
  planVersion: number;
}
