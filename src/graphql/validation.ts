import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badInput } from '../common/errors.js';

/** The dotted path of the first invalid property, e.g. `members.0.birthDate`. */
function firstInvalid(errors: ValidationError[], prefix = ''): { field: string; message: string } {
  const error = errors[0]!;
  const path = `${prefix}${error.property}`;
  if (error.constraints) return { field: path, message: Object.values(error.constraints)[0]! };
  return firstInvalid(error.children ?? [], `${path}.`);
}

/** class-validator on every input; the error names the field (`extensions.field`). */
export const validationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) => {
    const { field, message } = firstInvalid(errors);
    // Arguments are validated as a whole object whose top property is the argument name (`input`).
    const name = field.replace(/^input\./, '');
    return badInput(name, message.replace(field, name));
  },
});
