import { subjectSql, type SubjectName } from './subjects.js';

/** The field-level rights (subjects.ts, `fieldRights`) a record was read without: what its parts must withhold too. */
const withheldRights = new WeakMap<object, Set<string>>();

/**
 * The one function that applies field-level rights: of each right the subject declares that `holds` says
 * the caller lacks for this record, the fields are emptied (null) on the record and remembered, so that its
 * parts read later (`withheldParts`) leave out what they tell of the same.
 */
export function withholdFields<T extends object>(subject: SubjectName, record: T, holds: (right: string) => boolean): T {
  const rights = Object.entries(subjectSql(subject).fieldRights ?? {}).filter(([right]) => !holds(right));
  if (rights.length === 0) return record;
  withheldRights.set(record, new Set(rights.map(([right]) => right)));
  const emptied = Object.fromEntries(rights.flatMap(([, right]) => right.fields.map((field) => [field, null])));
  return Object.assign(record, emptied);
}

/** The rows of a part of `record` (a GraphQL field, declared in `parts`), without what a withheld right guards. */
export function withheldParts<P extends object>(subject: SubjectName, record: object, part: string, rows: P[]): P[] {
  const withheld = withheldRights.get(record);
  if (!withheld) return rows;
  const fields = Object.entries(subjectSql(subject).fieldRights ?? {})
    .filter(([right]) => withheld.has(right))
    .flatMap(([, right]) => right.parts?.[part] ?? []);
  if (fields.length === 0) return rows;
  const emptied = Object.fromEntries(fields.map((field) => [field, null]));
  return rows.map((row) => ({ ...row, ...emptied }));
}
