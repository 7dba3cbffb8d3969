-- The hash of one link of the audit chain: the previous link's hash and the digests of the entries it
-- links.
-- Rule: the audit trail is hash-chained (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_link_hash(prev text, digests text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(coalesce(prev, 'GENESIS') || '|' || array_to_string(digests, ','), 'UTF8')), 'hex')
$$;
