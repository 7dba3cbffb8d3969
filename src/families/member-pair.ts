import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

/**
 * Two member records of a merge that are the same person (docs/family-merge.md, "Members that are the same
 * person"): on confirmation the absorbed family's member becomes the surviving family's, and her record ends.
 */
@InputType('MemberPairInput')
@ObjectType()
export class MemberPair {
  @Field(() => ID, { description: 'The member of the absorbed family; her record ends and points at the surviving member.' })
  @IsUUID()
  absorbedMemberId: string;

  @Field(() => ID, { description: 'The member of the surviving family she is: every record naming the absorbed member names her.' })
  @IsUUID()
  survivingMemberId: string;
}

/** The pairs as two parallel arrays, for `unnest($1::uuid[], $2::uuid[]) p(absorbed, surviving)`. */
export function pairColumns(pairs: readonly MemberPair[]): [string[], string[]] {
  return [pairs.map((p) => p.absorbedMemberId), pairs.map((p) => p.survivingMemberId)];
}

/** The SQL that joins the pairs given as `pairColumns` in $1 and $2. */
export const PAIRS = `unnest($1::uuid[], $2::uuid[]) p(absorbed, surviving)`;

/**
 * The statement (parameters: `pairColumns`) that re-points `memberColumn` of `table` from each absorbed member to
 * the surviving one, except where the same record (`recordColumn`) names the surviving member already: a record
 * names a person once.
 */
export function repointMembersSql(table: string, recordColumn: string, memberColumn = 'member_id'): string {
  return `UPDATE ${table} t SET ${memberColumn} = p.surviving FROM ${PAIRS} WHERE t.${memberColumn} = p.absorbed
    AND NOT EXISTS (SELECT 1 FROM ${table} o WHERE o.${recordColumn} = t.${recordColumn} AND o.${memberColumn} = p.surviving)`;
}
