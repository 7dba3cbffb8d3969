-- Erasing a member erases the values of her recorded changes (functions/family_member_changes_erased.sql).
CREATE TRIGGER family_member_changes_erased AFTER UPDATE OF erased_at ON family_member
  FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL)
  EXECUTE FUNCTION family_member_changes_erased();
