import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_ADMIN } from './support/test-app.js';
import { freePort } from './support/free-port.js';
import { ServiceProcess, serviceEnv } from './support/service-process.js';

/** `node <script>` as package.json runs it, with `env`: its exit code and its output. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The pid of the PostgreSQL running in `clusterDir` by its postmaster.pid, when it is alive. */
function postmasterOf(clusterDir: string): number | null {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** The service as `npm start` runs it (without its V8 heap flags) without DATABASE_URL: on its embedded PostgreSQL under DATA_DIR. */
describe('the embedded database of a service process', () => {
  let env: Record<string, string>;
  let clusterDir: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    const { DATABASE_URL: _, ...embedded } = serviceEnv('', await freePort(), { DATA_DIR: mkdtempSync(join(tmpdir(), 'gezin1plan-embedded-')) });
    env = embedded;
    clusterDir = join(env.DATA_DIR, 'postgres');
    service = new ServiceProcess(env, Number(env.PORT));
    await service.start(120_000);
    // As root, DATA_DIR (made private by mkdtemp) had to be opened for the user postgres runs as.
    if (process.getuid?.() === 0) expect(service.output).toContain(`Opened ${env.DATA_DIR} for search by others (o+x, no listing)`);
  }, 180_000);

  afterAll(async () => {
    if (service.running) {
      service.signal('SIGTERM');
      await service.exited();
    }
    // A failed test may leave an orphaned cluster: not beyond this file.
    const leftover = postmasterOf(clusterDir);
    if (leftover) process.kill(leftover, 'SIGINT');
    else rmSync(env.DATA_DIR, { recursive: true, force: true });
  }, 60_000);

  test.each([
    ['retention', 'dist/src/cli/retention.js', []],
    ['audit-verify', 'dist/src/cli/audit-verify.js', []],
    ['seed', 'dist/bench/seed/cli.js', ['--families', '1']],
  ])('%s beside the running service says in one line that the database is in use and what to do', async (_command, script, args) => {
    const { code, stdout, stderr } = await run(script, args, env);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/in use by process \d+ .*stop it first, or set DATABASE_URL=postgres:\/\/\S+:\d+\/gezin1plan /);
    // and the service still serves on it
    expect((await service.request(PLATFORM_ADMIN, '{ __typename }')).status).toBe(200);
  }, 120_000);

  test('after kill -9 of the service, a new start stops the PostgreSQL it left running and serves', async () => {
    await service.kill();
    const orphan = postmasterOf(clusterDir);
    expect(orphan).not.toBeNull(); // the cluster outlived the service: what the next start meets

    service = new ServiceProcess(env, Number(env.PORT));
    await service.start(120_000);
    expect(service.output).toContain(`Stopped the embedded PostgreSQL (process ${orphan}) that an ended process had left running in ${clusterDir}`);
    const { status, body } = await service.request(PLATFORM_ADMIN, '{ __typename }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();

    // and it stops its own cluster when it is stopped
    service.signal('SIGTERM');
    expect(await service.exited()).toBe(0);
    expect(postmasterOf(clusterDir)).toBeNull();
  }, 240_000);

  (process.getuid?.() === 0 ? test : test.skip)(
    'as root, a DATA_DIR inside a private directory: start says in one line what to do',
    async () => {
      const privateDir = mkdtempSync(join(tmpdir(), 'gezin1plan-private-'));
      const { code, stdout, stderr } = await run('dist/src/main.js', [], { ...env, DATA_DIR: join(privateDir, 'data'), PORT: String(await freePort()) });
      rmSync(privateDir, { recursive: true, force: true });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([
        `As root, the embedded PostgreSQL runs as user postgres, which cannot enter ${privateDir} (mode 700): ` +
          'install the service and DATA_DIR outside private directories, run it as another user, or set DATABASE_URL',
      ]);
    },
    60_000,
  );
});
