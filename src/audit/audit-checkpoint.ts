import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { devSecret } from '../auth/dev-secret.js';
import type { AppConfig } from '../config/app-config.js';
import { rowsOf, type Sql } from './audit-chain.js';

/** How far the audit chain reached: its head link, the last entry of that link, the link's hash. */
export interface ChainHead {
  pos: string;
  seq: string;
  hash: string;
}

/**
 * The chain head at a time, signed with a key that is not in the database: kept outside it (a file, the
 * log), it lets `audit:verify` see links and entries removed from the end of the chain, or a rewritten head.
 */
export interface AuditCheckpoint extends ChainHead {
  at: string;
  signature: string;
}

export class CheckpointError extends Error {}

/** AUDIT_CHECKPOINT_KEY, or outside production a key generated once into `<dataDir>/audit-checkpoint-key`. */
export const auditCheckpointKey = (config: Pick<AppConfig, 'auditCheckpointKey' | 'dataDir'>): Uint8Array =>
  devSecret(config.auditCheckpointKey, config.dataDir, 'audit-checkpoint-key');

/** Where the service keeps its latest checkpoint, and where `audit:verify` looks for it by default. */
export const checkpointFile = (dataDir: string): string => join(dataDir, 'audit-checkpoint.json');

export async function chainHead(db: Sql): Promise<ChainHead | null> {
  const [head] = rowsOf<ChainHead>(
    await db.query(`SELECT pos::text AS pos, seqs[cardinality(seqs)]::text AS seq, hash FROM audit_chain ORDER BY pos DESC LIMIT 1`, []),
  );
  return head ?? null;
}

const signatureOf = (checkpoint: Omit<AuditCheckpoint, 'signature'>, key: Uint8Array) =>
  createHmac('sha256', key)
    .update(['gezin1plan-audit-checkpoint-v1', checkpoint.pos, checkpoint.seq, checkpoint.hash, checkpoint.at].join('\n'))
    .digest('hex');

export function signCheckpoint(head: ChainHead, key: Uint8Array, at = new Date()): AuditCheckpoint {
  const unsigned = { pos: head.pos, seq: head.seq, hash: head.hash, at: at.toISOString() };
  return { ...unsigned, signature: signatureOf(unsigned, key) };
}

/** Replaces `file` whole (written aside, then renamed): a reader never sees half a checkpoint. */
export function writeCheckpoint(file: string, checkpoint: AuditCheckpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(checkpoint)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The checkpoint in `file`, refused unless its signature is the key's. */
export function readCheckpoint(file: string, key: Uint8Array): AuditCheckpoint {
  let parsed: Partial<Record<keyof AuditCheckpoint, unknown>>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`checkpoint ${file} cannot be read: ${(error as Error).message}`);
  }
  const fields = ['pos', 'seq', 'hash', 'at', 'signature'] as const;
  if (typeof parsed !== 'object' || parsed === null || fields.some((f) => typeof parsed[f] !== 'string')) {
    throw new CheckpointError(`checkpoint ${file} is not a checkpoint (needs ${fields.join(', ')})`);
  }
  const checkpoint = parsed as AuditCheckpoint;
  const expected = Buffer.from(signatureOf(checkpoint, key), 'hex');
  const given = Buffer.from(checkpoint.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new CheckpointError(`checkpoint ${file} is not signed with the audit checkpoint key (forged, or signed with another key)`);
  }
  return checkpoint;
}
