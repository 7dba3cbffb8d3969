-- Append-only tables that hold personal text: UPDATE only by erasure, of the columns named here
-- (functions/refuse_append_only_change_except_erasure.sql); DELETE and TRUNCATE stay refused
-- (triggers/refuse_append_only_change.sql). The columns are the personal ones of docs/retention.md.
-- Rule: append-only, and yet erasable (docs/retention.md).
CREATE TRIGGER plan_history_erasure_only BEFORE UPDATE ON plan_history
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('details');
CREATE TRIGGER consent_erasure_only BEFORE UPDATE ON consent
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('purpose', 'evidence_reference');
CREATE TRIGGER consent_revocation_erasure_only BEFORE UPDATE ON consent_revocation
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('reason');
CREATE TRIGGER consent_confirmation_erasure_only BEFORE UPDATE ON consent_confirmation
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('evidence_reference');
CREATE TRIGGER capacity_assessment_erasure_only BEFORE UPDATE ON capacity_assessment
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('reason');
CREATE TRIGGER break_glass_grant_erasure_only BEFORE UPDATE ON break_glass_grant
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('justification');
CREATE TRIGGER referral_transition_erasure_only BEFORE UPDATE ON referral_transition
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('reason');
CREATE TRIGGER outbox_event_erasure_only BEFORE UPDATE ON outbox_event
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('body');
CREATE TRIGGER erasure_request_erasure_only BEFORE UPDATE ON erasure_request
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('reason');
CREATE TRIGGER family_member_change_erasure_only BEFORE UPDATE ON family_member_change
  FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure('before', 'after');
