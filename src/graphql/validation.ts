import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { badInput } from '../common/errors.js';

/** Arguments are validated as a whole object whose top property is the argument name (`input`). */
const fieldName = (path: string) => path.replace(/^input\./, '');

/** The dotted path of the first string under `value` with a NUL character (PostgreSQL refuses it in text). */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nulPath(item, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** The dotted path of the first invalid property, e.g. `members.0.birthDate`. */
function firstInvalid(errors: ValidationError[], prefix = ''): { field: string; message: string } {
  const error = errors[0]!;
  const path = `${prefix}${error.property}`;
  if (error.constraints) {
    // IDs are opaque to clients (they happen to be UUIDs): say so in their terms.
    const message = error.constraints.isUuid ? `${path} is not a valid ID` : Object.values(error.constraints)[0]!;
    return { field: path, message };
  }
  return firstInvalid(error.children ?? [], `${path}.`);
}

/**
 * class-validator on every input, after refusing a NUL character in any text argument; the error names
 * the field (`extensions.field`).
 */
class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const path = nulPath(value, metadata.data ?? 'input');
      if (path) throw badInput(fieldName(path), `${fieldName(path)} must not contain a NUL character`);
    }
    return super.transform(value, metadata);
  }
}

export const validationPipe = new InputValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) => {
    const { field, message } = firstInvalid(errors);
    const name = fieldName(field);
    return badInput(name, message.replace(field, name));
  },
});
