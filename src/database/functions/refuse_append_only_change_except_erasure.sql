-- Trigger function (BEFORE UPDATE of an append-only table that holds personal text): refused, except by
-- erasure (app.erasure on, set by erase_personal_data for its own statements) changing nothing but the
-- columns named as the trigger's arguments; or by a merge of two families (app.family_merge on, set by
-- the owner's re-pointing statement, migration FamilyMerge) changing nothing but the row's family_id; or by
-- a merge of two members that are the same person (member_merge_change).
-- Rule: append-only, and yet erasable (docs/retention.md).
CREATE OR REPLACE FUNCTION refuse_append_only_change_except_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('app.erasure', true) = 'on'
     AND to_jsonb(NEW) - TG_ARGV = to_jsonb(OLD) - TG_ARGV THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND current_setting('app.family_merge', true) = 'on'
     AND to_jsonb(NEW) - 'family_id' = to_jsonb(OLD) - 'family_id' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND member_merge_change(TG_TABLE_NAME, to_jsonb(OLD), to_jsonb(NEW)) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
