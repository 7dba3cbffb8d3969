import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "An adult parent or other caregiver speaks for a child who cannot decide yet" in one place: the
 * portal's access rule (member_speaks_for), consenting for a child and agreeing to close a plan all call
 * member_represents_children, next to member_is_capable. Until now the service wrote the rule again in
 * its own SQL for the last two.
 */
export class RepresentationRuleOnce1765400000000 implements MigrationInterface {
  name = 'RepresentationRuleOnce1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION member_represents_children(m family_member) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT m.role IN ('PARENT', 'OTHER_CAREGIVER') AND m.birth_date IS NOT NULL
           AND m.birth_date <= (current_date - interval '18 years')::date
      $$;

      CREATE OR REPLACE FUNCTION member_speaks_for(speaker uuid, member uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT speaker = member OR EXISTS (
          SELECT 1 FROM family_member m JOIN family_member s ON s.family_id = m.family_id
           WHERE m.id = member AND s.id = speaker AND NOT member_is_capable(m) AND member_represents_children(s))
      $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION member_speaks_for(speaker uuid, member uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT speaker = member OR EXISTS (
          SELECT 1 FROM family_member m JOIN family_member s ON s.family_id = m.family_id
           WHERE m.id = member AND s.id = speaker AND NOT member_is_capable(m)
             AND s.role IN ('PARENT', 'OTHER_CAREGIVER')
             AND s.birth_date <= (current_date - interval '18 years')::date)
      $$;
      DROP FUNCTION member_represents_children(family_member);
    `);
  }
}
