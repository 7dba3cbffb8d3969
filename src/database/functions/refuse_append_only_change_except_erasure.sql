-- Trigger function (BEFORE UPDATE of an append-only table that holds personal text): refused, except by
-- erasure (app.erasure on, set by erase_personal_data for its own statements) changing nothing but the
-- columns named as the trigger's arguments.
-- Rule: append-only, and yet erasable (docs/retention.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change_except_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('app.erasure', true) = 'on'
     AND to_jsonb(NEW) - TG_ARGV = to_jsonb(OLD) - TG_ARGV THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
