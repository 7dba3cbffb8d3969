-- Trigger function: refuses UPDATE, DELETE and TRUNCATE of an append-only table (history, consent events,
-- the audit trail and its chain, outbox events, …): evidence that the database itself keeps.
-- Rule: consents are events, never changed or removed; the audit trail is append-only
-- (docs/consent-and-portal.md, "Consents"; docs/audit.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
