import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type PortRange } from './support/free-port.js';

/**
 * Two suites on one machine (two clones running `npm test`) each start services on ports from support/free-port.ts,
 * in Jest workers of the same number. Here two processes stand for them, drawing from a range so small that ports drawn
 * without the claims would collide almost surely (20 draws each from 48 ports).
 */
const DRAWS = 20;
const range = (claims: string): PortRange => ({ first: 31_200, count: 48, claims });

/**
 * A process that draws DRAWS ports and holds them (it lives) until `release()`, as a Jest worker holds the ports of
 * the services it started.
 */
function anotherProcessDrawing(claims: string): { ports: Promise<number[]>; release(): Promise<void> } {
  const draw = `import { freePort } from ${JSON.stringify(join(process.cwd(), 'test/support/free-port.ts'))};
    const range = ${JSON.stringify(range(claims))};
    const ports = [];
    for (let i = 0; i < ${DRAWS}; i++) ports.push(await freePort(range));
    console.log(JSON.stringify(ports));
    process.stdin.resume().on('end', () => process.exit(0));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', draw], { env: { ...process.env, JEST_WORKER_ID: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const ports = new Promise<number[]>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(JSON.parse(output) as number[]);
    });
    void exited.then(() => reject(new Error(`the drawing process ended early: ${output}`)));
  });
  return { ports, release: () => (child.stdin.end(), exited) };
}

describe('freePort', () => {
  it('never gives two processes drawing at the same time the same port', async () => {
    const claims = mkdtempSync(join(tmpdir(), 'free-port-'));
    const processes = [anotherProcessDrawing(claims), anotherProcessDrawing(claims)];
    try {
      const [first, second] = await Promise.all(processes.map((p) => p.ports));
      expect(new Set(first).size).toBe(DRAWS);
      expect(new Set(second).size).toBe(DRAWS);
      expect(first!.filter((port) => second!.includes(port))).toEqual([]);
    } finally {
      await Promise.all(processes.map((p) => p.release()));
    }
  });

  it('skips a port another process listens on, and takes over the claims of processes that ended', async () => {
    const claims = mkdtempSync(join(tmpdir(), 'free-port-'));
    const small: PortRange = { first: 31_300, count: 3, claims };
    const busy = await new Promise<Server>((resolve) => {
      const server = createServer().listen(small.first, '127.0.0.1', () => resolve(server));
    });
    // A claim left by a process that is gone (the largest pid Linux hands out is below 2^22).
    writeFileSync(join(claims, String(small.first + 1)), String(2 ** 22 + 1));
    try {
      const ports = [await freePort(small), await freePort(small)];
      expect(ports.sort()).toEqual([small.first + 1, small.first + 2]);
      // The ended process's claim is now this one's. (Whether the busy port was drawn, and so claimed, is chance.)
      expect(readdirSync(claims)).toEqual(expect.arrayContaining([small.first + 1, small.first + 2].map(String)));
      expect(readFileSync(join(claims, String(small.first + 1)), 'utf8')).toBe(String(process.pid));
    } finally {
      busy.close();
    }
  });
});
