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
