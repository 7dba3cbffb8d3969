import type { ReadNode } from '../audit/compiled-read.js';
import { FAMILY_READ } from '../families/family-read.js';
import type { NodeRead } from '../graphql/compiled-selection.js';
import { dateTime } from '../plans/plan-read.js';
import type { PersonalSubject } from '../policy/subjects.js';

/*
 * The nodes of `inbox(…)` as a compiled read (audit/compiled-read.ts): an item's columns, and what its field
 * resolvers make of its columns in Node (InboxResolver: `text`, rendered by inboxText in the caller's language —
 * a sentence from the message catalogue is no SQL's work; `about`; `read`), read as InboxService reads them. The
 * items whose record the caller may read are recorded as reads of it: one entry per family of the page, its
 * records the items (each kind of record a level). `family` is the family's own columns when the Family rule lets the caller
 * read it (FamiliesService.byId); anything below it (members, plan, …) sends the request down the resolvers' path.
 */

/** `family`: the family an item concerns, or null when the caller may not read it. */
const FAMILY: NodeRead = {
  from: { ruled: 'Family' },
  link: { column: 'id', parentColumn: 'family_id' },
  one: true,
  type: { columns: FAMILY_READ.type.columns, nodes: {} },
};

/** The root: the caller's items (InboxService chooses them), each a part of the record it is about. */
export const inboxRead = (subjects: readonly PersonalSubject[]): NodeRead => ({
  from: { parts: { table: 'inbox_item', typeColumn: 'subject_type', idColumn: 'subject_id', subjects, entityType: 'InboxItem' } },
  link: { column: 'id', parentColumn: 'id' },
  one: false,
  type: {
    columns: { id: 'id', kind: 'kind', occurredAt: dateTime('occurred_at'), readAt: dateTime('read_at') },
    nodes: { family: () => FAMILY },
    resolved: {
      text: { kind: 'kind', params: 'params' },
      about: { subjectType: 'subject_type', subjectId: 'subject_id' },
      read: { readAt: dateTime('read_at') },
    },
  },
});

/**
 * The same root answering only the items' ids: the resolvers' path reads its page's items with it, so that both
 * paths record a page's reads alike, in one statement (InboxService.readAudited).
 */
export function inboxItemsRead(subjects: readonly PersonalSubject[]): ReadNode {
  const { type: _type, ...root } = inboxRead(subjects);
  return { ...root, columns: { id: 'id' }, children: {} };
}
