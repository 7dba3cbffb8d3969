import { ValidateBy, type ValidationOptions } from 'class-validator';

const lettersAndDigits = (text: string) => text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;

/** Text with something besides whitespace (`@IsNotEmpty` lets "   " through, and the service trims it to nothing). */
export const IsNotBlank = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (value) => typeof value === 'string' && value.trim().length > 0,
        defaultMessage: (args) => `${args?.property} must not be empty or only spaces`,
      },
    },
    options,
  );

/**
 * A justification someone will read (the family, an auditor): at least `min` characters besides the spaces
 * around it, half of them letters or digits, so that "...................." or spaces do not pass.
 */
export const IsJustification = (min: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isJustification',
      validator: {
        validate: (value) => typeof value === 'string' && value.trim().length >= min && lettersAndDigits(value) >= min / 2,
        defaultMessage: (args) => `${args?.property} must say in words why: at least ${min} characters, half of them letters or digits`,
      },
    },
    options,
  );
