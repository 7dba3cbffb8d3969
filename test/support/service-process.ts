import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_ADMIN, TestApi } from './test-app.js';

/** The environment of a service process on `databaseUrl`, as tests start it; `extra` overrides. */
export function serviceEnv(databaseUrl: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gezin1plan-service-')),
    AUTH_DEV_SECRET: process.env.AUTH_DEV_SECRET!,
    PLATFORM_ADMIN_SUBJECTS: PLATFORM_ADMIN,
    // As for the apps in process (test-app.ts): a delivery within 0.1 s of its commit, not a second.
    WEBHOOK_POLL_INTERVAL_MS: '100',
    ...extra,
  };
}

/**
 * The service as a real child process (`node dist/src/main.js`, as `npm start` runs it, without its V8 heap flags), for what an
 * in-process instance cannot show: signals, SIGKILL, several processes on one database.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> | null = null;
  /** stdout and stderr of every run, in order. */
  output = '';

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits until `/health/ready` answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ['dist/src/main.js'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    while (!(await fetch(`${this.url}/health/ready`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`The service did not start:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` (SIGTERM: graceful shutdown) without waiting. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** The exit code once the process has exited (null when a signal ended it). */
  exited(): Promise<number | null> {
    return this.exit ?? Promise.resolve(null);
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is cut off. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited();
    this.child = null;
  }

  /** One GraphQL request over HTTP as `subject`: the HTTP status and the parsed body. */
  async request(
    subject: string | null,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] } }> {
    const response = await this.fetch('/graphql', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(subject === null ? {} : { Authorization: `Bearer ${await TestApi.token(subject)}` }),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as never };
  }

  /** fetch on the service; when the process has died, the error says so and shows its last output. */
  async fetch(path: string, init?: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, init);
    } catch (error) {
      if (this.running) throw error;
      throw new Error(`The service exited (${this.child?.exitCode ?? this.child?.signalCode}):\n${this.output.slice(-4000)}`, { cause: error });
    }
  }

  /** Like request, but fails on any error and returns the data. */
  async gql(subject: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const { body } = await this.request(subject, query, variables);
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data!;
  }
}
