-- Text of the service directory as it is searched: lower case, accents folded ("Parentalité" → "parentalite").
-- unaccent() itself is only STABLE (its dictionary could change), so indexes and the generated search column
-- cannot use it; this wrapper names the dictionary and is IMMUTABLE, which holds as long as unaccent.rules
-- is not edited (after editing it, REINDEX the directory's indexes).
-- Rule: the directory is searched with accents folded, in Dutch and French (docs/directory.md).
CREATE OR REPLACE FUNCTION directory_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$;
