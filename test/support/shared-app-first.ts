import { logFileCpu } from './request-log.js';
import { TestApi } from './test-app.js';

/**
 * Runs before each e2e file's own hooks (jest.config.js, `setupFilesAfterEnv`). The first file of a worker builds the
 * app the worker's files share here, in a hook with time of its own: built inside the file's first `beforeAll`, it
 * shared that hook's 30 s with the file's own setup, which a machine at load 15 and more did not leave it, failing
 * every test of the file. Later files find it built.
 */
beforeAll(() => TestApi.sharedApp(), 180_000);

beforeAll(() => logFileCpu('start'));
afterAll(() => logFileCpu('end'));
