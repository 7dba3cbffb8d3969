import { badInput } from '../common/errors.js';
import { FamilyMemberRole } from './family-member-role.js';

/** The dates a member's role asks for: an unborn child an expected date, everyone else a birth date. */
export interface MemberDates {
  role: FamilyMemberRole;
  birthDate?: string | null;
  expectedDate?: string | null;
}

/**
 * `path`: where the member stands in the input ('' for the input itself). `today`: the families' calendar
 * date, so a child born today may be registered from midnight in Brussels.
 */
export function validateDates(member: MemberDates, path: string, today: string): void {
  const field = (name: string) => (path ? `${path}.${name}` : name);
  if (member.role === FamilyMemberRole.UNBORN) {
    if (member.birthDate) throw badInput(field('birthDate'), 'An unborn child has no birth date yet');
    if (!member.expectedDate) throw badInput(field('expectedDate'), 'An unborn child needs an expected date');
    return;
  }
  if (!member.birthDate) throw badInput(field('birthDate'), 'birthDate is required');
  requirePastDate(field('birthDate'), member.birthDate, today);
}

/** A real calendar date, not after `today`; BAD_USER_INPUT naming `field` otherwise. */
export function requirePastDate(field: string, date: string, today: string): void {
  if (!isRealDate(date) || date > today) throw badInput(field, `${field.split('.').pop()} must be a real date, not in the future`);
}

const isRealDate = (date: string) => new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
