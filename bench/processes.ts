/** The benchmarks' child processes and the CPU time they and PostgreSQL use (Linux /proc). */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { rowsOf, type Sql } from '../src/audit/audit-chain.js';
import { freePort } from '../src/database/embedded-postgres.js';
import { BENCH_NATIONAL_NUMBER_KEY } from './seed/identities.js';

/**
 * The environment of a service process under load: no webhook worker, no hourly jobs (their first run would
 * fall inside the measurement), and no rate limits (a few principals drive all the load).
 */
export const benchServiceEnvironment = (databaseUrl: string, authDevSecret: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  AUTH_DEV_SECRET: authDevSecret,
  NODE_ENV: 'test',
  WEBHOOK_WORKER: 'false',
  RETENTION_JOB: 'false',
  TRANSITION_JOB: 'false',
  OVERDUE_JOB: 'false',
  DATA_DIR: join('.data', 'bench-service'),
  RATE_LIMIT_PER_PRINCIPAL: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
  RATE_LIMIT_FAMILY_LOOKUPS: '1000000',
  // The key the seed hashed the members' national numbers with (bench/seed/identities.ts).
  NATIONAL_NUMBER_KEY: BENCH_NATIONAL_NUMBER_KEY,
});

/** A child process serving HTTP on `port`; `ready` is the milliseconds from spawn to its first good answer. */
/** The processes started here and still running: an interrupted run stops them (they outlive it otherwise). */
const running = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGTERM');
    process.exit(130);
  });
}

export async function startProcess(script: string, env: Record<string, string>, readyPath: string, nodeFlags: string[] = []): Promise<{ child: ChildProcess; port: number; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, script], { env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  while (!(await fetch(`http://127.0.0.1:${port}${readyPath}`).then((r) => r.status < 500, () => false))) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, port, readyMs: performance.now() - started };
}

/** CPU seconds (user + system) each live process has used so far, by pid (Linux /proc), with its parent; PostgreSQL's marked. */
export async function cpuSnapshot(): Promise<Map<number, { seconds: number; parent: number; postgres: boolean }>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const snapshot = new Map<number, { seconds: number; parent: number; postgres: boolean }>();
  for (const id of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${id}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    // The parent is field 4; utime and stime are fields 14 and 15, counted after the command name (which may
    // hold spaces), in ticks of 1/100 s.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime] = fields.slice(11, 13).map(Number);
    snapshot.set(Number(id), { seconds: (utime! + stime!) / 100, parent: Number(fields[1]), postgres: stat.includes('(postgres)') });
  }
  return snapshot;
}

/**
 * The CPU seconds used between two snapshots by the process `pid` and by PostgreSQL: the processes of the
 * cluster whose postmaster is `postmaster` (others' clusters on a shared machine excluded), or all when it
 * is not given. Which side of the connection a run is bound by. A backend that started meanwhile counts
 * from zero; one that ended is missed for its last stretch only.
 */
export function cpuUsedBetween(before: Awaited<ReturnType<typeof cpuSnapshot>>, after: Awaited<ReturnType<typeof cpuSnapshot>>, pid: number, postmaster?: number) {
  let postgres = 0;
  for (const [id, { seconds, parent, postgres: isPostgres }] of after) {
    const ofCluster = postmaster === undefined || id === postmaster || parent === postmaster;
    if (isPostgres && ofCluster) postgres += seconds - (before.get(id)?.seconds ?? 0);
  }
  return { process: (after.get(pid)?.seconds ?? 0) - (before.get(pid)?.seconds ?? 0), postgres };
}

/**
 * The pid of the postmaster of the cluster `admin` is connected to: the parent of its backend. Null when the
 * backend is not a process of this machine (BENCH_DATABASE_URL elsewhere): then every PostgreSQL process counts.
 */
export async function postmasterOf(admin: Sql): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  const [{ pid: backend }] = rowsOf<{ pid: number }>(await admin.query(`SELECT pg_backend_pid() AS pid`, []));
  const status = await readFile(`/proc/${backend}/status`, 'utf8').catch(() => '');
  return /^Name:\s+postgres/m.test(status) ? Number(/^PPid:\s+(\d+)/m.exec(status)![1]) : null;
}
