import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { badInput } from '../common/errors.js';
import { type Connection, DEFAULT_PAGE_SIZE, type PageArgs } from '../common/pagination.js';
import { PolicyService } from '../policy/policy.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import type { AccessLogEntry } from './access-log-entry.type.js';
import { assignedThemselves, basisInWords, categoriesInWords, whatWasDone } from './access-log-wording.js';

interface Row {
  seq: string;
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
}

const encode = (seq: string) => Buffer.from(`seq:${seq}`).toString('base64url');
function decode(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString('utf8').replace(/^seq:/, '');
  if (!/^\d{1,19}$/.test(seq)) throw badInput('after', 'after is not a cursor from this list');
  return seq;
}

/** The family's access log, newest first, filtered in SQL to the entries the caller may read. */
@Injectable()
export class AccessLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policy: PolicyService,
  ) {}

  async list(caller: Caller, familyId: string, page: PageArgs): Promise<Connection<AccessLogEntry>> {
    await this.policy.authorize(this.db.manager, caller.ability, 'read', 'Family', familyId);
    const first = page.first ?? DEFAULT_PAGE_SIZE;
    // What a family member looked at itself is not news to it: its own reads stay out of its log.
    const viewer = caller.principal.familyMember?.memberId;
    const params = new SqlParams();
    const sql = `SELECT ae.seq::text AS seq, ae.at, ae.action, ae.entity_type, coalesce(cardinality(ae.entity_ids), 1) AS records, ae.categories, ae.legal_basis, ae.actor_member_id,
        fm.given_name AS member_name, u.display_name AS user_name, ag.name AS agency_name,
        ca.user_id = ae.actor_user_id AS self_assigned
      FROM audit_event ae
      LEFT JOIN family_member fm ON fm.id = ae.actor_member_id
      LEFT JOIN app_user u ON u.id = ae.actor_user_id
      LEFT JOIN agency ag ON ag.id = ae.acting_agency_id
      LEFT JOIN case_assignment ca ON ae.entity_type = 'case_assignment' AND ae.action = 'INSERT' AND ca.id = ae.entity_id
      WHERE ae.family_id = ${params.add(familyId)} AND ${this.policy.predicate(caller.ability, 'read', 'AuditEvent', params)}
        ${viewer ? `AND NOT (ae.action = 'READ' AND ae.actor_member_id IS NOT DISTINCT FROM ${params.add(viewer)}::uuid)` : ''}
        ${page.after ? `AND ae.seq < ${params.add(decode(page.after))}` : ''}
      ORDER BY ae.seq DESC LIMIT ${first + 1}`;
    const [query, values] = this.db.driver.escapeQueryWithParameters(sql, params.values);
    const rows: Row[] = await this.db.query(query, values);
    const edges = rows.slice(0, first).map((row) => ({ cursor: encode(row.seq), node: toEntry(row, viewer) }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

function toEntry(row: Row, viewer: string | undefined): AccessLogEntry {
  const actor =
    row.actor_member_id === viewer && viewer
      ? 'You'
      : (row.member_name ?? (row.user_name ? `${row.user_name}${row.agency_name ? ` (${row.agency_name})` : ''}` : 'The service'));
  const description = row.self_assigned
    ? `${actor}${assignedThemselves(row.legal_basis === 'ADMINISTRATION')}.`
    : `${actor} ${whatWasDone(row.action, row.entity_type, row.records)}${categoriesInWords(row.categories)}${basisInWords(row.legal_basis)}.`;
  return {
    id: row.seq,
    at: row.at,
    action: row.action,
    entityType: row.entity_type,
    records: row.records,
    categories: row.categories,
    legalBasis: row.legal_basis,
    actor,
    description,
  };
}
