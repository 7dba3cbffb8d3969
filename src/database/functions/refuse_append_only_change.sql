-- Trigger function: refuses UPDATE, DELETE and TRUNCATE of an append-only table (history, consent events,
-- the audit trail and its chain, outbox events, …): evidence that the database itself keeps. Only the
-- re-pointing of a merge of two members that are the same person passes (member_merge_change).
-- Rule: consents are events, never changed or removed; the audit trail is append-only
-- (docs/consent-and-portal.md, "Consents"; docs/audit.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND member_merge_change(TG_TABLE_NAME, to_jsonb(OLD), to_jsonb(NEW)) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
