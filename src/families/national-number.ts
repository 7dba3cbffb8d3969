import { createHmac } from 'node:crypto';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Belgian national register numbers (INSZ, "rijksregisternummer") and BIS numbers: 11 digits YYMMDD SSS CC,
 * written with or without separators (`85.07.30-033.28`, `85073003328`). The check digits CC are 97 minus the
 * first nine digits modulo 97; for a birth from 2000 the nine digits are prefixed with 2. A BIS number adds
 * 20 (sex unknown) or 40 (sex known) to the month; a month or day of 00 stands for an unknown birth date.
 */
const WRITTEN = /^\d{2}[. ]?\d{2}[. ]?\d{2}[-. ]?\d{3}[. ]?\d{2}$/;

export type NationalNumberKind = 'INSZ' | 'BIS';

export interface NationalNumber {
  /** The 11 digits, without separators. */
  digits: string;
  kind: NationalNumberKind;
}

/** The number in `written`, or null when it is not a valid INSZ or BIS number (format, month, day or check digits). */
export function parseNationalNumber(written: string): NationalNumber | null {
  const trimmed = written.trim();
  if (!WRITTEN.test(trimmed)) return null;
  const digits = trimmed.replace(/[^0-9]/g, '');
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  const kind: NationalNumberKind = month > 12 ? 'BIS' : 'INSZ';
  const birthMonth = month >= 40 ? month - 40 : month >= 20 ? month - 20 : month;
  if (birthMonth > 12 || day > 31) return null;
  const check = Number(digits.slice(9));
  const body = BigInt(digits.slice(0, 9));
  const before2000 = 97n - (body % 97n);
  const from2000 = 97n - ((2_000_000_000n + body) % 97n);
  return BigInt(check) === before2000 || BigInt(check) === from2000 ? { digits, kind } : null;
}

/**
 * What identifies a person by name and birth date, compared exactly after folding case, accents and
 * spaces: "  Sára  De Smet" and "sara de smet" are the same name.
 */
export function nameKey(givenName: string, familyName: string, birthDate: string): string {
  const fold = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${fold(givenName)}|${fold(familyName)}|${birthDate}`;
}

/**
 * Keyed hashes (HMAC-SHA256) of the identifying keys, with a key kept outside the database
 * (NATIONAL_NUMBER_KEY): the database holds only these, so a copy of it reveals neither numbers nor names
 * by trying every number (there are only about 10^9 valid ones). Each kind of key is hashed under its own
 * label, so a name key never equals a number's hash.
 */
export class IdentityHasher {
  constructor(private readonly key: Uint8Array) {}

  nationalNumber(number: NationalNumber): Buffer {
    return this.hash('national-number', number.digits);
  }

  name(givenName: string, familyName: string, birthDate: string): Buffer {
    return this.hash('name-birth-date', nameKey(givenName, familyName, birthDate));
  }

  private hash(label: string, value: string): Buffer {
    return createHmac('sha256', this.key).update(`${label}\u0000${value}`).digest();
  }
}

/** A valid INSZ or BIS number; the message never repeats the value (it is personal data, and messages are logged). */
export const IsNationalNumber = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isNationalNumber',
      validator: {
        validate: (value) => typeof value === 'string' && value.length <= 20 && parseNationalNumber(value) !== null,
        defaultMessage: (args) => `${args?.property} must be a valid national register number (INSZ) or BIS number: 11 digits whose last two check the first nine`,
      },
    },
    options,
  );
