import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsEmail, IsInt, IsOptional, IsPhoneNumber, IsUUID, MaxLength, Min } from 'class-validator';

/**
 * How a professional is reached at work (docs/family-identity.md, "Work contact"). Not family data, but a
 * person's: shown only where the family and its team see their supporter, and to whoever asked
 * findKnownFamily about a family she supports. Never logged (GraphQL variables are redacted).
 */
@ObjectType({ description: 'How to reach a professional at work; each part null until she (or her agency admin) sets it.' })
export class WorkContact {
  @Field(() => String, { nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  phone: string | null;

  @Field(() => Int, { description: 'Raised by each change; what setWorkContact takes as expectedVersion.' })
  version: number;
}

/** The work contact of a user row (`work_email`, `work_phone`, `work_contact_version`). */
export const workContactOf = (user: { workEmail: string | null; workPhone: string | null; workContactVersion: number }): WorkContact => ({
  email: user.workEmail,
  phone: user.workPhone,
  version: user.workContactVersion,
});

@InputType()
export class SetWorkContactInput {
  @Field(() => ID, { nullable: true, description: 'Whose: yourself when left out; an agency admin names a member of her agency.' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @Field(() => String, { nullable: true, description: 'Null or left out: none.' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Belgian, or international with +. Null or left out: none.' })
  @IsOptional()
  @IsPhoneNumber('BE', { message: 'phone must be a phone number (Belgian, or international with +)' })
  @MaxLength(32)
  phone?: string | null;

  @Field(() => Int, { nullable: true, description: 'The version last read: changed meanwhile → CONFLICT, and nothing changes.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@ArgsType()
export class WorkContactArgs {
  @Field(() => ID, { description: 'Whose: yourself, or (as agency admin) a member of your agency.' })
  @IsUUID()
  userId: string;
}
