import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PrincipalService } from '../src/auth/principal.service.js';
import { defineAbilityFor, type PolicyAction } from '../src/policy/ability.factory.js';
import { PolicyService } from '../src/policy/policy.service.js';
import { scopeToSql, SqlParams } from '../src/policy/sql-scope.js';
import { SUBJECTS, type SubjectName } from '../src/policy/subjects.js';
import { PLATFORM_ADMIN, TestApi } from './support/test-app.js';
import { parent, World } from './support/world.js';

/**
 * The policy decides twice: in memory (CASL `ability.can` on one record's attributes) and in SQL
 * (the predicate that filters lists). For every principal, subject, action and record of a small
 * world, both must agree — otherwise a list could show what a single read refuses, or the reverse.
 */
describe('policy: ability.can and the SQL predicate agree', () => {
  let api: TestApi;
  let world: World;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  it('on every record of a world with all roles', async () => {
    const network = await world.network();
    const agency = await world.agency(network);
    const volunteers = await world.agency(network, 'VOLUNTEER_ORGANISATION');
    const assigned = await world.staff(agency);
    const unassigned = await world.staff(agency);
    const volunteer = await world.staff(volunteers, 'VOLUNTEER');
    const otherNetworkWorker = await world.staff(await world.agency(await world.network()));

    // The volunteer works with the family through its agency's place on the plan team.
    const { familyId, planId } = await world.familyWithPlan(assigned, {
      members: [parent('An', 'Claes', '1988-01-01')],
      summary: 'Rust',
      supporter: assigned,
      participants: [{ agencyId: volunteers.id, contribution: 'Thuisbezoek' }],
      assign: { admin: volunteers.admin, userIds: [volunteer.userId] },
    });

    const db = api.app.get(DataSource);
    const goalId = randomUUID();
    await db.query(
      `INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, status) VALUES ($1, $2, 'HOUSING', 'Een woning', 'FAMILY', 'ACTIVE')`,
      [goalId, planId],
    );
    await db.query(
      `INSERT INTO action (id, goal_id, title, assignee_user_id, status) VALUES ($1, $2, 'Bellen', $3, 'OPEN'), ($4, $2, 'Mailen', $5, 'OPEN')`,
      [randomUUID(), goalId, volunteer.userId, randomUUID(), assigned.userId],
    );
    for (const category of ['PLAN', 'HEALTH', 'SAFETY', 'NOTES']) {
      await db.query(
        `INSERT INTO note (id, plan_id, category, body, author_user_id, author_agency_id) VALUES ($1, $2, $3, 'x', $4, $5)`,
        [randomUUID(), planId, category, assigned.userId, agency.id],
      );
    }

    const networkIds = [network.id];
    const records: Record<SubjectName, string[]> = {
      Network: networkIds,
      Agency: (await db.query(`SELECT id FROM agency WHERE network_id = ANY($1)`, [networkIds])).map((r: { id: string }) => r.id),
      Membership: (await db.query(`SELECT m.id FROM membership m JOIN agency a ON a.id = m.agency_id WHERE a.network_id = ANY($1)`, [networkIds])).map(
        (r: { id: string }) => r.id,
      ),
      CaseAssignment: (await db.query(`SELECT id FROM case_assignment WHERE family_id = $1`, [familyId])).map((r: { id: string }) => r.id),
      Family: [familyId],
      Plan: [planId],
      Goal: [goalId],
      Action: (await db.query(`SELECT id FROM action WHERE goal_id = $1`, [goalId])).map((r: { id: string }) => r.id),
      Note: (await db.query(`SELECT id FROM note WHERE plan_id = $1`, [planId])).map((r: { id: string }) => r.id),
    };

    const principals = await Promise.all(
      [
        PLATFORM_ADMIN,
        network.coordinator.subject,
        agency.admin.subject,
        assigned.subject,
        unassigned.subject,
        volunteer.subject,
        otherNetworkWorker.subject,
      ].map((subject) => api.app.get(PrincipalService).resolve(subject, undefined)),
    );
    const policy = api.app.get(PolicyService);
    const actions: PolicyAction[] = ['read', 'update', 'coordinate', 'confirmHandover', 'create'];
    let allowed = 0;
    let checked = 0;
    for (const principal of principals) {
      const ability = defineAbilityFor(principal);
      for (const [subject, ids] of Object.entries(records) as [SubjectName, string[]][]) {
        const def = SUBJECTS[subject];
        for (const action of actions) {
          const params = new SqlParams();
          const where = scopeToSql(ability, action, subject, params);
          const joins = def.joins.map((j) => `JOIN ${j.table} ${j.alias} ON ${j.on}`).join(' ');
          const sql = `SELECT ${def.alias}.id FROM ${def.table} ${def.alias} ${joins} WHERE ${def.alias}.id = ANY(${params.add(ids)}) AND ${where}`;
          const [query, values] = db.driver.escapeQueryWithParameters(sql, params.values);
          const inSql = new Set((await db.query(query, values)).map((r: { id: string }) => r.id));
          for (const id of ids) {
            const attributes = (await policy.attributesOf(db.manager, subject, id))!;
            const inMemory = policy.can(ability, action, subject, attributes);
            expect({ who: principal.subject, subject, action, id, allowed: inSql.has(id) }).toEqual({
              who: principal.subject,
              subject,
              action,
              id,
              allowed: inMemory,
            });
            checked++;
            if (inMemory) allowed++;
          }
        }
      }
    }
    // The world is rich enough to exercise both answers.
    expect(allowed).toBeGreaterThan(20);
    expect(checked - allowed).toBeGreaterThan(100);
  });
});
