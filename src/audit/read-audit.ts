import { Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Caller } from '../auth/caller.decorator.js';
import { groupBy } from '../graphql/request-loaders.js';
import { PolicyService } from '../policy/policy.service.js';
import { SqlParams } from '../policy/sql-scope.js';
import { SUBJECTS, type SubjectName } from '../policy/subjects.js';
import { auditActor } from './audited-transactions.js';

interface AuditOptions {
  /** What the audit calls the rows (default: the subject), and their id column (default: the subject's). */
  entityType?: string;
  idColumn?: string;
  /** For a paginated query ordered by id: the page size (rows beyond it are fetched but not returned). */
  pageSize?: number;
}

/**
 * Audits reads of personal data inside the reading statement: a column calling `audit_read` is added
 * to the query, so every returned row is recorded in the same transaction, with the legal basis it was
 * readable under, at no extra statement. The basis is computed from the same policy relations that
 * filtered the row (subjects.ts).
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
    return this.select(this.policy.scope(qb, caller.ability, 'read', subject), caller, subject, options);
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

  private select<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    caller: Caller,
    subject: SubjectName,
    options: AuditOptions,
  ): SelectQueryBuilder<T> {
    const def = SUBJECTS[subject];
    if (!def.audit) throw new Error(`${subject} is not personal data: nothing to audit`);
    const { familyId, memberIds, categories } = def.audit;
    const actor = auditActor(caller);
    const params = new SqlParams();
    const user = params.add(actor.userId);
    const agency = params.add(actor.agencyId);
    const author = def.fields.authorUserId ? `${def.fields.authorUserId} = ${user}` : 'FALSE';
    const consented = def.relations.consentedAgencyIds?.contains(agency) ?? 'FALSE';
    // A receiving agency reads the members referred to it under their REFERRAL consent.
    const referralConsented = def.relations.referralConsentedAgencyIds?.contains(agency) ?? 'FALSE';
    const brokeGlass = def.relations.breakGlassUserIds?.contains(user) ?? 'FALSE';
    const basis = `CASE WHEN ${params.add(actor.memberId !== null)} THEN 'FAMILY_SELF'
      WHEN ${consented} OR ${referralConsented} THEN 'CONSENT' WHEN ${author} THEN 'AUTHOR'
      WHEN ${brokeGlass} THEN 'BREAK_GLASS' ELSE 'ASSIGNMENT' END`;
    // The consents named are those of the basis: the data's own categories, else the REFERRAL consent.
    const consentCategories = def.relations.referralConsentedAgencyIds
      ? `CASE WHEN ${consented} THEN ${categories} ELSE ARRAY['REFERRAL'] END`
      : categories;
    const consentIds = `ARRAY(SELECT DISTINCT cg.consent_id FROM consent_grant cg WHERE cg.family_id = ${familyId}
      AND cg.recipient_agency_id = ${agency} AND cg.revoked_at IS NULL
      AND cg.category = ANY(${consentCategories})
      AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
      AND (cardinality(${memberIds}) = 0 OR cg.member_id = ANY(${memberIds})))`;
    const call = `audit_read(${params.add(JSON.stringify(actor))}::jsonb, ${params.add(options.entityType ?? subject)},
      ${options.idColumn ?? `${def.alias}.id`}, ${familyId}, ${memberIds}, ${categories}, ${basis}, ${consentIds})`;
    const idColumn = options.idColumn ?? `${def.alias}.id`;
    // A page fetches one row more than it returns (to know whether another page follows): that row is
    // not read by anyone, so it is not audited. The numbering follows the page's order (by id).
    const audited = options.pageSize === undefined ? call : `CASE WHEN row_number() OVER (ORDER BY ${idColumn}) <= ${options.pageSize} THEN ${call} END`;
    return qb.addSelect(audited, 'audited').setParameters({ ...qb.getParameters(), ...params.values });
  }
}
