-- Version 3 of an entry's content digest: version 2's columns and `parts` (the parts of a read, since
-- ReadAuditPerFamily), as one JSON array, each value typed and quoted (a NULL is null). The time is the
-- UTC timestamp as JSON writes it (ISO 8601, whatever the session's DateStyle) rather than through
-- `to_char`, the costliest step of version 2. A column added to `audit_event` needs a version 4 that
-- covers it (a test checks that every column is covered).
-- Rule: the audit trail is hash-chained; no rewrite keeps an entry's digest (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_event_digest_v3(e audit_event) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(json_build_array(e.seq, e.at AT TIME ZONE 'UTC',
    e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
    e.entity_id, e.entity_ids, e.family_id, e.member_ids, e.categories, e.legal_basis, e.consent_ids, e.parts, e.prev_hash, e.hash)::text, 'UTF8')), 'hex')
$$;
