import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The V8 flags `npm start` gives the service (package.json, config.serviceNodeFlags; why: docs/decisions.md,
 * "The service's V8 heap"). Node refuses to start on a flag its V8 no longer knows, and a flag V8 still
 * parses may stop meaning what it did: both would show here, not in production.
 */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { config: { serviceNodeFlags: string }; scripts: Record<string, string> };
const flags = pkg.config.serviceNodeFlags.split(' ').filter(Boolean);

/** The young generation's maximum, in MB, of the project's Node started with `args`: V8's heap limit less a fixed old generation. */
function youngGenerationMb(args: string[]): number {
  const run = spawnSync(process.execPath, [...args, '--max-old-space-size=1024', '-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return Number(run.stdout) / 2 ** 20 - 1024;
}

describe('the service process V8 flags', () => {
  it('are what npm start runs the service with', () => {
    expect(pkg.scripts.start).toContain('node $npm_package_config_serviceNodeFlags dist/src/main.js');
  });

  it('are accepted by the project Node and keep the young generation at three 16 MB semi-spaces, not three of 64', () => {
    expect(youngGenerationMb([])).toBe(3 * 64);
    expect(youngGenerationMb(flags)).toBe(3 * 16);
  });
});
