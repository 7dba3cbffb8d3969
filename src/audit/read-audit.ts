import type { Caller } from '../auth/caller.decorator.js';
import type { PolicyAction } from '../policy/ability.factory.js';
import { scopeToSql, type SqlParams } from '../policy/sql-scope.js';
import { familyGrant, GRANT_IN_FORCE, type PersonalSubject, subjectSql } from '../policy/subjects.js';
import { type AuditActor, auditActor } from './audited-transactions.js';

/** A set of a `text[]` or `uuid[]` column over a group of rows, in order, without repeats. */
const union = (column: string) => `ARRAY(SELECT DISTINCT u FROM unnest(array_cat_agg(${column})) u ORDER BY u)`;

/** The positions (from 1) in the array `all` of the values of the array `some`. */
const positions = (some: string, all: string) => `ARRAY(SELECT array_position(${all}, v) FROM unnest(${some}) WITH ORDINALITY s(v, i) ORDER BY i)`;

/** How a row of a subject is read: its id's SQL, and the field-level right it is read under or decided with. */
export interface AuditedRow {
  entityId: string;
  /** A field-level right read apart (ReadOptions.right): its rule, consent relation and categories apply. */
  right?: PolicyAction;
  /** A field-level right decided with the record: a row read without it showed none of its personal content. */
  contentRight?: PolicyAction;
}

/**
 * The audit columns of a row of `subject` (its aliases in scope), `readAuditSql`'s source columns but the
 * order and the type: the record, its family and members, the categories read, and the basis it was
 * readable under. With a `contentRight` that does not hold, the row showed none of its personal content: it
 * is audited without categories, under the basis that let the caller see the record at all — on the
 * family's team ASSIGNMENT, else RECIPIENT (the record was addressed to the caller's agency, as a referral
 * is to the receiving agency). The PersonalReader (both its paths) and the benchmark's limit side select these.
 */
export function auditColumnsSql(caller: Caller, subject: PersonalSubject, params: SqlParams, row: AuditedRow): Record<string, string> {
  const def = subjectSql(subject);
  const audit = def.audit!;
  const fieldRight = row.right ? def.fieldRights![row.right]! : undefined;
  const recordCategories = fieldRight ? fieldRight.categories : audit.categories;
  const actor = auditActor(caller);
  const user = params.add(actor.userId);
  const agency = params.add(actor.agencyId);
  const author = def.fields.authorUserId ? `${def.fields.authorUserId} = ${user}` : 'FALSE';
  const consented = def.relations[fieldRight ? fieldRight.consentRelation : 'consentedAgencyIds']?.contains(agency) ?? 'FALSE';
  // A receiving agency reads the members referred to it under their REFERRAL consent (never a field-level right).
  const referralConsented = (!fieldRight && def.relations.referralConsentedAgencyIds?.contains(agency)) || 'FALSE';
  const brokeGlass = def.relations.breakGlassUserIds?.contains(user) ?? 'FALSE';
  const content = row.contentRight ? scopeToSql(caller.ability, row.contentRight, subject, params) : 'TRUE';
  const onTeam = def.relations.teamUserIds?.contains(user) ?? 'FALSE';
  const basis = `CASE WHEN ${params.add(actor.memberId !== null)} THEN 'FAMILY_SELF'
      WHEN NOT ${content} THEN (CASE WHEN ${onTeam} THEN 'ASSIGNMENT' ELSE 'RECIPIENT' END)
      WHEN ${consented} OR ${referralConsented} THEN 'CONSENT' WHEN ${author} THEN 'AUTHOR'
      WHEN ${brokeGlass} THEN 'BREAK_GLASS' ELSE 'ASSIGNMENT' END`;
  const categories = row.contentRight ? `CASE WHEN ${content} THEN ${recordCategories} ELSE '{}'::text[] END` : recordCategories;
  // The consents named are those of the basis (CONSENT implies the content was read): the data's own
  // categories, else the REFERRAL consent.
  const consentCategories = def.relations.referralConsentedAgencyIds && !fieldRight
    ? `CASE WHEN ${consented} THEN ${recordCategories} ELSE ARRAY['REFERRAL'] END`
    : recordCategories;
  return {
    audit_entity_id: row.entityId,
    audit_family_id: audit.familyId,
    audit_registration_id: audit.registration ?? audit.familyId,
    audit_member_ids: audit.memberIds,
    audit_categories: categories,
    audit_consent_categories: consentCategories,
    audit_basis: basis,
  };
}

/**
 * The source of `readAuditSql` for a statement that reads several kinds of record: each level a relation
 * with the audit columns and `audit_row` (its order), `entityType` what the audit calls its records; their
 * rows in the order read, level after level. One readAuditSql over it records them all: at most one entry
 * per family for the statement, each level's records their own parts (a compiled plan(id): docs/audit.md).
 */
export function levelsAuditSource(levels: { entityType: string; relation: string }[], param: (value: unknown) => string): string {
  const rows = levels.map(
    ({ entityType, relation }, level) => `SELECT ${level} AS level, s.audit_row AS level_row, ${param(entityType)}::text AS audit_entity_type, s.audit_entity_id,
               s.audit_family_id, s.audit_registration_id, s.audit_member_ids, s.audit_categories, s.audit_consent_categories, s.audit_basis FROM ${relation} s`,
  );
  return `(SELECT row_number() OVER (ORDER BY level, level_row) AS audit_row, audit_entity_type, audit_entity_id, audit_family_id,
               audit_registration_id, audit_member_ids, audit_categories, audit_consent_categories, audit_basis
          FROM (${rows.join('\n        UNION ALL ')}) levels)`;
}

/**
 * The read audit of one statement, as the last parts of its WITH (`audit_read`, `audit_part`, `audit`):
 * from `source`, a relation with a row per record read, one INSERT of at most one `audit_event` entry per
 * family. The columns of `source`: `audit_row` (the order read), `audit_entity_type` (what the access log
 * calls the record: 'FamilyMember', 'Goal', …), `audit_entity_id`, `audit_family_id`, `audit_registration_id` (the
 * registration whose family-level consents family data rests on: `audit_family_id` unless merged), `audit_member_ids`
 * (uuid[]: the members the record is about, '{}' for the whole family's data), `audit_categories` (text[]:
 * the categories shown, '{}' when none was), `audit_consent_categories` (text[]: those whose consents are
 * the basis when it is CONSENT) and `audit_basis` (CONSENT, AUTHOR, BREAK_GLASS, FAMILY_SELF, ASSIGNMENT or
 * RECIPIENT). The records read about the same members under the same basis are one part, with their
 * categories and the consents in force for them (each record's consents found with its own categories): a
 * family member is shown a part only if it speaks for all the part's members. An entry of one part has no
 * `parts`: its columns say it all. An entry of several has, in its columns, every record (part after part),
 * member, category and consent of them, in `legal_basis` their basis or SEVERAL, and in `parts` an object
 * per part that names them by their position in those columns, to keep the entry small (docs/audit.md):
 * `records` (how many of `entity_ids`, after those of the parts before), `members`, `categories`, `consents`
 * (positions from 1 in `member_ids`, `categories`, `consent_ids`), `basis`, and `type` when the part's kind
 * of record is not the entry's `entity_type`. `param` adds a value to the statement and answers its
 * placeholder. A statement that reads several kinds of record records them all by one call over
 * `levelsAuditSource` (an inbox page: its items about each kind of record a level). The only SQL that writes read
 * audit entries: PersonalReader and any statement compiled for a read build on it, so that every path
 * writes the same entries.
 */
export function readAuditSql(source: string, actor: AuditActor, param: (value: unknown) => string): string {
  const agency = param(actor.agencyId);
  return `audit_read AS (
        SELECT r.audit_row, r.audit_entity_type, r.audit_entity_id, r.audit_family_id, r.audit_member_ids, r.audit_categories, r.audit_basis,
               CASE WHEN r.audit_basis = 'CONSENT' THEN ARRAY(
                   -- Family data by the grants of its registration, a member's data by the member's: each an index probe.
                   SELECT cg.consent_id FROM consent_grant cg WHERE cardinality(r.audit_member_ids) = 0
                      AND ${familyGrant('r.audit_registration_id', 'r.audit_family_id')} AND cg.recipient_agency_id = ${agency}
                      AND cg.category = ANY(r.audit_consent_categories) AND ${GRANT_IN_FORCE}
                   UNION ALL
                   SELECT cg.consent_id FROM consent_grant cg WHERE cg.member_id = ANY(r.audit_member_ids)
                      AND cg.recipient_agency_id = ${agency}
                      AND cg.category = ANY(r.audit_consent_categories) AND ${GRANT_IN_FORCE}) ELSE '{}' END AS audit_consent_ids
          FROM ${source} r
      ),
      audit_part AS (
        SELECT audit_family_id AS family_id, audit_entity_type AS entity_type, audit_member_ids AS members, audit_basis AS basis,
               min(audit_row) AS first_row, array_agg(audit_entity_id ORDER BY audit_row) AS records,
               ${union('audit_categories')} AS categories, ${union('audit_consent_ids')} AS consents
          FROM audit_read GROUP BY audit_family_id, audit_entity_type, audit_member_ids, audit_basis
      ),
      audit_entry AS (
        SELECT family_id, (array_agg(entity_type ORDER BY first_row))[1] AS entity_type, array_cat_agg(records ORDER BY first_row) AS records,
               ${union('members')} AS members, ${union('categories')} AS categories, ${union('consents')} AS consents,
               CASE WHEN count(DISTINCT basis) = 1 THEN min(basis) ELSE 'SEVERAL' END AS basis, count(*) AS parts
          FROM audit_part GROUP BY family_id
      ),
      audit AS (
        INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                                 entity_type, entity_ids, family_id, member_ids, categories, legal_basis, consent_ids, parts)
        SELECT a->>'requestId', a->>'subject', (a->>'userId')::uuid, (a->>'memberId')::uuid, (a->>'agencyId')::uuid, 'READ',
               x.entity_type, x.records, x.family_id, x.members, x.categories, x.basis, x.consents,
               CASE WHEN x.parts > 1 THEN (
                 SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('type', nullif(p.entity_type, x.entity_type), 'records', cardinality(p.records),
                          'members', ${positions('p.members', 'x.members')}, 'basis', p.basis,
                          'categories', ${positions('p.categories', 'x.categories')}, 'consents', ${positions('p.consents', 'x.consents')})) ORDER BY p.first_row)
                   FROM audit_part p WHERE p.family_id IS NOT DISTINCT FROM x.family_id) END
          FROM audit_entry x, (SELECT ${param(JSON.stringify(actor))}::jsonb AS a) actor
      )`;
}
