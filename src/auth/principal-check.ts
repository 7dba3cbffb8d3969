import { SetMetadata } from '@nestjs/common';

/**
 * A principal remembered from an earlier request, not yet read again in this one: the SQL condition that holds
 * while the database still says what it said then (the principal's statement, its rows digested). A compiled
 * read puts it in its own statement and reads, audits and answers nothing when it does not hold, so that a
 * revoked membership, a removed role, an ended portal login or a revoked client counts on the very next
 * request, on every replica, without a statement of its own (docs/decisions.md, "The per-request fixed cost").
 */
export interface PrincipalCheck {
  /** SQL true while the principal is unchanged; `param` binds a value. */
  sql(param: (value: unknown) => string): string;
}

/**
 * The principal this request acts with is not (or no longer) the one the database holds: its compiled read
 * found it changed, or code other than a compiled read was about to use it unconfirmed. The
 * PrincipalConfirmation interceptor reads the principal anew, checks the operation's policy again and runs
 * the operation again; it never reaches the client.
 */
export class PrincipalNotConfirmed extends Error {
  constructor(reason: string) {
    super(`The remembered principal must be read again: ${reason}`);
  }
}

/** The abilities built from a remembered principal that no statement has confirmed yet. */
const unconfirmed = new WeakSet<object>();
/** The ability a compiled read is building its checked statement for (synchronously: nothing interleaves). */
let checkedInStatement: object | null = null;

export const markUnconfirmed = (ability: object): void => void unconfirmed.add(ability);

/**
 * Refuses to turn an unconfirmed ability into SQL, except for the statement that checks the principal itself
 * (`buildChecked`): every other read, check or write with a remembered principal waits for it to be read anew.
 */
export function assertConfirmed(ability: object): void {
  if (unconfirmed.has(ability) && checkedInStatement !== ability) throw new PrincipalNotConfirmed('used outside a compiled read');
}

/** Builds (synchronously) a statement that carries `ability`'s principal check, so that its predicates may use it. */
export function buildChecked<T>(ability: object, build: () => T): T {
  checkedInStatement = ability;
  try {
    return build();
  } finally {
    checkedInStatement = null;
  }
}

/** A statement that carried a principal check answers `principal_current`: false, the principal changed. */
export function assertStillCurrent(row: { principal_current?: boolean } | undefined): void {
  if (row?.principal_current === false) throw new PrincipalNotConfirmed('changed since it was remembered');
}

export const CHECKS_PRINCIPAL_KEY = 'checksPrincipalInRead';

/**
 * On a root field answered by a compiled read: a principal remembered from an earlier request may be used
 * unconfirmed, because the read's statement checks it (PrincipalCheck). Its other path, the field resolvers,
 * confirms it first (assertConfirmed throws, the interceptor reads it anew and runs the field again).
 */
export const ChecksPrincipalInRead = () => SetMetadata(CHECKS_PRINCIPAL_KEY, true);
