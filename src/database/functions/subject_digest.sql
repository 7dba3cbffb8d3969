-- The digest by which a token subject is kept in `subject_identity` (so that an erased portal login
-- leaves no readable trace) and looked up.
-- Rule: identities never change kind (docs/domain.md, "Principals"; docs/api.md, "Tokens").
CREATE OR REPLACE FUNCTION subject_digest(subject text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT encode(sha256(convert_to(subject, 'UTF8')), 'hex')
$$;
