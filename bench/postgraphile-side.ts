/**
 * The peer a user would pick instead (issue 19): PostGraphile 5 serving the benchmarked reads straight
 * from the bench database, as its own process (PORT, DATABASE_URL), beside the service and the limit side (bench/limit/).
 * It does less than the service: no token check, no principal, no access rule, no audit; every row of
 * the exposed tables is readable by anyone who reaches the port. Its schema is generated from the
 * tables at start (introspection, read only); no watch mode, no schema or table of its own in our
 * database, no mutations.
 *
 * Run it: `npm run build:bench && PORT=3200 DATABASE_URL=… node dist/bench/postgraphile-side.js`; it
 * listens once its GraphQL schema is built, so the first answer on any path means ready.
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import type {} from 'postgraphile';
import { DEFAULT_LEGAL_TIME_ZONE } from '../src/common/calendar.js';

/** The tables the benchmarked reads join; PostGraphile leaves every other table out. */
const EXPOSED_TABLES = new Set(['plan', 'trajectory_supporter', 'app_user', 'plan_participant', 'agency', 'goal', 'action', 'family', 'family_member']);
/** The foreign keys and columns of the plan read that only partial unique indexes cover. */
const PARTIALLY_INDEXED = new Set(['trajectory_supporter_plan_id_fkey', 'plan_participant_plan_id_fkey', 'trajectory_supporter.state', 'plan_participant.removed_at']);

/**
 * `plan(id)` as bench/operations.ts's PLAN_QUERY asks it, in PostGraphile's default (Amber) names aliased
 * to ours: the same columns at the same depth. What differs: the service's one `supporter` (the CURRENT
 * one) is a connection here, filtered by `condition: { state: "CURRENT" }`; the participants still on the
 * plan are `condition: { removedAt: null }`; lists are connections read through `nodes`; status and life
 * domain are strings, not enums; participants, goals and actions are ordered by id, as the service and the
 * limit side order them; goals whose life domain was not consented are not hidden.
 */
export const POSTGRAPHILE_PLAN_QUERY = `query($id: UUID!) { plan: planByRowId(rowId: $id) { id: rowId status summary
  supporter: trajectorySupportersByPlanId(condition: { state: "CURRENT" }) { nodes { user: appUserByUserId { id: rowId displayName } } }
  participants: planParticipantsByPlanId(condition: { removedAt: null }, orderBy: PRIMARY_KEY_ASC) { nodes { contribution agency: agencyByAgencyId { id: rowId name } } }
  goals: goalsByPlanId(orderBy: PRIMARY_KEY_ASC) { nodes { id: rowId description lifeDomain status
    actions: actionsByGoalId(orderBy: PRIMARY_KEY_ASC) { nodes { id: rowId title status dueDate } } } } } }`;

/**
 * `families(first: 50)`: the first 50 families of the whole database with their members. The service
 * pages only the families of the caller's network on whose team the caller is, and only the members
 * whose identity was consented; here every family and every member.
 */
export const POSTGRAPHILE_FAMILIES_QUERY = `{ families: allFamilies(first: 50, orderBy: PRIMARY_KEY_ASC) { edges { node { id: rowId
  members: familyMembersByFamilyId(orderBy: PRIMARY_KEY_ASC) { nodes { id: rowId givenName familyName birthDate } } } } pageInfo { hasNextPage endCursor } } }`;

/**
 * What `npm run bench` needs to drive this side (one of SIDES in bench/service-bench.ts): the compiled
 * script and the path to poll until it answers (`startProcess(script, env, readyPath)`, env with
 * DATABASE_URL), and per benchmarked operation (by the name bench/service-bench.ts gives it) the request of a
 * principal's n-th call (a Side's `call` is `{ principal, ...requests[name](principal, n) }`) and whether
 * an answer is a success: no error and no null root field. The principal's token is sent and ignored.
 */
export const postgraphileSide = {
  script: 'dist/bench/postgraphile-side.js',
  readyPath: '/',
  requests: {
    'plan(id) with team, goals, actions': (p: { planIds: string[] }, n: number) => graphqlPost(POSTGRAPHILE_PLAN_QUERY, { id: p.planIds[n % p.planIds.length] }),
    'families(first: 50)': () => graphqlPost(POSTGRAPHILE_FAMILIES_QUERY, {}),
  } as Record<string, (p: any, n: number) => { method: 'POST'; path: string; body: string }>,
  ok: (body: string): boolean => {
    const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    return !parsed.errors?.length && parsed.data != null && Object.values(parsed.data).every((value) => value != null);
  },
};

function graphqlPost(query: string, variables: Record<string, unknown>) {
  return { method: 'POST' as const, path: '/graphql', body: JSON.stringify({ query, variables }) };
}

/**
 * Amber (PostGraphile's defaults) over the public schema, read only, with the service's and the limit side's pool size.
 * PostGraphile is loaded here, not at the top: the bench and the test import this file for the requests
 * above without loading it.
 */
async function postgraphilePreset(connectionString: string): Promise<GraphileConfig.Preset> {
  const [{ PostGraphileAmberPreset }, { makePgService }, { pgSmartTags }] = await Promise.all([
    import('postgraphile/presets/amber'),
    import('postgraphile/adaptors/pg'),
    import('postgraphile/utils'),
  ]);
  return {
    extends: [PostGraphileAmberPreset],
    plugins: [
      pgSmartTags([
        { kind: 'class', match: (table) => !EXPOSED_TABLES.has(table.relname), tags: { behavior: ['-*'] } },
        { kind: 'class', match: (table) => EXPOSED_TABLES.has(table.relname), tags: { behavior: ['-insert', '-update', '-delete'] } },
        // PostGraphile hides a relation or condition without a plain index on its columns. A plan's CURRENT
        // supporter and active participants are reached through partial unique indexes, which PostgreSQL
        // uses for these conditions and the rule does not count: said indexed here.
        { kind: 'constraint', match: (fk) => PARTIALLY_INDEXED.has(fk.conname), tags: { isIndexed: true } },
        { kind: 'attribute', match: (column) => PARTIALLY_INDEXED.has(`${column.getClass()?.relname}.${column.attname}`), tags: { isIndexed: true } },
      ]),
      // A behaviour the function plugin left out below registers and the connection arguments ask about.
      {
        name: 'BenchFunctionBehaviorsRegistered',
        version: '1.0.0',
        schema: { behaviorRegistry: { add: { 'resource:connection:backwards': { entities: ['pgResource'], description: 'reverse pagination of a function' } } } },
      },
    ],
    pgServices: [
      makePgService({
        connectionString,
        schemas: ['public'],
        pubsub: false,
        // The service's session settings, as the limit side has them.
        poolConfig: { max: 10, application_name: 'gezin1plan-postgraphile', options: `-c TimeZone=${DEFAULT_LEGAL_TIME_ZONE}` },
      }),
    ],
    // No function is exposed (nor introspected: some of ours have types it has no codec for).
    disablePlugins: ['PgProceduresPlugin'],
    grafserv: { graphiql: false, websockets: false },
    grafast: { explain: false },
  };
}

async function main(): Promise<void> {
  // Grafast's own default, said so that it does not print a hint about development mode at start.
  process.env.GRAPHILE_ENV ??= 'production';
  const [{ postgraphile }, { grafserv }] = await Promise.all([import('postgraphile'), import('postgraphile/grafserv/node')]);
  const pgl = postgraphile(await postgraphilePreset(process.env.DATABASE_URL!));
  await pgl.getSchema();
  const server = createServer();
  await pgl.createServ(grafserv).addTo(server);
  server.listen(Number(process.env.PORT ?? 3200), '127.0.0.1', () => console.log('postgraphile ready'));
  process.once('SIGTERM', () => server.close(() => void Promise.resolve(pgl.release()).then(() => process.exit(0))));
}

// Started as a process (not when the bench or a test imports the side's description).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
