import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { DataCategory } from '../../consents/data-category.js';
import { Idempotent } from '../../idempotency/idempotent.input.js';

@InputType()
export class AddNoteInput extends Idempotent {
  @Field(() => ID)
  @IsUUID()
  planId: string;

  @Field(() => DataCategory)
  @IsEnum(DataCategory)
  category: DataCategory;

  @Field({ description: '1 to 10000 characters, not only spaces.' })
  @IsString()
  @Matches(/\S/, { message: 'body must not be blank' })
  @Length(1, 10000)
  body: string;

  @Field(() => [ID], { nullable: true, description: 'The family members the note is about.' })
  @IsOptional()
  @ArrayMaxSize(30)
  @IsUUID('all', { each: true })
  memberIds?: string[];
}
