-- Trigger function (consent_subject, AFTER UPDATE OF member_id, which only a merge of two members that are
-- the same person makes: member_merge_change): the consent's grants of the merged member end; the member she
-- became gets them only where her own consents already grant that agency that category, so a merge widens no
-- consent. What else the family wants shared it consents to anew, for the member that goes on.
-- Rule: no data is shared without the family's consent (docs/family-merge.md, "Consents do not widen").
CREATE OR REPLACE FUNCTION consent_grant_from_mapped_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from,
                             valid_until, represented_until)
    SELECT g.consent_id, NEW.member_id, g.category, g.family_id, g.recipient_agency_id, g.valid_from, g.valid_until,
           representation_ends(g.consent_id, NEW.member_id)
      FROM consent_grant g
     WHERE g.consent_id = NEW.consent_id AND g.member_id = OLD.member_id AND g.revoked_at IS NULL
       AND EXISTS (SELECT 1 FROM consent_grant own
                    WHERE own.member_id = NEW.member_id AND own.consent_id <> g.consent_id
                      AND own.recipient_agency_id = g.recipient_agency_id AND own.category = g.category
                      AND own.revoked_at IS NULL AND own.valid_from <= now()
                      AND (own.valid_until IS NULL OR own.valid_until > now())
                      AND (own.represented_until IS NULL OR own.represented_until > current_date));
  DELETE FROM consent_grant WHERE consent_id = NEW.consent_id AND member_id = OLD.member_id;
  RETURN NULL;
END $$;
