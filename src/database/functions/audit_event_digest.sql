-- Version 1 of an entry's content digest, chained to the previous entry's hash: the chain of the entries
-- written before the chain left the request path, and the links made before AuditDigestUnambiguous
-- (`audit_chain.digest_version` 1), still verify with it. `concat_ws` skips NULLs: entries without
-- `entity_ids` digest as before that column existed. New links use audit_event_digest_v2.
-- Rule: the audit trail is hash-chained (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_event_digest(e audit_event, prev text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
    e.entity_id, array_to_string(e.entity_ids, ','), e.family_id, array_to_string(e.member_ids, ','),
    array_to_string(e.categories, ','), e.legal_basis, array_to_string(e.consent_ids, ','), coalesce(prev, 'GENESIS')), 'UTF8')), 'hex')
$$;
