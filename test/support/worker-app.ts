import type { INestApplication, Logger as NestLogger } from '@nestjs/common';
import vm from 'node:vm';

/**
 * The service in the default test environment, started once per Jest worker process and shared by the test files that
 * worker runs (docs/testing.md, "One app per worker").
 *
 * Jest gives each test file its own sandbox (a vm context with its own `globalThis`, `process` copy and module
 * registry), so nothing a test file creates or imports survives into the next file. Two things outside the sandbox do:
 * the worker's real `process` object, reached through `vm.runInThisContext`, and Node's own module loader (and cache)
 * obtained from it. The shared app is therefore built from the compiled `dist/` (as the global setup is) by Node's
 * loader, and kept on the real `process`.
 */
const workerProcess = vm.runInThisContext('process') as NodeJS.Process & Record<symbol, Promise<INestApplication> | undefined>;
const load = workerProcess.getBuiltinModule('node:module').createRequire(import.meta.url);
const SHARED_APP = Symbol.for('gezin1plan.test.workerApp');
/** jest-worker's message telling a worker process to end (CHILD_MESSAGE_END in jest-worker's types). */
const CHILD_MESSAGE_END = 2;

export function workerApp(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  return (workerProcess[SHARED_APP] ??= start(env));
}

async function start(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const app = await build(env);
  closeWhenWorkerEnds(app);
  return resolvingByName(app);
}

/**
 * An app of a test file's own in another environment, built like the shared one from `dist/` by Node's loader: the file
 * does not import NestJS, Apollo, TypeORM and `src/` into its sandbox again (about 2 s of CPU). The file closes it.
 */
export async function ownWorkerApp(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  return resolvingByName(await build(env));
}

async function build(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  quietAboutSharedDataSourceName();
  const { createApp } = load('../../dist/src/bootstrap.js') as typeof import('../../src/bootstrap.js');
  const { loadConfig } = load('../../dist/src/config/app-config.js') as typeof import('../../src/config/app-config.js');
  const config = loadConfig(env);
  const app = await createApp({ ...config, databaseUrl: config.databaseUrl! });
  await listenForTests(app);
  return app;
}

/**
 * Listens on a free port of 127.0.0.1 for the app's life. Given a server that does not listen, supertest opens and closes a
 * listening socket around every request, each on a new connection; a listening one it sends to over kept-alive
 * connections (docs/testing.md, "Where the time goes"). `TestApi.port` is where graphql-ws connects.
 */
export async function listenForTests(app: INestApplication): Promise<void> {
  await app.listen(0, '127.0.0.1');
}

/**
 * Several apps live in one worker process: @nestjs/typeorm warns that their data sources share the default name, which
 * matters only within one application. Expected here, so not printed; any other warning still is.
 */
function quietAboutSharedDataSourceName(): void {
  const { Logger } = load('@nestjs/common') as typeof import('@nestjs/common');
  const quiet = Symbol.for('gezin1plan.test.quietDataSourceName');
  const prototype = Logger.prototype as NestLogger & Record<symbol, boolean>;
  if (prototype[quiet]) return;
  prototype[quiet] = true;
  const warn = prototype.warn;
  prototype.warn = function (this: NestLogger, message: unknown, ...rest: unknown[]) {
    if (!String(message).startsWith('A data source with the default name is already registered')) warn.call(this, message, ...rest);
  };
}

/**
 * A test file asks the app for a provider with its own copy of the class (`api.app.get(SqlStatementCounter)`), a different object
 * from the class the shared app was built with: the same name designates the same provider. (Nest's application proxy
 * ignores assignments, hence a proxy of ours around it.)
 */
function resolvingByName(app: INestApplication): INestApplication {
  const container = (app as unknown as { container: { getModules(): Map<string, { providers: Map<unknown, unknown> }> } }).container;
  const nameOf = (token: unknown) => (typeof token === 'function' ? token.name : typeof token === 'symbol' ? token.description : token);
  const get = (token: unknown, options?: unknown): unknown => {
    const providers = new Set([...container.getModules().values()].flatMap((m) => [...m.providers.keys()]).filter((t) => nameOf(t) === nameOf(token)));
    // Nest ends the process on an unknown provider: outside the test's sandbox, that would be the whole worker.
    if (providers.size !== 1) throw new Error(`${providers.size} providers named ${String(nameOf(token))} in the shared app`);
    return (app.get as (token: unknown, options?: unknown) => unknown)([...providers][0], options);
  };
  return new Proxy(app, { get: (target, property, receiver) => (property === 'get' ? get : Reflect.get(target, property, receiver)) });
}

/**
 * A worker process ends when its event loop empties, after jest-worker's end message; the open app would keep it
 * alive until Jest kills it. Run in band (one process, no worker), test/global-teardown.ts closes the app.
 */
function closeWhenWorkerEnds(app: INestApplication): void {
  if (!workerProcess.send) return;
  const onMessage = (message: unknown) => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    workerProcess.off('message', onMessage);
    void app.close();
  };
  workerProcess.on('message', onMessage);
}
