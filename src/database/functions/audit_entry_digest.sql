-- An entry's content digest (without a predecessor) in the version its link names
-- (`audit_chain.digest_version`): what the chainer records and `audit:verify` recomputes.
-- Rule: the audit trail is hash-chained (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_entry_digest(e audit_event, version integer) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE version WHEN 1 THEN audit_event_digest(e, NULL) WHEN 2 THEN audit_event_digest_v2(e) WHEN 3 THEN audit_event_digest_v3(e) END
$$;
