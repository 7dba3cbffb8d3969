import pg from 'pg';

/**
 * A connection of the test's own to the test database, for arrange steps and checks in SQL, named as the actor
 * the audit triggers require of every write (a test's own too). Closed by the test (`end`).
 */
export async function fixtureClient(): Promise<pg.Client> {
  const client = new pg.Client(process.env.DATABASE_URL);
  await client.connect();
  await client.query(`SELECT set_config('app.actor_subject', 'test-fixture', false)`);
  return client;
}
