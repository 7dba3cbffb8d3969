import { registerEnumType } from '@nestjs/graphql';

/**
 * What a token subject is, for good: the database keeps one kind per subject (subject_identity), so no
 * operation turns a portal login into a professional or a professional into an admin.
 */
export enum SubjectKind {
  PLATFORM_ADMIN = 'PLATFORM_ADMIN',
  PROFESSIONAL = 'PROFESSIONAL',
  FAMILY_MEMBER = 'FAMILY_MEMBER',
  INTEGRATION_CLIENT = 'INTEGRATION_CLIENT',
  /** A valid token whose subject has no role here yet (it may accept an invitation). */
  UNREGISTERED = 'UNREGISTERED',
  /** The service itself, in a scheduled job; never a token's subject. */
  SYSTEM = 'SYSTEM',
}
registerEnumType(SubjectKind, { name: 'SubjectKind' });

/** The kinds the database records (an integration client is told apart by its token's issuer). */
export type RecordedSubjectKind = SubjectKind.PROFESSIONAL | SubjectKind.FAMILY_MEMBER | SubjectKind.PLATFORM_ADMIN;
