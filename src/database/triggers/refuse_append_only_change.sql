-- Append-only tables: the database refuses to rewrite or remove their rows (functions/refuse_append_only_change.sql).
-- Those that hold personal text refuse DELETE here and UPDATE except by erasure
-- (triggers/refuse_append_only_change_except_erasure.sql); the others refuse UPDATE and DELETE here.
-- Rule: consents are events, never changed or removed; history and the audit trail are evidence
-- (docs/consent-and-portal.md, "Consents"; docs/audit.md; docs/retention.md).
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_subject_append_only BEFORE UPDATE OR DELETE ON consent_subject FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER break_glass_revocation_append_only BEFORE UPDATE OR DELETE ON break_glass_revocation FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER plan_closure_agreement_append_only BEFORE UPDATE OR DELETE ON plan_closure_agreement FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER referral_member_append_only BEFORE UPDATE OR DELETE ON referral_member FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER subject_identity_append_only BEFORE UPDATE OR DELETE ON subject_identity FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER portal_login_ended_append_only BEFORE UPDATE OR DELETE ON portal_login_ended FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER webhook_attempt_append_only BEFORE UPDATE OR DELETE ON webhook_attempt FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();

-- Erasable: UPDATE is refused by the erasure-only trigger instead.
CREATE TRIGGER plan_history_append_only BEFORE DELETE ON plan_history FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_append_only BEFORE DELETE ON consent FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_revocation_append_only BEFORE DELETE ON consent_revocation FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_confirmation_append_only BEFORE DELETE ON consent_confirmation FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER capacity_assessment_append_only BEFORE DELETE ON capacity_assessment FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER break_glass_grant_append_only BEFORE DELETE ON break_glass_grant FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER referral_transition_append_only BEFORE DELETE ON referral_transition FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER outbox_event_append_only BEFORE DELETE ON outbox_event FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER erasure_request_append_only BEFORE DELETE ON erasure_request FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER family_member_change_append_only BEFORE DELETE ON family_member_change FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();

-- TRUNCATE skips row triggers: refused per statement.
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER plan_history_no_truncate BEFORE TRUNCATE ON plan_history FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_no_truncate BEFORE TRUNCATE ON consent FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_subject_no_truncate BEFORE TRUNCATE ON consent_subject FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_revocation_no_truncate BEFORE TRUNCATE ON consent_revocation FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER consent_confirmation_no_truncate BEFORE TRUNCATE ON consent_confirmation FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER capacity_assessment_no_truncate BEFORE TRUNCATE ON capacity_assessment FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER break_glass_grant_no_truncate BEFORE TRUNCATE ON break_glass_grant FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER break_glass_revocation_no_truncate BEFORE TRUNCATE ON break_glass_revocation FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER plan_closure_agreement_no_truncate BEFORE TRUNCATE ON plan_closure_agreement FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER referral_member_no_truncate BEFORE TRUNCATE ON referral_member FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER referral_transition_no_truncate BEFORE TRUNCATE ON referral_transition FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER erasure_request_no_truncate BEFORE TRUNCATE ON erasure_request FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER subject_identity_no_truncate BEFORE TRUNCATE ON subject_identity FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER portal_login_ended_no_truncate BEFORE TRUNCATE ON portal_login_ended FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER family_member_change_no_truncate BEFORE TRUNCATE ON family_member_change FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
