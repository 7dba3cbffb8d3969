import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DirectoryServiceFields } from './dto/directory.inputs.js';
import { HowToRefer } from './directory-enums.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The rules across fields of a directory service, after each field's own (class-validator): one organisation,
 * a possible age range, and a referral on the platform only to an agency on it.
 */
export function crossFieldProblems(fields: DirectoryServiceFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((fields.agencyId == null) === (fields.externalOrganisation == null)) {
    problems.push({ field: 'externalOrganisation', message: 'give either agencyId (an agency of the network) or externalOrganisation (by name), not both' });
  }
  if (fields.minAgeMonths != null && fields.maxAgeMonths != null && fields.minAgeMonths > fields.maxAgeMonths) {
    problems.push({ field: 'maxAgeMonths', message: 'maxAgeMonths must not be below minAgeMonths' });
  }
  if (fields.howToRefer === HowToRefer.ON_PLATFORM && fields.agencyId == null) {
    problems.push({ field: 'howToRefer', message: 'howToRefer ON_PLATFORM needs an agency of the network (agencyId)' });
  }
  return problems;
}

const flatten = (errors: ValidationError[], prefix = ''): FieldProblem[] =>
  errors.flatMap((e) =>
    e.constraints
      ? [{ field: `${prefix}${e.property}`, message: Object.values(e.constraints)[0]! }]
      : flatten(e.children ?? [], `${prefix}${e.property}.`),
  );

/**
 * A plain record (a line of an imported file) as service fields, with every problem found: the same
 * validation the API applies to its input, then the rules across fields.
 */
export async function checkFields(record: Record<string, unknown>): Promise<{ fields: DirectoryServiceFields; problems: FieldProblem[] }> {
  const fields = plainToInstance(DirectoryServiceFields, record);
  const problems = flatten(await validate(fields, { whitelist: true, forbidNonWhitelisted: true }));
  return { fields, problems: problems.length ? problems : crossFieldProblems(fields) };
}
