import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, Matches } from 'class-validator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type InputClass = abstract new (...args: any[]) => object;

/**
 * `Base` with a client-chosen key: repeating a create with it returns the first result without a second
 * effect (IdempotencyService). A mixin, for inputs that already extend a shared base.
 */
export function WithIdempotencyKey<TBase extends InputClass>(Base: TBase) {
  @InputType({ isAbstract: true })
  abstract class IdempotentInput extends Base {
    @Field(() => String, { nullable: true, description: 'Repeat with the same key: the first result, no second effect. Another payload: CONFLICT.' })
    @IsOptional()
    @IsString()
    @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'idempotencyKey must be 1 to 200 printable ASCII characters' })
    idempotencyKey?: string;
  }
  return IdempotentInput;
}

/** An input that takes an idempotency key. */
@InputType({ isAbstract: true })
export abstract class Idempotent extends WithIdempotencyKey(class {}) {}
