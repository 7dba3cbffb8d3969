import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A token subject is one kind of principal for good: a professional (app_user), a family member's portal
 * login, or a platform admin (integration clients have tokens of their own issuer and no subject here).
 * `subject_identity` holds one row per subject ever seen, append-only, keyed by a digest so that an erased
 * portal login leaves no readable trace; app_user and family_member claim their subject's kind by trigger
 * and reference it with a fixed kind, so the database refuses a second kind whatever the service does.
 *
 * Memberships across agencies and portal logins are then given by invitation: `membership_invitation` (an
 * existing subject joins another agency only by accepting) and `portal_invitation` (a one-time code that
 * the member redeems with her own login; stored as a digest). `portal_login_ended` records an unlinking,
 * so that the family sees it in its access log.
 */
export class OneKindPerSubject1765900000000 implements MigrationInterface {
  name = 'OneKindPerSubject1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      SELECT set_config('app.actor_subject', 'migration:OneKindPerSubject', true),
             set_config('app.legal_basis', 'ADMINISTRATION', true);

      CREATE FUNCTION subject_digest(subject text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT encode(sha256(convert_to(subject, 'UTF8')), 'hex')
      $$;

      CREATE TABLE subject_identity (
        digest text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('PROFESSIONAL', 'FAMILY_MEMBER', 'PLATFORM_ADMIN')),
        claimed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (digest, kind)
      );
      CREATE TRIGGER subject_identity_append_only BEFORE UPDATE OR DELETE ON subject_identity
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER subject_identity_no_truncate BEFORE TRUNCATE ON subject_identity
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER subject_identity_audit AFTER INSERT OR UPDATE OR DELETE ON subject_identity
        FOR EACH ROW EXECUTE FUNCTION audit_write();

      -- Before this migration a portal login could also be made a user (the take-over this closes): such a
      -- subject stays the professional it already acts as, and the member's portal link ends.
      UPDATE family_member SET portal_subject = NULL WHERE portal_subject IN (SELECT subject FROM app_user);

      ALTER TABLE app_user
        ADD COLUMN subject_digest text,
        ADD COLUMN subject_kind text NOT NULL DEFAULT 'PROFESSIONAL' CHECK (subject_kind = 'PROFESSIONAL');
      UPDATE app_user SET subject_digest = subject_digest(subject);
      ALTER TABLE app_user ALTER COLUMN subject_digest SET NOT NULL;
      ALTER TABLE family_member
        ADD COLUMN portal_subject_digest text,
        ADD COLUMN portal_subject_kind text NOT NULL DEFAULT 'FAMILY_MEMBER' CHECK (portal_subject_kind = 'FAMILY_MEMBER');
      UPDATE family_member SET portal_subject_digest = subject_digest(portal_subject) WHERE portal_subject IS NOT NULL;

      INSERT INTO subject_identity (digest, kind) SELECT subject_digest, 'PROFESSIONAL' FROM app_user;
      INSERT INTO subject_identity (digest, kind)
        SELECT portal_subject_digest, 'FAMILY_MEMBER' FROM family_member WHERE portal_subject_digest IS NOT NULL;

      ALTER TABLE app_user ADD CONSTRAINT app_user_subject_kind_fk
        FOREIGN KEY (subject_digest, subject_kind) REFERENCES subject_identity (digest, kind);
      ALTER TABLE family_member ADD CONSTRAINT family_member_portal_subject_kind_fk
        FOREIGN KEY (portal_subject_digest, portal_subject_kind) REFERENCES subject_identity (digest, kind);

      -- Each row claims its subject's kind: the first claim wins, a later claim of another kind fails the foreign key.
      CREATE FUNCTION app_user_claims_subject() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.subject_digest := subject_digest(NEW.subject);
        INSERT INTO subject_identity (digest, kind) VALUES (NEW.subject_digest, 'PROFESSIONAL') ON CONFLICT DO NOTHING;
        RETURN NEW;
      END $$;
      CREATE TRIGGER app_user_claims_subject BEFORE INSERT OR UPDATE OF subject, subject_digest ON app_user
        FOR EACH ROW EXECUTE FUNCTION app_user_claims_subject();

      CREATE FUNCTION family_member_claims_portal_subject() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.portal_subject_digest := subject_digest(NEW.portal_subject);
        IF NEW.portal_subject_digest IS NOT NULL THEN
          INSERT INTO subject_identity (digest, kind) VALUES (NEW.portal_subject_digest, 'FAMILY_MEMBER') ON CONFLICT DO NOTHING;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER family_member_claims_portal_subject BEFORE INSERT OR UPDATE OF portal_subject, portal_subject_digest
        ON family_member FOR EACH ROW EXECUTE FUNCTION family_member_claims_portal_subject();

      CREATE TABLE membership_invitation (
        id uuid PRIMARY KEY,
        agency_id uuid NOT NULL REFERENCES agency (id),
        -- Who may accept: the invitee's login is not stored, only its digest.
        subject_digest text NOT NULL,
        role text NOT NULL,
        display_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        membership_id uuid REFERENCES membership (id) ON DELETE SET NULL
      );
      CREATE INDEX membership_invitation_invitee_idx ON membership_invitation (subject_digest) WHERE accepted_at IS NULL;
      CREATE TRIGGER membership_invitation_audit AFTER INSERT OR UPDATE OR DELETE ON membership_invitation
        FOR EACH ROW EXECUTE FUNCTION audit_write();

      CREATE TABLE portal_invitation (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family (id),
        member_id uuid NOT NULL REFERENCES family_member (id),
        code_digest text NOT NULL UNIQUE,
        created_by_user_id uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        redeemed_at timestamptz,
        withdrawn_at timestamptz,
        CHECK (redeemed_at IS NULL OR withdrawn_at IS NULL)
      );
      CREATE INDEX portal_invitation_open_idx ON portal_invitation (member_id) WHERE redeemed_at IS NULL AND withdrawn_at IS NULL;
      CREATE TRIGGER portal_invitation_audit AFTER INSERT OR UPDATE OR DELETE ON portal_invitation
        FOR EACH ROW EXECUTE FUNCTION audit_write();

      CREATE TABLE portal_login_ended (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family (id),
        member_id uuid NOT NULL REFERENCES family_member (id),
        -- Null when the member ended her own login.
        ended_by_user_id uuid REFERENCES app_user (id),
        ended_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TRIGGER portal_login_ended_append_only BEFORE UPDATE OR DELETE ON portal_login_ended
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER portal_login_ended_no_truncate BEFORE TRUNCATE ON portal_login_ended
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER portal_login_ended_audit AFTER INSERT OR UPDATE OR DELETE ON portal_login_ended
        FOR EACH ROW EXECUTE FUNCTION audit_write();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE portal_login_ended, portal_invitation, membership_invitation;
      DROP TRIGGER family_member_claims_portal_subject ON family_member;
      DROP FUNCTION family_member_claims_portal_subject();
      DROP TRIGGER app_user_claims_subject ON app_user;
      DROP FUNCTION app_user_claims_subject();
      ALTER TABLE family_member DROP COLUMN portal_subject_digest, DROP COLUMN portal_subject_kind;
      ALTER TABLE app_user DROP COLUMN subject_digest, DROP COLUMN subject_kind;
      DROP TABLE subject_identity;
      DROP FUNCTION subject_digest(text);
    `);
  }
}
