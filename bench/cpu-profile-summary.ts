/**
 * `node dist/bench/cpu-profile-summary.js <file.cpuprofile> [--top N] [--last SECONDS] [--from S --to S] [--timeline]`: where a V8 CPU profile's busy time
 * went (idle excluded), by package and by function (self time), e.g. of the service under
 * `npm run bench -- --cpu-prof <dir>`. The profiler samples wall time: time the thread spent descheduled
 * is charged to the function it resumed in (on this VM mostly `writev`, the write that wakes PostgreSQL),
 * so read it with the process's user and system CPU from `/proc`, which count only time on a core.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// `--last SECONDS`: only the samples of the profile's last seconds (the measured run), leaving out the start
// (module loading, compiling) and the warm-up. `--from`/`--to` (seconds from the profile's start): a window, for
// a process driven in the middle of a run (the service of `npm run bench`, idle while the other sides are
// measured); `--timeline` prints the busy time per 5 s, to find it.
const { values: args, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, last: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, timeline: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (positionals.length !== 1) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [--top N] [--last SECONDS] [--from S --to S] [--timeline]');
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

/** A package of node_modules, one of our modules (src/<module>), a Node built-in, or (native). */
function packageOf(url: string): string {
  if (!url) return '(native)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const ours = /\/dist\/(src\/[^/]+|bench)\//.exec(url);
  if (ours) return ours[1]!;
  return url.startsWith('node:') ? url : url.slice(-50);
}

const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
let busy = 0;
const add = <K>(map: Map<K, number>, key: K, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
const length = profile.timeDeltas.reduce((sum, micros) => sum + micros, 0);
const afterMicros = Math.max(args.last === undefined ? 0 : length - Number(args.last) * 1e6, Number(args.from ?? 0) * 1e6);
const untilMicros = args.to === undefined ? Infinity : Number(args.to) * 1e6;
const timeline = new Map<number, number>();
let elapsed = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
  const micros = profile.timeDeltas[i] ?? 0;
  elapsed += micros;
  if (functionName === '(idle)') return;
  add(timeline, Math.floor(elapsed / 5e6) * 5, micros);
  if (elapsed < afterMicros || elapsed > untilMicros) return;
  busy += micros;
  add(byPackage, packageOf(url), micros);
  add(byFunction, `${functionName || '(anonymous)'}  ${packageOf(url)}:${lineNumber + 1}`, micros);
});

const top = Number(args.top);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
};
if (args.timeline) console.log(`busy ms per 5 s from the start: ${[...timeline].map(([at, micros]) => `${at}s ${(micros / 1000).toFixed(0)}`).join(', ')}`);
console.log(`busy ${(busy / 1000).toFixed(0)} ms of profiled time (idle excluded)`);
print('self time by package', byPackage);
print('self time by function', byFunction);
