import type { DataSource } from 'typeorm';

export interface ChainReport {
  /** Entries linked and verified. */
  checked: number;
  /** Entries written and queued, not linked yet (the chainer links them within seconds). */
  pending: number;
  /** The first entry whose content or link does not match, if any. */
  firstBroken: { seq: string; reason: string } | null;
}

const BATCH = 5000;

/** Runs SQL: a TypeORM DataSource or QueryRunner (answers rows) or a pg Pool or Client (answers a result). */
interface Sql {
  query(text: string, params: unknown[]): Promise<unknown>;
}

/** Links every committed entry still queued to the chain (the service does this every second). */
export async function chainPendingAuditEntries(db: Sql): Promise<number> {
  let linked = 0;
  for (;;) {
    const answer = (await db.query(`SELECT audit_chain_pending($1) AS n`, [BATCH])) as { n: number }[] | { rows: { n: number }[] };
    const n = (Array.isArray(answer) ? answer : answer.rows)[0]!.n;
    linked += n;
    if (n < BATCH) return linked;
  }
}

/**
 * Walks the chain in order, recomputing each entry's hash (the same SQL digest the chainer uses) and
 * checking that it links to the previous link. Any rewrite, removal or insertion out of band breaks the
 * chain at that entry; so does an entry that is neither linked nor queued for linking.
 */
export async function verifyAuditChain(db: DataSource): Promise<ChainReport> {
  let checked = 0;
  let previousHash: string | null = null;
  let after = '0';
  for (;;) {
    const rows: { pos: string; seq: string; hash: string; prev_hash: string | null; recomputed: string | null }[] = await db.query(
      `SELECT c.pos::text AS pos, c.seq::text AS seq, c.hash, c.prev_hash, audit_event_digest(e, c.prev_hash) AS recomputed
         FROM audit_chain c LEFT JOIN audit_event e ON e.seq = c.seq WHERE c.pos > $1 ORDER BY c.pos LIMIT ${BATCH}`,
      [after],
    );
    for (const row of rows) {
      if (row.prev_hash !== previousHash || row.pos !== String(checked + 1)) {
        return { checked, pending: 0, firstBroken: { seq: row.seq, reason: 'does not link to the previous entry (removed or inserted entries)' } };
      }
      if (row.recomputed !== row.hash) {
        return { checked, pending: 0, firstBroken: { seq: row.seq, reason: 'content does not match its hash (entry rewritten or removed)' } };
      }
      previousHash = row.hash;
      checked++;
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.pos;
  }
  const [{ pending, unaccounted }]: { pending: number; unaccounted: string | null }[] = await db.query(
    `SELECT (SELECT count(*)::int FROM audit_unchained) AS pending,
            (SELECT min(e.seq)::text FROM audit_event e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.seq = e.seq)
               AND NOT EXISTS (SELECT 1 FROM audit_unchained u WHERE u.seq = e.seq)) AS unaccounted`,
  );
  if (unaccounted !== null) {
    return { checked, pending, firstBroken: { seq: unaccounted, reason: 'neither linked nor queued for linking (inserted out of band)' } };
  }
  return { checked, pending, firstBroken: null };
}
