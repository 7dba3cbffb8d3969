import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { postgraphileSide } from '../bench/postgraphile-side.js';
import { seedDatabase } from '../bench/seed/seed-database.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { freePort } from './support/free-port.js';

/**
 * The benchmark's PostGraphile side (issue 19), started as `npm run bench` starts it, on a small seeded
 * database: its plan and families queries answer with what the seed wrote, read straight from the tables,
 * and it exposes nothing to write with.
 */

const PLAN = 'plan(id) with team, goals, actions';

let scratch: ScratchDatabase;
let client: pg.Client;
let side: ChildProcess;
let url: string;
let output = '';

async function post(body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  scratch = await scratchDatabase('postgraphile_side');
  const db = await new DataSource(dataSourceOptions(scratch.url)).initialize();
  try {
    await migrate(db);
    await seedDatabase(db, { families: 12, seed: 3 });
  } finally {
    await db.destroy();
  }
  client = new pg.Client(scratch.url);
  await client.connect();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  side = spawn(process.execPath, [postgraphileSide.script], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_URL: scratch.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  side.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  side.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${url}${postgraphileSide.readyPath}`).then((r) => r.status < 500, () => false))) {
    if (side.exitCode !== null || Date.now() > deadline) throw new Error(`The PostGraphile side did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 120_000);

afterAll(async () => {
  side?.kill('SIGTERM');
  await client?.end();
  await scratch?.drop();
});

it('answers plan(id) with the plan, its current supporter, active participants, goals and actions as the seed wrote them', async () => {
  // The plan with the most actions, so that the nesting is really exercised.
  const { rows: [chosen] } = await client.query(`
    SELECT p.id FROM plan p JOIN goal g ON g.plan_id = p.id JOIN action a ON a.goal_id = g.id
     GROUP BY p.id ORDER BY count(DISTINCT g.id) * count(a.id) DESC, p.id LIMIT 1`);
  const { rows: [expected] } = await client.query(
    `SELECT p.id, p.status, p.summary,
       (SELECT json_agg(json_build_object('user', json_build_object('id', u.id, 'displayName', u.display_name)))
          FROM trajectory_supporter s JOIN app_user u ON u.id = s.user_id WHERE s.plan_id = p.id AND s.state = 'CURRENT') AS supporter,
       (SELECT json_agg(json_build_object('contribution', pp.contribution, 'agency', json_build_object('id', a.id, 'name', a.name)) ORDER BY pp.id)
          FROM plan_participant pp JOIN agency a ON a.id = pp.agency_id WHERE pp.plan_id = p.id AND pp.removed_at IS NULL) AS participants,
       (SELECT json_agg(json_build_object('id', g.id, 'description', g.description, 'lifeDomain', g.life_domain, 'status', g.status,
          'actions', (SELECT coalesce(json_agg(json_build_object('id', ac.id, 'title', ac.title, 'status', ac.status, 'dueDate', ac.due_date::text) ORDER BY ac.id), '[]')
                        FROM action ac WHERE ac.goal_id = g.id)) ORDER BY g.id) FROM goal g WHERE g.plan_id = p.id) AS goals
       FROM plan p WHERE p.id = $1`,
    [chosen.id],
  );
  expect(expected.goals.length).toBeGreaterThan(1);
  expect(expected.goals.flatMap((g: { actions: unknown[] }) => g.actions).length).toBeGreaterThan(1);

  const request = postgraphileSide.requests[PLAN]!({ planIds: ['unused', chosen.id] }, 1);
  const { status, text } = await post(request.body);
  expect(status).toBe(200);
  expect(postgraphileSide.ok(text)).toBe(true);
  const plan = JSON.parse(text).data.plan;
  // Lists are connections here: the same objects, one level down under `nodes`.
  expect({
    ...plan,
    supporter: plan.supporter.nodes,
    participants: plan.participants.nodes,
    goals: plan.goals.nodes.map((g: { actions: { nodes: unknown[] } }) => ({ ...g, actions: g.actions.nodes })),
  }).toEqual({ ...expected, supporter: expected.supporter ?? [], participants: expected.participants ?? [] });
});

it('answers a plan id that does not exist with null, which the bench counts as an error', async () => {
  const { status, text } = await post(postgraphileSide.requests[PLAN]!({ planIds: ['00000000-0000-4000-8000-000000000000'] }, 0).body);
  expect(status).toBe(200);
  expect(JSON.parse(text).data.plan).toBeNull();
  expect(postgraphileSide.ok(text)).toBe(false);
});

it('answers families(first: 50) with the first families by id and all their members', async () => {
  const { rows } = await client.query(`
    SELECT f.id, (SELECT json_agg(json_build_object('id', m.id, 'givenName', m.given_name, 'familyName', m.family_name, 'birthDate', m.birth_date::text) ORDER BY m.id)
                    FROM family_member m WHERE m.family_id = f.id) AS members
      FROM family f ORDER BY f.id LIMIT 50`);
  expect(rows).toHaveLength(12);

  const { status, text } = await post(postgraphileSide.requests['families(first: 50)']!({}, 0).body);
  expect(status).toBe(200);
  expect(postgraphileSide.ok(text)).toBe(true);
  const families = JSON.parse(text).data.families;
  expect(families.edges.map((e: { node: { id: string; members: { nodes: unknown[] } } }) => ({ id: e.node.id, members: e.node.members.nodes }))).toEqual(
    rows.map((r) => ({ id: r.id, members: r.members ?? [] })),
  );
  expect(families.pageInfo.hasNextPage).toBe(false);
});

it('exposes no mutation and no table the benchmarked reads do not join', async () => {
  const { text } = await post(JSON.stringify({ query: '{ __schema { mutationType { name } } }' }));
  expect(JSON.parse(text).data.__schema.mutationType).toBeNull();
  const consent = await post(JSON.stringify({ query: '{ allConsentGrants { nodes { rowId } } }' }));
  expect(consent.status).toBe(400);
  expect(JSON.parse(consent.text).errors[0].message).toMatch(/Cannot query field "allConsentGrants"/);
});
