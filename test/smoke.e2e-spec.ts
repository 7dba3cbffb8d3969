import pg from 'pg';
it('connects', async () => {
  const c = new pg.Client(process.env.DATABASE_URL);
  await c.connect();
  const r = await c.query('select version()');
  expect(r.rows[0].version).toContain('PostgreSQL');
  await c.end();
});
