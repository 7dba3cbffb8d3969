import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * With `TEST_REQUEST_LOG=<file>`, one tab-separated line per GraphQL request a test sends through TestApi (test file,
 * operation, ms, `setup` when a factory of test/support sent it, `hook` or `test`) and the worker's CPU at each file's
 * start and end: the counts of docs/testing.md, "Requests per file". Off (and free) without the variable.
 */
const LOG = process.env.TEST_REQUEST_LOG;

const testFile = () => basename(expect.getState().testPath ?? 'unknown');

export function logRequest(operation: string, startedAt: number): void {
  if (!LOG) return;
  const setup = /test\/support\/(?!test-app|request-log)/.test(new Error().stack ?? '') ? 'setup' : 'own';
  const phase = expect.getState().currentTestName ? 'test' : 'hook';
  appendFileSync(LOG, `req\t${testFile()}\t${operation}\t${(performance.now() - startedAt).toFixed(1)}\t${setup}\t${phase}\n`);
}

/** The worker's CPU (its own and its ended children's, clock ticks) at a file's start or end. */
export function logFileCpu(moment: 'start' | 'end'): void {
  if (!LOG) return;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  appendFileSync(LOG, `cpu\t${testFile()}\t${moment}\t${process.pid}\t${ticks}\n`);
}
