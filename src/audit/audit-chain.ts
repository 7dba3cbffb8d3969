import type { DataSource } from 'typeorm';

export interface ChainReport {
  checked: number;
  /** The first entry whose content or link does not match, if any. */
  firstBroken: { seq: string; reason: string } | null;
}

const BATCH = 5000;

/**
 * Walks the audit trail in order, recomputing each entry's hash (the same SQL digest the insert trigger
 * uses) and checking that it links to the previous entry. Any rewrite, removal or insertion out of
 * band breaks the chain at that entry.
 */
export async function verifyAuditChain(db: DataSource): Promise<ChainReport> {
  let checked = 0;
  let previousHash: string | null = null;
  let after = '0';
  for (;;) {
    const rows: { seq: string; hash: string; prev_hash: string | null; recomputed: string }[] = await db.query(
      `SELECT e.seq::text AS seq, e.hash, e.prev_hash, audit_event_digest(e, e.prev_hash) AS recomputed
         FROM audit_event e WHERE e.seq > $1 ORDER BY e.seq LIMIT ${BATCH}`,
      [after],
    );
    for (const row of rows) {
      if (row.prev_hash !== previousHash) {
        return { checked, firstBroken: { seq: row.seq, reason: 'does not link to the previous entry (removed or inserted entries)' } };
      }
      if (row.recomputed !== row.hash) {
        return { checked, firstBroken: { seq: row.seq, reason: 'content does not match its hash (entry rewritten)' } };
      }
      previousHash = row.hash;
      checked++;
    }
    if (rows.length < BATCH) return { checked, firstBroken: null };
    after = rows.at(-1)!.seq;
  }
}
