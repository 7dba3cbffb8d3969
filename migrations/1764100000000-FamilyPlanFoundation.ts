import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation: tenancy (networks, agencies), people (users, memberships, case assignments),
 * families and their one shared plan (supporters, team, goals, actions, notes, history).
 * Enumerations are text + CHECK so that adding a value is a small, reviewable migration.
 */
export class FamilyPlanFoundation1764100000000 implements MigrationInterface {
  name = 'FamilyPlanFoundation1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE network (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agency (
        id uuid PRIMARY KEY,
        network_id uuid NOT NULL REFERENCES network(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('CHILD_AND_FAMILY','CHILD_WELFARE','SCHOOL_GUIDANCE',
          'PUBLIC_SOCIAL_SERVICE','GENERAL_WELFARE','MENTAL_HEALTH','CHILDCARE','VOLUNTEER_ORGANISATION',
          'EDUCATION','HEALTH','OTHER')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (network_id, name)
      );
      CREATE INDEX agency_network_idx ON agency (network_id, id);

      CREATE TABLE app_user (
        id uuid PRIMARY KEY,
        subject text NOT NULL UNIQUE,
        display_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE membership (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES app_user(id),
        agency_id uuid NOT NULL REFERENCES agency(id),
        role text NOT NULL CHECK (role IN ('CASEWORKER','VOLUNTEER','AGENCY_ADMIN','NETWORK_COORDINATOR')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, agency_id, role)
      );
      CREATE INDEX membership_agency_idx ON membership (agency_id, id);

      CREATE TABLE family (
        id uuid PRIMARY KEY,
        network_id uuid NOT NULL REFERENCES network(id),
        registered_by_agency_id uuid NOT NULL REFERENCES agency(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX family_network_idx ON family (network_id, id);

      CREATE TABLE family_member (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        role text NOT NULL CHECK (role IN ('PARENT','CHILD','OTHER_CAREGIVER','UNBORN')),
        given_name text NOT NULL,
        family_name text NOT NULL,
        birth_date date,
        expected_date date,
        email text,
        phone text,
        preferred_language text,
        portal_subject text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (role = 'UNBORN' OR birth_date IS NOT NULL)
      );
      CREATE INDEX family_member_family_idx ON family_member (family_id, id);

      -- Need to know: being in an agency is not enough, a caseworker is assigned to the family.
      CREATE TABLE case_assignment (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        user_id uuid NOT NULL REFERENCES app_user(id),
        agency_id uuid NOT NULL REFERENCES agency(id),
        assigned_by_user_id uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      );
      CREATE UNIQUE INDEX case_assignment_open_uq ON case_assignment (family_id, user_id, agency_id) WHERE ended_at IS NULL;
      CREATE INDEX case_assignment_user_idx ON case_assignment (user_id, family_id) WHERE ended_at IS NULL;

      CREATE TABLE plan (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        generation integer NOT NULL DEFAULT 1,
        previous_plan_id uuid REFERENCES plan(id),
        status text NOT NULL CHECK (status IN ('DRAFT','ACTIVE','CLOSED')),
        summary text NOT NULL,
        strengths text,
        close_reason text,
        closed_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'CLOSED') = (close_reason IS NOT NULL AND closed_at IS NOT NULL))
      );
      -- One family, one plan: at most one open plan per family, enforced by the database.
      CREATE UNIQUE INDEX plan_one_open_per_family_uq ON plan (family_id) WHERE status <> 'CLOSED';
      CREATE INDEX plan_family_idx ON plan (family_id, id);

      -- CURRENT is the supporter; INCOMING is the one taking over until the family confirms.
      CREATE TABLE trajectory_supporter (
        id uuid PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES plan(id),
        user_id uuid NOT NULL REFERENCES app_user(id),
        agency_id uuid NOT NULL REFERENCES agency(id),
        state text NOT NULL CHECK (state IN ('CURRENT','INCOMING','ENDED')),
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        family_confirmation text
      );
      CREATE UNIQUE INDEX trajectory_supporter_current_uq ON trajectory_supporter (plan_id) WHERE state = 'CURRENT';
      CREATE UNIQUE INDEX trajectory_supporter_incoming_uq ON trajectory_supporter (plan_id) WHERE state = 'INCOMING';
      CREATE INDEX trajectory_supporter_user_idx ON trajectory_supporter (user_id, plan_id) WHERE state <> 'ENDED';

      CREATE TABLE plan_participant (
        id uuid PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES plan(id),
        agency_id uuid NOT NULL REFERENCES agency(id),
        contribution text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      );
      CREATE UNIQUE INDEX plan_participant_active_uq ON plan_participant (plan_id, agency_id) WHERE removed_at IS NULL;

      CREATE TABLE goal (
        id uuid PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES plan(id),
        life_domain text NOT NULL CHECK (life_domain IN ('PARENTING','HEALTH','EDUCATION','CHILDCARE','HOUSING',
          'INCOME','WORK','LEISURE','SOCIAL_NETWORK','SAFETY','MOBILITY','DIGITAL_INCLUSION')),
        description text NOT NULL,
        owner_kind text NOT NULL CHECK (owner_kind IN ('FAMILY','AGENCY')),
        owner_agency_id uuid REFERENCES agency(id),
        status text NOT NULL CHECK (status IN ('PROPOSED','ACTIVE','ACHIEVED','DISCONTINUED')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((owner_kind = 'AGENCY') = (owner_agency_id IS NOT NULL))
      );
      CREATE INDEX goal_plan_idx ON goal (plan_id, id);

      CREATE TABLE goal_progress_note (
        id uuid PRIMARY KEY,
        goal_id uuid NOT NULL REFERENCES goal(id),
        body text NOT NULL,
        author_user_id uuid NOT NULL REFERENCES app_user(id),
        author_agency_id uuid NOT NULL REFERENCES agency(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX goal_progress_note_goal_idx ON goal_progress_note (goal_id, id);

      CREATE TABLE action (
        id uuid PRIMARY KEY,
        goal_id uuid NOT NULL REFERENCES goal(id),
        title text NOT NULL,
        assignee_user_id uuid REFERENCES app_user(id),
        assignee_member_id uuid REFERENCES family_member(id),
        due_date date,
        status text NOT NULL CHECK (status IN ('OPEN','DONE','CANCELLED')),
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(assignee_user_id, assignee_member_id) = 1)
      );
      CREATE INDEX action_goal_idx ON action (goal_id, id);

      CREATE TABLE note (
        id uuid PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES plan(id),
        category text NOT NULL CHECK (category IN ('IDENTITY','CONTACT','PLAN','NOTES','HEALTH','SAFETY','REFERRAL')),
        body text NOT NULL,
        author_user_id uuid NOT NULL REFERENCES app_user(id),
        author_agency_id uuid NOT NULL REFERENCES agency(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX note_plan_idx ON note (plan_id, id);

      CREATE TABLE note_member (
        note_id uuid NOT NULL REFERENCES note(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        PRIMARY KEY (note_id, member_id)
      );

      -- Who changed what on a plan, and when: one row per change, never updated.
      CREATE TABLE plan_history (
        id uuid PRIMARY KEY,
        plan_id uuid NOT NULL REFERENCES plan(id),
        actor_user_id uuid REFERENCES app_user(id),
        acting_agency_id uuid REFERENCES agency(id),
        entity_type text NOT NULL,
        entity_id uuid NOT NULL,
        change text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX plan_history_plan_idx ON plan_history (plan_id, id);

      -- History is evidence: the database itself refuses to rewrite or erase it.
      CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER plan_history_append_only BEFORE UPDATE OR DELETE ON plan_history
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER plan_history_no_truncate BEFORE TRUNCATE ON plan_history
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE plan_history CASCADE;
      DROP FUNCTION refuse_append_only_change();
      DROP TABLE note_member, note, action, goal_progress_note, goal, plan_participant,
        trajectory_supporter, plan, case_assignment, family_member, family, membership, app_user, agency, network;
    `);
  }
}
