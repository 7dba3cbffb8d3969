import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../common/pagination.js';

/** One line of "who looked at my data and why", for the family. */
@ObjectType()
export class AccessLogEntry {
  @Field(() => ID)
  id: string;

  @Field()
  at: Date;

  @Field({ description: 'READ, INSERT, UPDATE or DELETE.' })
  action: string;

  @Field()
  entityType: string;

  @Field(() => Int, { description: 'How many records of that type the line is about (the records one read found about the same members, under the same basis, are one line).' })
  records: number;

  @Field(() => [String])
  categories: string[];

  @Field({ description: 'CONSENT, AUTHOR, BREAK_GLASS, FAMILY_SELF, ASSIGNMENT, RECIPIENT (the status of a referral sent to the agency) or ADMINISTRATION.' })
  legalBasis: string;

  @Field({ description: 'Who: "You", a family member, or a professional and their agency.' })
  actor: string;

  @Field({ description: 'The entry in plain language.' })
  description: string;
}

@ObjectType()
export class AccessLogConnection extends ConnectionType(AccessLogEntry) {}
