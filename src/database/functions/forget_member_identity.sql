-- Trigger function (AFTER UPDATE OF erased_at ON family_member, see triggers/forget_member_identity.sql): an
-- erased member can no longer be found, by number or by name: her keyed hashes go with her data. When the
-- family's last member is erased, the messages of requests to join its team go too (they were about it).
-- Rule: the right to erasure (docs/retention.md; docs/family-identity.md).
CREATE OR REPLACE FUNCTION forget_member_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM family_member_identity WHERE member_id = NEW.id;
  IF NOT EXISTS (SELECT 1 FROM family_member WHERE family_id = NEW.family_id AND erased_at IS NULL) THEN
    UPDATE team_participation_request SET message = NULL WHERE family_id = NEW.family_id AND message IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
