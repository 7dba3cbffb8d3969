import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import type { GraphQLResolveInfo } from 'graphql';
import { badInput, notFound } from '../common/errors.js';
import { selectedNodeFields } from '../graphql/compiled-selection.js';
import { type Connection, DEFAULT_PAGE_SIZE, type PageArgs } from '../common/pagination.js';
import { PolicyService } from '../policy/policy.service.js';
import { CompiledStatements } from '../audit/compiled-statements.js';
import type { AccessLogEntry } from './access-log-entry.type.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { actorInWords, lineInWords, lookedUp } from './access-log-wording.js';

interface Row {
  seq: string;
  part: number;
  at: Date;
  action: string;
  entity_type: string;
  records: number;
  categories: string[];
  legal_basis: string;
  actor_member_id: string | null;
  member_name: string | null;
  user_name: string | null;
  agency_name: string | null;
  self_assigned: boolean | null;
  lookup_purpose: string | null;
  record_state: string | null;
}

/** A line of the log: an entry, or a part of one (`seq.part`, docs/audit.md). */
interface Position {
  seq: string;
  part: number;
}

const lineId = ({ seq, part }: Position) => (part === 0 ? seq : `${seq}.${part}`);
const encode = (position: Position) => Buffer.from(`seq:${lineId(position)}`).toString('base64url');
function decode(cursor: string): Position {
  const match = /^seq:(\d{1,19})(?:\.(\d{1,6}))?$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badInput('after', 'after is not a cursor from this list');
  return { seq: match[1]!, part: Number(match[2] ?? 0) };
}

/** The values of the entry's array `column` at the positions a part names under `key` (read-audit.ts). */
const named = (key: string, column: string) =>
  `ARRAY(SELECT e.${column}[i::int] FROM jsonb_array_elements_text(p.part->'${key}') WITH ORDINALITY k(i, o) ORDER BY o)`;

/**
 * Each line of a family's log: an entry, or each part of an entry that has parts (what one read found about
 * different members, or under different bases), with the part's kind of record, records, members,
 * categories and basis; numbered 0 for an entry without parts, from 1 for the parts. The log shows the
 * entries written for the family (`own`) and for the registrations merged into it since (`merged`,
 * docs/family-merge.md), each line with `audited_family_id`, the family its entry is about now (the
 * AuditEvent rule's `familyId`, subjects.ts), known per registration rather than looked up per entry. Read
 * apart and the two merged: the family's own entries come from its index in `seq` order, so that a page of
 * them stops after its lines; the merged registrations' are few, frozen since the merge. `family` is SQL of the family's id; `where` (over `e`)
 * narrows the entries. Exported for the benchmark's limit side (bench/limit/statements.ts), which reads the
 * same lines.
 */
export function accessLogLines(family: string, registrations: 'own' | 'merged', where = 'TRUE'): string {
  const [audited, logged] =
    registrations === 'own'
      ? [`(SELECT coalesce(af.merged_into_family_id, af.id) FROM family af WHERE af.id = ${family})`, `e.family_id = ${family}`]
      : // `= ANY(ARRAY(…))`, not `IN (…)`: the statement stays prepared with its generic plan (database/prepared-statements.ts).
        [family, `e.family_id = ANY (ARRAY(SELECT mf.id FROM family mf WHERE mf.merged_into_family_id = ${family}))`];
  return `SELECT e.seq, p.n AS part, e.at, e.action, e.family_id, ${audited} AS audited_family_id, e.entity_id, e.actor_member_id, e.actor_user_id,
         e.acting_agency_id, coalesce(p.part->>'type', e.entity_type) AS entity_type,
         coalesce((p.part->>'records')::int, cardinality(e.entity_ids), 1) AS records,
         CASE WHEN p.part IS NULL THEN e.categories ELSE ${named('categories', 'categories')} END AS categories,
         CASE WHEN p.part IS NULL THEN e.member_ids ELSE ${named('members', 'member_ids')} END AS member_ids,
         coalesce(p.part->>'basis', e.legal_basis) AS legal_basis
    FROM audit_event e
    CROSS JOIN LATERAL (SELECT j.part, j.n FROM jsonb_array_elements(e.parts) WITH ORDINALITY j(part, n)
                        UNION ALL SELECT NULL, 0 WHERE e.parts IS NULL) p
   WHERE ${logged} AND ${where}`;
}

/** Who acted and what was looked up, by a key probe per line (joined, the planner hashed whole tables). */
const WORDING_COLUMNS = `(SELECT fm.given_name FROM family_member fm WHERE fm.id = ae.actor_member_id) AS member_name,
        (SELECT u.display_name FROM app_user u WHERE u.id = ae.actor_user_id) AS user_name,
        (SELECT ag.name FROM agency ag WHERE ag.id = ae.acting_agency_id) AS agency_name,
        (SELECT ca.user_id = ae.actor_user_id FROM case_assignment ca
          WHERE ae.entity_type = 'case_assignment' AND ae.action = 'INSERT' AND ca.id = ae.entity_id) AS self_assigned,
        (SELECT fl.purpose FROM family_lookup fl WHERE ae.entity_type = 'family_lookup' AND fl.id = ae.entity_id) AS lookup_purpose,
        -- A merge proposal changes once, to its outcome (MERGED, WITHDRAWN or DECLINED): its state now is what that change did.
        (SELECT fmg.status FROM family_merge fmg WHERE ae.entity_type = 'family_merge' AND ae.action = 'UPDATE' AND fmg.id = ae.entity_id) AS record_state`;

/** The family's access log, newest first, filtered in SQL to the entries the caller may read. */
@Injectable()
export class AccessLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
    private readonly statements: CompiledStatements,
  ) {}

  /**
   * One statement: whether the caller may read the family (else NOT_FOUND), and the page of its log's lines
   * (accessLogLines: its entries and those of the registrations merged into it) under the AuditEvent rule.
   */
  async list(caller: Caller, familyId: string, page: PageArgs, info?: GraphQLResolveInfo): Promise<Connection<AccessLogEntry>> {
    // Who acted and the line in words only when the request selects them (compiled from its selection).
    const selected = info ? selectedNodeFields(info) : null;
    const worded = !selected || selected.has('actor') || selected.has('description');
    const first = page.first ?? DEFAULT_PAGE_SIZE;
    const after = page.after ? decode(page.after) : undefined;
    // What a family member looked at itself is not news to it: its own reads stay out of its log.
    const viewer = caller.principal.familyMember?.memberId;
    const inputs = { family: familyId, limit: first + 1, seq: after?.seq, part: after?.part, viewer };
    // Built once per caller and shape (audit/compiled-statements.ts); the request's values bound by name.
    const shape = `accessLog:${worded ? 'worded' : 'bare'}:${after ? 'after' : 'first'}:${viewer ? 'viewer' : 'none'}`;
    const [head, ...more] = await this.statements.query<Row & { readable: boolean }, typeof inputs>(this.db, caller, shape, (params, input) => {
      // A remembered principal is checked by this statement itself (auth/principal-check.ts).
      const check = caller.principalCheck?.sql((value) => params.add(value));
      const family = `${input('family')}::uuid`;
      // The lines of each kind of registration the caller may read.
      const readableLines = (registrations: 'own' | 'merged') => `SELECT ae.* FROM (${accessLogLines(family, registrations, after ? `e.seq <= ${input('seq')}` : 'TRUE')}) ae
           WHERE ${this.policy.predicate(caller.ability, 'read', 'AuditEvent', params)}
             ${viewer ? `AND NOT (ae.action = 'READ' AND ae.actor_member_id IS NOT DISTINCT FROM ${input('viewer')}::uuid)` : ''}
             ${after ? `AND (ae.seq < ${input('seq')} OR ae.part > ${input('part')})` : ''}`;
      // The merged registrations' lines apart (MATERIALIZED): planned with the page's order, the planner walked the
      // whole audit trail backwards looking for them.
      return `WITH merged AS MATERIALIZED (${readableLines('merged')})
        SELECT readable.yes AS readable, ae.seq::text AS seq, ae.part::int AS part, ae.at, ae.action, ae.entity_type, ae.records, ae.categories,
          ae.legal_basis, ae.actor_member_id,${check ? ' readable.principal_current,' : ''}
          ${worded ? WORDING_COLUMNS : 'NULL AS member_name, NULL AS user_name, NULL AS agency_name, NULL AS self_assigned, NULL AS lookup_purpose, NULL AS record_state'}
        FROM (SELECT ${this.policy.readableSql(caller.ability, 'Family', family, params)} AS yes${check ? `, ${check} AS principal_current` : ''}) readable
        LEFT JOIN LATERAL (
          SELECT * FROM ((${readableLines('own')} ORDER BY ae.seq DESC, ae.part LIMIT ${input('limit')}) UNION ALL SELECT * FROM merged) lines
           WHERE readable.yes ORDER BY seq DESC, part LIMIT ${input('limit')}) ae ON TRUE
        ORDER BY ae.seq DESC, ae.part`;
    }, inputs);
    if (!head?.readable) throw notFound('Family');
    const rows = head.seq === null ? [] : [head, ...more];
    const language = caller.principal.language ?? DEFAULT_LANGUAGE;
    // Unselected, `actor` and `description` are not answered: left empty rather than worded from nothing.
    const edges = rows.slice(0, first).map((row) => ({ cursor: encode(row), node: worded ? toEntry(row, viewer, language) : { ...lineOf(row), actor: '', description: '' } }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

function toEntry(row: Row, viewer: string | undefined, language: Language): AccessLogEntry {
  if (row.lookup_purpose) return { ...lineOf(row), ...lookedUp(language, row.agency_name, row.lookup_purpose) };
  const actor = actorInWords(language, {
    you: Boolean(viewer) && row.actor_member_id === viewer,
    memberName: row.member_name,
    userName: row.user_name,
    agencyName: row.agency_name,
  });
  const description = lineInWords(language, actor, {
    action: row.action,
    entityType: row.entity_type,
    records: row.records,
    categories: row.categories,
    legalBasis: row.legal_basis,
    selfAssigned: Boolean(row.self_assigned),
    state: row.record_state,
  });
  return { ...lineOf(row), actor, description };
}

/** What a line says of itself, whoever acted. */
function lineOf(row: Row): Omit<AccessLogEntry, 'actor' | 'description'> {
  return {
    id: lineId(row),
    at: row.at,
    action: row.action,
    entityType: row.entity_type,
    records: row.records,
    categories: row.categories,
    legalBasis: row.legal_basis,
  };
}
