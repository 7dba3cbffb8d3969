-- A portal login claims its token subject as a family member (functions/family_member_claims_portal_subject.sql).
CREATE TRIGGER family_member_claims_portal_subject BEFORE INSERT OR UPDATE OF portal_subject, portal_subject_digest
  ON family_member FOR EACH ROW EXECUTE FUNCTION family_member_claims_portal_subject();
