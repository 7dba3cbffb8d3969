/**
 * Statistical disclosure control for the network insight: aggregate figures must not let anyone single
 * out a family. A count from 1 to 4 is suppressed (zero may show: it is nobody); a median over fewer
 * than 5 referrals is suppressed. A table's total is shown only when none of its cells is suppressed,
 * so that no suppressed cell can be recomputed as the total minus the visible cells (docs/network-insight.md
 * says why this rather than suppressing a second cell).
 */
export const SMALLEST_SHOWN = 5;

export interface Count {
  /** Null when suppressed. */
  value: number | null;
  suppressed: boolean;
}

export interface Median {
  /** Null when suppressed or when there is nothing to take the median of. */
  hours: number | null;
  suppressed: boolean;
}

const hidden = { value: null, suppressed: true } as const;

export function suppressCount(n: number): Count {
  return n > 0 && n < SMALLEST_SHOWN ? hidden : { value: n, suppressed: false };
}

/** The median of `n` durations; `hours` is null when n is 0. */
export function suppressMedian(n: number, hours: number | null): Median {
  return n > 0 && n < SMALLEST_SHOWN ? { hours: null, suppressed: true } : { hours, suppressed: false };
}

/**
 * The cells of one table (each counted once: the cells partition the table's population), each with its
 * count suppressed, and the table's total, itself suppressed when any cell is.
 */
export function suppressTable<T extends { count: number }>(cells: T[]): { cells: (Omit<T, 'count'> & { count: Count })[]; total: Count } {
  const shown = cells.map(({ count, ...cell }) => ({ ...cell, count: suppressCount(count) }));
  const total = cells.reduce((sum, cell) => sum + cell.count, 0);
  return { cells: shown, total: shown.some((cell) => cell.count.suppressed) ? hidden : suppressCount(total) };
}

/** `count`, suppressed when any of `alongside` is: shown beside them, it would let a suppressed one be recomputed. */
export function withheldWith(count: Count, ...alongside: Count[]): Count {
  return alongside.some((other) => other.suppressed) ? hidden : count;
}
