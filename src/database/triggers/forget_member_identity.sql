-- An erased member's keyed hashes are deleted with her data (functions/forget_member_identity.sql).
-- Rule: the right to erasure (docs/retention.md; docs/family-identity.md).
CREATE TRIGGER family_member_forget_identity AFTER UPDATE OF erased_at ON family_member FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL) EXECUTE FUNCTION forget_member_identity();
