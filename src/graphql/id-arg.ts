import { type PipeTransform } from '@nestjs/common';
import { Args, ID } from '@nestjs/graphql';
import { badInput } from '../common/errors.js';
import { UUID_PATTERN } from '../common/ids.js';

/** Refuses an ID argument that is no id of ours, naming it, before it reaches a query. */
class IdArgPipe implements PipeTransform<unknown, string | undefined> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined; // an optional argument left out
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw badInput(this.name, `${this.name} is not a valid ID`);
    return value;
  }
}

/** A top-level ID argument (input objects and argument classes check theirs with `@IsUUID`). */
export const IdArg = (name: string, options: { nullable?: boolean } = {}) =>
  Args(name, { type: () => ID, nullable: options.nullable ?? false }, new IdArgPipe(name));
