-- Version 2 of an entry's content digest: every column, in this order, as one JSON array: each value typed
-- and quoted (a NULL is null), so no value can move to another column, or across a separator, without
-- changing the text. Links made since ReadAuditPerFamily use version 3, which also covers `parts`.
-- Rule: the audit trail is hash-chained; no rewrite keeps an entry's digest (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_event_digest_v2(e audit_event) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(json_build_array(e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
    e.entity_id, e.entity_ids, e.family_id, e.member_ids, e.categories, e.legal_basis, e.consent_ids, e.prev_hash, e.hash)::text, 'UTF8')), 'hex')
$$;
