import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the ports test processes hold are claimed: one file per port, holding the claiming process's id. */
export interface PortRange {
  first: number;
  count: number;
  claims: string;
}

/**
 * Below Linux's ephemeral ports (32768–60999 by default), so that no outgoing connection takes the port between the
 * claim and the moment the process the test starts listens on it.
 */
const TEST_PORTS: PortRange = { first: 20_000, count: 12_000, claims: join(tmpdir(), 'gezin1plan-test-ports') };

/**
 * A port of 127.0.0.1 for a process a test starts (a service, a cluster), free now and held by this process for its
 * life: nobody else listens on it, and no other test process on the machine gets it, whichever suite (clone) or Jest
 * worker it belongs to. The claim is a file created only if absent (`wx`); a claim whose process has ended is removed
 * and the port left to a later draw. Checking that a port is free is not enough: two workers, or two suites, could
 * pick the same one between the check and the listen (a readiness probe was once answered by another test's service,
 * on another database).
 */
export async function freePort(range: PortRange = TEST_PORTS): Promise<number> {
  mkdirSync(range.claims, { recursive: true });
  for (;;) {
    const port = range.first + randomInt(range.count);
    if (claim(join(range.claims, String(port))) && (await canListen(port))) return port;
  }
}

function claim(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!isRunning(Number(readFileSync(file, 'utf8')))) rmSync(file, { force: true });
  return false;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
