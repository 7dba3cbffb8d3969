import { conflict } from '../common/errors.js';

/** PostgreSQL error codes we translate into domain errors. */
const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const name = e?.constraint ?? e?.driverError?.constraint;
  return code === UNIQUE_VIOLATION && (constraint === undefined || name === constraint);
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
