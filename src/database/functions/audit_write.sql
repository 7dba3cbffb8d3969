-- Trigger function (AFTER INSERT OR UPDATE OR DELETE of every domain table, see triggers/audit_write.sql):
-- every write is audited by the database itself, in the writing transaction. The service names the actor
-- per transaction (set_config … is_local, AuditedTransactions); a write without an actor is refused
-- (fail closed).
-- Rule: every write is audited in the same transaction (docs/audit.md).
CREATE OR REPLACE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor text := current_setting('app.actor_subject', true);
  r jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
BEGIN
  IF actor IS NULL OR actor = '' THEN
    RAISE EXCEPTION 'write to % without an audited actor', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                           entity_type, entity_id, family_id, member_ids, legal_basis)
  VALUES (nullif(current_setting('app.request_id', true), ''), actor,
          nullif(current_setting('app.actor_user_id', true), '')::uuid,
          nullif(current_setting('app.actor_member_id', true), '')::uuid,
          nullif(current_setting('app.acting_agency_id', true), '')::uuid,
          TG_OP, TG_TABLE_NAME,
          COALESCE(r->>'id', r->>'consent_id', r->>'note_id', r->>'grant_id')::uuid,
          audit_family_of(TG_TABLE_NAME, r),
          CASE WHEN r ? 'member_id' THEN ARRAY[(r->>'member_id')::uuid] ELSE '{}' END,
          COALESCE(nullif(current_setting('app.legal_basis', true), ''), 'ASSIGNMENT'));
  RETURN NULL;
END $$;
