-- Every write to these tables is audited by the database, in the writing transaction (functions/audit_write.sql).
-- A new table with personal or administrative data gets its trigger here and in its migration; the family's
-- access log needs words for it too (src/portal/access-log-wording.ts, checked by a test).
-- Rule: every write is audited in the same transaction (docs/audit.md).
CREATE TRIGGER network_audit AFTER INSERT OR UPDATE OR DELETE ON network FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER agency_audit AFTER INSERT OR UPDATE OR DELETE ON agency FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER agency_service_area_audit AFTER INSERT OR UPDATE OR DELETE ON agency_service_area FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER app_user_audit AFTER INSERT OR UPDATE OR DELETE ON app_user FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER membership_audit AFTER INSERT OR UPDATE OR DELETE ON membership FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER subject_identity_audit AFTER INSERT OR UPDATE OR DELETE ON subject_identity FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER membership_invitation_audit AFTER INSERT OR UPDATE OR DELETE ON membership_invitation FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_audit AFTER INSERT OR UPDATE OR DELETE ON family FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_merge_audit AFTER INSERT OR UPDATE OR DELETE ON family_merge FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_member_audit AFTER INSERT OR UPDATE OR DELETE ON family_member FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_move_audit AFTER INSERT OR UPDATE OR DELETE ON family_move FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_member_change_audit AFTER INSERT OR UPDATE OR DELETE ON family_member_change FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER member_correction_request_audit AFTER INSERT OR UPDATE OR DELETE ON member_correction_request FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER case_assignment_audit AFTER INSERT OR UPDATE OR DELETE ON case_assignment FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER plan_audit AFTER INSERT OR UPDATE OR DELETE ON plan FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER trajectory_supporter_audit AFTER INSERT OR UPDATE OR DELETE ON trajectory_supporter FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER plan_participant_audit AFTER INSERT OR UPDATE OR DELETE ON plan_participant FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER plan_closure_agreement_audit AFTER INSERT OR UPDATE OR DELETE ON plan_closure_agreement FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER plan_history_audit AFTER INSERT OR UPDATE OR DELETE ON plan_history FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER goal_audit AFTER INSERT OR UPDATE OR DELETE ON goal FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER goal_member_audit AFTER INSERT OR UPDATE OR DELETE ON goal_member FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER goal_progress_note_audit AFTER INSERT OR UPDATE OR DELETE ON goal_progress_note FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER action_audit AFTER INSERT OR UPDATE OR DELETE ON action FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER note_audit AFTER INSERT OR UPDATE OR DELETE ON note FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER note_member_audit AFTER INSERT OR UPDATE OR DELETE ON note_member FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER consent_audit AFTER INSERT OR UPDATE OR DELETE ON consent FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER consent_subject_audit AFTER INSERT OR UPDATE OR DELETE ON consent_subject FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER consent_revocation_audit AFTER INSERT OR UPDATE OR DELETE ON consent_revocation FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER consent_confirmation_audit AFTER INSERT OR UPDATE OR DELETE ON consent_confirmation FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER capacity_assessment_audit AFTER INSERT OR UPDATE OR DELETE ON capacity_assessment FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER break_glass_grant_audit AFTER INSERT OR UPDATE OR DELETE ON break_glass_grant FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER break_glass_revocation_audit AFTER INSERT OR UPDATE OR DELETE ON break_glass_revocation FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER portal_invitation_audit AFTER INSERT OR UPDATE OR DELETE ON portal_invitation FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER portal_login_ended_audit AFTER INSERT OR UPDATE OR DELETE ON portal_login_ended FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER erasure_request_audit AFTER INSERT OR UPDATE OR DELETE ON erasure_request FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER referral_audit AFTER INSERT OR UPDATE OR DELETE ON referral FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER referral_member_audit AFTER INSERT OR UPDATE OR DELETE ON referral_member FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER referral_transition_audit AFTER INSERT OR UPDATE OR DELETE ON referral_transition FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER handover_meeting_audit AFTER INSERT OR UPDATE OR DELETE ON handover_meeting FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER integration_client_audit AFTER INSERT OR UPDATE OR DELETE ON integration_client FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER notification_channel_audit AFTER INSERT OR UPDATE OR DELETE ON notification_channel FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_member_identity_audit AFTER UPDATE OR DELETE ON family_member_identity FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER family_lookup_audit AFTER INSERT OR UPDATE OR DELETE ON family_lookup FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER team_participation_request_audit AFTER INSERT OR UPDATE OR DELETE ON team_participation_request FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER directory_service_audit AFTER INSERT OR UPDATE OR DELETE ON directory_service FOR EACH ROW EXECUTE FUNCTION audit_write();
