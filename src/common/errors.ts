import { GraphQLError } from 'graphql';

/** The error codes clients rely on (docs/api.md, "Errors"). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'INVALID_TRANSITION'
  | 'CONFLICT'
  | 'CONSENT_REQUIRED'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR';

export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export const unauthenticated = (message = 'A valid bearer token is required') =>
  new DomainError('UNAUTHENTICATED', message);

export const forbidden = (message = 'You are not allowed to do this') => new DomainError('FORBIDDEN', message);

/** Absent and not visible look the same, so that the existence of a record does not leak. */
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);

export const badInput = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', message, { field });

/** `reason`, when the status alone does not say why the step is refused now (a code clients may act on). */
export const invalidTransition = (what: string, currentStatus: string, attempted: string, reason?: string) =>
  new DomainError('INVALID_TRANSITION', `${what} is ${currentStatus}: cannot ${attempted}`, reason ? { currentStatus, reason } : { currentStatus });

export const conflict = (message: string) => new DomainError('CONFLICT', message);

/**
 * What the operation needs is not consented: the members whose consent for `category` to the agency (or to the
 * organisation outside the platform, by its directory service) is missing.
 */
export const consentRequired = (
  message: string,
  missing: { memberIds: string[]; category: string } & ({ recipientAgencyId: string } | { recipientDirectoryServiceId: string }),
) => {
  const { memberIds, ...recipient } = missing;
  return new DomainError('CONSENT_REQUIRED', message, { missingMemberIds: memberIds, ...recipient });
};

/**
 * A rate limit is used up (docs/operations.md, "Hostile input and rate limits"); retry after `retryAfterSeconds`.
 * `http` sets the answer's HTTP status to 429 (Apollo takes it from the error and leaves it out of the body).
 */
export const tooManyRequests = (retryAfterSeconds: number) =>
  new DomainError('TOO_MANY_REQUESTS', `Too many requests: retry in ${retryAfterSeconds} s`, { retryAfterSeconds, http: { status: 429 } });

/** What a thrown value says, for a log line or a job's failure: its message (or its stack), whatever was thrown. */
export function describeError(error: unknown, withStack = false): string {
  if (!(error instanceof Error)) return String(error);
  return withStack ? (error.stack ?? error.message) : error.message;
}
