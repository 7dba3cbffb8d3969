import type { Caller } from '../auth/caller.decorator.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { scopeToSql, type SqlParams } from '../policy/sql-scope.js';
import { GRANT_IN_FORCE, subjectSql, type PersonalSubject } from '../policy/subjects.js';
import { auditActor } from './audited-transactions.js';

/*
 * The read audit: which audit_event rows a read of personal data writes. In one place for both paths of the
 * PersonalReader (CallerReader.read and the compiled read), so that what a read records is decided once.
 */

/**
 * What each row's audit entry says, as SQL columns (`audit_*`) over the subject's aliases: the record
 * (`idSql`), its family and members, the categories read, and the basis it was readable under. With a
 * right decided with the record (`contentRight`), a row read without it showed none of its personal
 * content: it is audited without categories, under the basis that let the caller see the record at all —
 * on the family's team ASSIGNMENT, else RECIPIENT (the record was addressed to the caller's agency, as a
 * referral is to the receiving agency). Shared by the reader's two paths (CallerReader.read, compiled-read.ts).
 */
export function auditColumns(
  caller: Caller,
  subject: PersonalSubject,
  params: SqlParams,
  options: { idSql: string; right?: PolicyAction; contentRight?: string },
): Record<string, string> {
  const def = subjectSql(subject);
  const audit = def.audit!;
  const fieldRight = options.right ? def.fieldRights![options.right]! : undefined;
  const recordCategories = fieldRight ? fieldRight.categories : audit.categories;
  const actor = auditActor(caller);
  const user = params.add(actor.userId);
  const agency = params.add(actor.agencyId);
  const author = def.fields.authorUserId ? `${def.fields.authorUserId} = ${user}` : 'FALSE';
  const consented = def.relations[fieldRight ? fieldRight.consentRelation : 'consentedAgencyIds']?.contains(agency) ?? 'FALSE';
  // A receiving agency reads the members referred to it under their REFERRAL consent (never a field-level right).
  const referralConsented = (!fieldRight && def.relations.referralConsentedAgencyIds?.contains(agency)) || 'FALSE';
  const brokeGlass = def.relations.breakGlassUserIds?.contains(user) ?? 'FALSE';
  const content = options.contentRight ? scopeToSql(caller.ability, options.contentRight as PolicyAction, subject, params) : 'TRUE';
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
  return {
    audit_entity_id: options.idSql,
    audit_family_id: audit.familyId,
    audit_member_ids: audit.memberIds,
    audit_categories: categories,
    audit_consent_categories: consentCategories,
    audit_basis: basis,
  };
}

/**
 * The part of a WITH that records the reading of the rows of `source` (a CTE with the `auditColumns` and
 * `audit_row`, their order), as one INSERT for all of them, named `<source>_read` and `<source>_audit`. One
 * entry per family, members concerned and basis names every record read (entity_ids) with the union of
 * their categories and consents (each row's consents found with its own categories). Records about other
 * members stay apart: a family member sees an entry only if it speaks for all its members. With `pageSize`,
 * the row a page fetches beyond it (to know whether another page follows) is read by no one: not audited.
 * The one place that says which audit rows a read writes, for both paths of the reader.
 */
export function auditEntries(caller: Caller, source: string, entityType: string, params: SqlParams, pageSize?: number): string {
  const actor = auditActor(caller);
  const type = params.add(entityType);
  const actorJson = params.add(JSON.stringify(actor));
  const readAgency = params.add(actor.agencyId);
  const readRows = pageSize === undefined ? 'TRUE' : `p.audit_row <= ${params.add(pageSize)}`;
  const union = (column: string) => `ARRAY(SELECT DISTINCT u FROM unnest(array_cat_agg(${column})) u ORDER BY u)`;
  return `${source}_read AS (
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
        FROM ${source} p WHERE ${readRows}
    ),
    ${source}_audit AS (
      INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                               entity_type, entity_ids, family_id, member_ids, categories, legal_basis, consent_ids)
      SELECT a->>'requestId', a->>'subject', (a->>'userId')::uuid, (a->>'memberId')::uuid, (a->>'agencyId')::uuid, 'READ',
             ${type}, array_agg(r.audit_entity_id ORDER BY r.audit_row), r.audit_family_id, r.audit_member_ids,
             ${union('r.audit_categories')}, r.audit_basis, ${union('r.audit_consent_ids')}
        FROM ${source}_read r, (SELECT ${actorJson}::jsonb AS a) actor
       GROUP BY a, r.audit_family_id, r.audit_member_ids, r.audit_basis
    )`;
}
