-- Trigger function (family_member, AFTER UPDATE OF erased_at): when a member's personal data is erased
-- (erase_personal_data, app.erasure on), the values her corrections recorded go too, and what her
-- correction requests asked and the reasons of their decline; which fields changed, when and by whom stay
-- (append-only evidence, refuse_append_only_change_except_erasure).
-- Rule: corrections keep their history, and yet the right to erasure holds (docs/family-members.md).
CREATE OR REPLACE FUNCTION family_member_changes_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE family_member_change SET before = '{}', after = '{}'
   WHERE member_id = NEW.id AND (before <> '{}' OR after <> '{}');
  UPDATE member_correction_request SET changes = '{}', decline_reason = CASE WHEN decline_reason IS NOT NULL THEN '[erased]' END
   WHERE member_id = NEW.id OR requested_by_member_id = NEW.id;
  RETURN NULL;
END $$;
