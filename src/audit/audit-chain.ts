import type { DataSource } from 'typeorm';
import type { ChainHead } from './audit-checkpoint.js';

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
export interface Sql {
  query(text: string, params: unknown[]): Promise<unknown>;
}

/** The rows of an answer of `Sql`. */
export const rowsOf = <T>(answer: unknown): T[] => (Array.isArray(answer) ? answer : (answer as { rows: T[] }).rows);

/** Links every committed entry still queued to the chain (the service does this every second). */
export async function chainPendingAuditEntries(db: Sql): Promise<number> {
  let linked = 0;
  for (;;) {
    const n = rowsOf<{ n: number }>(await db.query(`SELECT audit_chain_pending($1) AS n`, [BATCH]))[0]!.n;
    linked += n;
    if (n < BATCH) return linked;
  }
}

/**
 * Walks the trail in chain order: first the entries chained one by one before links existed (each
 * entry's hash covers its content and its predecessor's hash), then the links (each link's hash covers
 * its entries' digests, in the digest version the link names, and the previous hash), recomputing every
 * digest from the entries as they are. Any rewrite, removal or insertion out of band breaks the chain at
 * that entry; so does an entry that is neither linked nor queued for linking. Links removed from the end,
 * with their entries, or a rewritten last link, only show against a `checkpoint` of the head signed
 * earlier (see audit-checkpoint.ts): the chain must pass through it.
 */
export async function verifyAuditChain(db: DataSource, checkpoint?: ChainHead & { at?: string }): Promise<ChainReport> {
  let checked = 0;
  let previousHash: string | null = null;
  const broken = (seq: string, reason: string): ChainReport => ({ checked, pending: 0, firstBroken: { seq, reason } });

  for (let after = '0'; ; ) {
    const rows: { seq: string; hash: string; prev_hash: string | null; recomputed: string }[] = await db.query(
      `SELECT e.seq::text AS seq, e.hash, e.prev_hash, audit_event_digest(e, e.prev_hash) AS recomputed
         FROM audit_event e WHERE e.hash IS NOT NULL AND e.seq > $1 ORDER BY e.seq LIMIT ${BATCH}`,
      [after],
    );
    for (const row of rows) {
      if (row.prev_hash !== previousHash) return broken(row.seq, 'does not link to the previous entry (removed or inserted entries)');
      if (row.recomputed !== row.hash) return broken(row.seq, 'content does not match its hash (entry rewritten)');
      previousHash = row.hash;
      checked++;
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.seq;
  }

  let pos = 1;
  for (;;) {
    const links: { pos: string; seqs: string[]; digests: string[]; prev_hash: string | null; hash: string; relinked: string; recomputed: (string | null)[] }[] =
      await db.query(
        `SELECT c.pos::text AS pos, c.seqs::text[] AS seqs, c.digests, c.prev_hash, c.hash, audit_link_hash(c.prev_hash, c.digests) AS relinked,
                ARRAY(SELECT CASE WHEN e.seq IS NOT NULL THEN audit_entry_digest(e, c.digest_version) END FROM unnest(c.seqs) WITH ORDINALITY AS s(seq, i)
                        LEFT JOIN audit_event e ON e.seq = s.seq ORDER BY s.i) AS recomputed
           FROM audit_chain c WHERE c.pos >= $1 ORDER BY c.pos LIMIT 10`,
        [pos],
      );
    for (const link of links) {
      const first = link.seqs[0]!;
      if (link.pos !== String(pos) || link.prev_hash !== previousHash) return broken(first, 'does not link to the previous entry (removed or inserted links)');
      for (const [i, seq] of link.seqs.entries()) {
        if (link.recomputed[i] === null) return broken(seq, 'entry removed');
        if (link.recomputed[i] !== link.digests[i]) return broken(seq, 'content does not match its hash (entry rewritten)');
      }
      if (link.relinked !== link.hash) return broken(first, 'link does not match its entries (link rewritten)');
      if (checkpoint?.pos === link.pos && checkpoint.hash !== link.hash) {
        return broken(checkpoint.seq, `the checkpoint${checkpoint.at ? ` of ${checkpoint.at}` : ''} names link ${link.pos} with another hash: the chain up to it was rewritten`);
      }
      previousHash = link.hash;
      checked += link.seqs.length;
      pos++;
    }
    if (links.length < 10) break;
  }
  if (checkpoint && BigInt(checkpoint.pos) >= pos) {
    return broken(
      checkpoint.seq,
      `cut tail: the chain ends at link ${pos - 1}, but the checkpoint${checkpoint.at ? ` of ${checkpoint.at}` : ''} names link ${checkpoint.pos} (entries up to ${checkpoint.seq}): the links after ${pos - 1} and their entries were removed`,
    );
  }

  const [{ pending, unaccounted }]: { pending: number; unaccounted: string | null }[] = await db.query(
    `SELECT (SELECT count(*)::int FROM audit_unchained) AS pending,
            (SELECT min(seq)::text FROM (SELECT seq FROM audit_event WHERE hash IS NULL
               EXCEPT SELECT unnest(seqs) FROM audit_chain EXCEPT SELECT seq FROM audit_unchained) stray) AS unaccounted`,
  );
  if (unaccounted !== null) return { ...broken(unaccounted, 'neither linked nor queued for linking (inserted out of band)'), pending };
  return { checked, pending, firstBroken: null };
}
