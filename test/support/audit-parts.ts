import type { Pool } from 'pg';
/** A part of a read audit entry as stored: positions in the entry's arrays (src/audit/read-audit.ts). */
export interface StoredPart {
  type?: string;
  records: number;
  members: number[];
  basis: string;
  categories: number[];
  consents: number[];
}

/** A part with the records, members, categories and consents it names. */
export interface Part {
  type: string;
  records: string[];
  members: string[];
  basis: string;
  categories: string[];
  consents: string[];
}

/** The columns of a read audit entry that its parts name. */
export interface PartedEntry {
  entity_type: string;
  entity_ids: string[] | null;
  member_ids: string[];
  categories: string[];
  legal_basis: string;
  consent_ids: string[];
  parts: StoredPart[] | null;
}

/** The parts of an entry with what they name, as an auditor reads them; an entry without parts is one part. */
export function partsOf(entry: PartedEntry): Part[] {
  const records = entry.entity_ids ?? [];
  if (!entry.parts) {
    return [{ type: entry.entity_type, records, members: entry.member_ids, basis: entry.legal_basis, categories: entry.categories, consents: entry.consent_ids }];
  }
  let read = 0;
  return entry.parts.map((part) => ({
    type: part.type ?? entry.entity_type,
    records: records.slice(read, (read += part.records)),
    members: part.members.map((i) => entry.member_ids[i - 1]!),
    basis: part.basis,
    categories: part.categories.map((i) => entry.categories[i - 1]!),
    consents: part.consents.map((i) => entry.consent_ids[i - 1]!),
  }));
}

/**
 * What the read audit entries of a request record, for comparing two paths that read alike (the compiled
 * reads and the field resolvers: test/compiled-*.e2e-spec.ts): per record read, its part and the entry's
 * columns that are not the parts' (family, actor, action), without what differs by time, order or request
 * (seq, at, request_id, the chain's hash and prev_hash, which the chainer sets later); in a canonical order.
 * And the families of its entries, an entry each.
 */
export async function auditOfRequest(sql: Pool, requestId: string): Promise<{ records: string[]; families: string[] }> {
  const { rows } = await sql.query<{ entry: PartedEntry & Record<string, unknown> }>(
    `SELECT to_jsonb(ae) - 'seq' - 'at' - 'request_id' - 'hash' - 'prev_hash' AS entry FROM audit_event ae WHERE request_id = $1`,
    [requestId],
  );
  const records = rows.flatMap(({ entry }) => {
    const { entity_type, entity_ids, member_ids, categories, legal_basis, consent_ids, parts, ...columns } = entry;
    return partsOf({ entity_type, entity_ids, member_ids, categories, legal_basis, consent_ids, parts }).flatMap((part) =>
      part.records.map((record) =>
        JSON.stringify({ ...columns, type: part.type, record, members: [...part.members].sort(), basis: part.basis, categories: [...part.categories].sort(), consents: [...part.consents].sort() }),
      ),
    );
  });
  return { records: records.sort(), families: rows.map(({ entry }) => entry.family_id as string).sort() };
}
