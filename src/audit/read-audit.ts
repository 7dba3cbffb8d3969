import { Injectable } from '@nestjs/common';
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { groupBy } from '../graphql/request-loaders.js';
import { PolicyService } from '../policy/policy.service.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../policy/sql-scope.js';
import { GRANT_IN_FORCE, SUBJECTS, type SubjectName } from '../policy/subjects.js';
import { auditActor } from './audited-transactions.js';

interface AuditOptions {
  /** What the audit calls the rows (default: the subject), and their id column (default: the subject's). */
  entityType?: string;
  idColumn?: string;
  /** For a paginated query ordered by id: the page size (rows beyond it are fetched but not returned). */
  pageSize?: number;
  /**
   * A field-level right (subjects.ts, `fieldRights`) read instead of the record's `read`: its rule filters
   * the rows, its consent is the legal basis and its categories are recorded.
   */
  right?: PolicyAction;
  /**
   * The right to the record's personal content, decided per row in the same query (a referral's
   * `readDetails`). A row read without it showed none: it is audited without categories, under the basis
   * that let the caller see the record at all — on the family's team ASSIGNMENT, else RECIPIENT (the record
   * was addressed to the caller's agency, as a referral is to the receiving agency).
   */
  contentRight?: PolicyAction;
}

/**
 * Audits reads of personal data inside the reading statement: the query becomes a WITH whose rows are
 * both answered and recorded in the audit trail, so every returned row is recorded in the same
 * transaction, with the legal basis it was readable under, at no extra statement and as one INSERT.
 * The basis is computed from the same policy relations that filtered the row (subjects.ts).
 */
@Injectable()
export class ReadAudit {
  constructor(private readonly policy: PolicyService) {}

  /** The rows of `subject` the caller may read, each audited as it is read. */
  readable<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    caller: Caller,
    subject: SubjectName,
    options: AuditOptions = {},
  ): SelectQueryBuilder<T> {
    return this.select(this.policy.scope(qb, caller.ability, options.right ?? 'read', subject), caller, subject, options);
  }

  /**
   * For a DataLoader: the readable rows whose `keyColumn` is one of `keys`, in one audited query for all
   * parents of the request, in id order, grouped per key.
   */
  async groupedBy<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    caller: Caller,
    subject: SubjectName,
    group: { column: string; keys: readonly string[]; keyOf: (row: T) => string },
    options: AuditOptions = {},
  ): Promise<T[][]> {
    qb.andWhere(`${group.column} = ANY(:groupKeys)`, { groupKeys: group.keys }).orderBy(`${qb.alias}.id`);
    return groupBy(group.keys, await this.readable(qb, caller, subject, options).getMany(), group.keyOf);
  }

  /**
   * Records a read that shows no personal data (aggregate figures) as one entry about the record it
   * concerns, under the ADMINISTRATION basis: who looked at a network's figures is worth knowing too.
   */
  async recordAggregateRead(em: EntityManager, caller: Caller, action: string, entity: { type: string; id: string }): Promise<void> {
    const actor = auditActor(caller);
    await em.query(
      `INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action, entity_type, entity_id, legal_basis)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ADMINISTRATION')`,
      [actor.requestId, actor.subject, actor.userId, actor.memberId, actor.agencyId, action, entity.type, entity.id],
    );
  }

  private select<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    caller: Caller,
    subject: SubjectName,
    options: AuditOptions,
  ): SelectQueryBuilder<T> {
    const def = SUBJECTS[subject];
    if (!def.audit) throw new Error(`${subject} is not personal data: nothing to audit`);
    const fieldRight = options.right && def.fieldRights?.[options.right];
    if (options.right && !fieldRight) throw new Error(`${subject} has no field-level right ${options.right}`);
    const { familyId, memberIds } = def.audit;
    const recordCategories = fieldRight ? fieldRight.categories : def.audit.categories;
    const actor = auditActor(caller);
    const params = new SqlParams();
    const user = params.add(actor.userId);
    const agency = params.add(actor.agencyId);
    const author = def.fields.authorUserId ? `${def.fields.authorUserId} = ${user}` : 'FALSE';
    const consented = def.relations[fieldRight ? fieldRight.consentRelation : 'consentedAgencyIds']?.contains(agency) ?? 'FALSE';
    // A receiving agency reads the members referred to it under their REFERRAL consent (never a field-level right).
    const referralConsented = (!fieldRight && def.relations.referralConsentedAgencyIds?.contains(agency)) || 'FALSE';
    const brokeGlass = def.relations.breakGlassUserIds?.contains(user) ?? 'FALSE';
    const content = options.contentRight ? scopeToSql(caller.ability, options.contentRight, subject, params) : 'TRUE';
    const onTeam = def.relations.teamUserIds?.contains(user) ?? 'FALSE';
    const basis = `CASE WHEN ${params.add(actor.memberId !== null)} THEN 'FAMILY_SELF'
      WHEN NOT ${content} THEN (CASE WHEN ${onTeam} THEN 'ASSIGNMENT' ELSE 'RECIPIENT' END)
      WHEN ${consented} OR ${referralConsented} THEN 'CONSENT' WHEN ${author} THEN 'AUTHOR'
      WHEN ${brokeGlass} THEN 'BREAK_GLASS' ELSE 'ASSIGNMENT' END`;
    const categories = options.contentRight ? `CASE WHEN ${content} THEN ${recordCategories} ELSE '{}'::text[] END` : recordCategories;
    // The consents named are those of the basis (CONSENT implies the content was read): the data's own
    // categories, else the REFERRAL consent.
    const consentCategories = def.relations.referralConsentedAgencyIds && !fieldRight
      ? `CASE WHEN ${consented} THEN ${recordCategories} ELSE ARRAY['REFERRAL'] END`
      : recordCategories;
    // In parentheses: a bare `alias.column` would be taken for the entity's own column and renamed.
    const columns = {
      audit_entity_id: options.idColumn ?? `${def.alias}.id`,
      audit_family_id: familyId,
      audit_member_ids: memberIds,
      audit_categories: categories,
      audit_consent_categories: consentCategories,
      audit_basis: basis,
    };
    for (const [alias, expression] of Object.entries(columns)) qb.addSelect(`(${expression})`, alias);
    qb.setParameters({ ...qb.getParameters(), ...params.values });

    // The statement that reads also records the reading, as one INSERT for all its rows: the query as
    // built (also after this call: orderBy, limit) becomes the first part of a WITH, the audit entries
    // are inserted from its rows in the same statement, and its rows are answered in their order. One
    // entry per family, members concerned and basis names every record read (entity_ids) with the union
    // of their categories and consents (each row's consents found with its own categories). Records about
    // other members stay apart: a family member sees an entry only if it speaks for all its members.
    const audited = new SqlParams();
    const entityType = audited.add(options.entityType ?? subject);
    const actorJson = audited.add(JSON.stringify(actor));
    const readAgency = audited.add(actor.agencyId);
    // A page fetches one row more than it returns (to know whether another page follows): that row is
    // not read by anyone, so it is not audited.
    const readRows = options.pageSize === undefined ? 'TRUE' : `p.audit_row <= ${audited.add(options.pageSize)}`;
    qb.setParameters({ ...qb.getParameters(), ...audited.values });
    const build = qb.getQuery.bind(qb);
    const union = (column: string) => `ARRAY(SELECT DISTINCT u FROM unnest(array_cat_agg(${column})) u ORDER BY u)`;
    qb.getQuery = () => `WITH page AS MATERIALIZED (SELECT q.*, row_number() OVER () AS audit_row FROM (${build()}) q),
      read AS (
        SELECT p.audit_row, p.audit_entity_id, p.audit_family_id, p.audit_member_ids, p.audit_categories, p.audit_basis,
               CASE WHEN p.audit_basis = 'CONSENT' THEN ARRAY(
                   -- Family data by the family's grants, a member's data by the member's: each an index-only probe.
                   SELECT cg.consent_id FROM consent_grant cg WHERE cardinality(p.audit_member_ids) = 0
                      AND cg.family_id = p.audit_family_id AND cg.recipient_agency_id = ${readAgency}
                      AND cg.category = ANY(p.audit_consent_categories) AND ${GRANT_IN_FORCE}
                   UNION ALL
                   SELECT cg.consent_id FROM consent_grant cg WHERE cg.member_id = ANY(p.audit_member_ids)
                      AND cg.recipient_agency_id = ${readAgency}
                      AND cg.category = ANY(p.audit_consent_categories) AND ${GRANT_IN_FORCE}) ELSE '{}' END AS audit_consent_ids
          FROM page p WHERE ${readRows}
      ),
      audit AS (
        INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                                 entity_type, entity_ids, family_id, member_ids, categories, legal_basis, consent_ids)
        SELECT a->>'requestId', a->>'subject', (a->>'userId')::uuid, (a->>'memberId')::uuid, (a->>'agencyId')::uuid, 'READ',
               ${entityType}, array_agg(r.audit_entity_id ORDER BY r.audit_row), r.audit_family_id, r.audit_member_ids,
               ${union('r.audit_categories')}, r.audit_basis, ${union('r.audit_consent_ids')}
          FROM read r, (SELECT ${actorJson}::jsonb AS a) actor
         GROUP BY a, r.audit_family_id, r.audit_member_ids, r.audit_basis
      )
      SELECT * FROM page ORDER BY audit_row`;
    return qb;
  }
}
