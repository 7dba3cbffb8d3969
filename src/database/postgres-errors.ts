import { conflict, type DomainError } from '../common/errors.js';

/** PostgreSQL error codes we translate into domain errors. */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
/** The foreign keys that keep a subject of one kind (migration OneKindPerSubject). */
const SUBJECT_KIND_KEYS = new Set(['app_user_subject_kind_fk', 'family_member_portal_subject_kind_fk']);

function violation(error: unknown): { code?: string; constraint?: string } {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return { code: e?.code ?? e?.driverError?.code, constraint: e?.constraint ?? e?.driverError?.constraint };
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: name } = violation(error);
  return code === UNIQUE_VIOLATION && (constraint === undefined || name === constraint);
}

/** Runs a write that claims a subject for one kind; a subject already of another kind answers `refusal`. */
export async function refusedForOtherKind<T>(write: Promise<T>, refusal: DomainError): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const { code, constraint } = violation(error);
    if (code === FOREIGN_KEY_VIOLATION && constraint !== undefined && SUBJECT_KIND_KEYS.has(constraint)) throw refusal;
    throw error;
  }
}

/**
 * Runs a write whose uniqueness the database guards; a duplicate answers CONFLICT with `message`.
 * (The transaction is aborted by the violation: the caller's transaction rolls back with the error.)
 */
export async function conflictOnDuplicate<T>(write: Promise<T>, message: string, constraint?: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw conflict(message);
    throw error;
  }
}

/**
 * SQLSTATEs of a database that is gone or not there yet: admin/crash shutdown, cannot connect now
 * (starting up or shutting down), and the connection exceptions (class 08).
 */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
/** What pg and its pool say when a connection drops or cannot be had in time. */
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i;

/**
 * Whether `error` (or what it wraps: GraphQL's originalError, TypeORM's driverError, a cause) says
 * that the database cannot be reached, rather than that a statement failed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true; // AggregateError (ECONNREFUSED on ::1 and 127.0.0.1)
    e = (e.originalError ?? e.driverError ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}
