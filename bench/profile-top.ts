/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): the
 * functions with the most self time, and the files they live in.
 * Usage: npx tsx bench/profile-top.ts <file.cpuprofile> [count] [--result <run.json> --phase <name>]
 * With --result/--phase, only the samples taken during that phase count
 * (the run records each phase's window on the monotonic clock, which V8's
 * profile timestamps use too).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const argv = process.argv.slice(2);
const opt = (k: string) => {
  const i = argv.indexOf(k);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const resultFile = opt('--result');
const phaseName = opt('--phase');
const [file, countArg] = argv;
if (!file) {
  console.error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [count]');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let window: [number, number] | null = null;
if (resultFile && phaseName) {
  const r = JSON.parse(readFileSync(resultFile, 'utf8')) as { phases: { name: string; monoUs?: [number, number] }[] };
  const ph = r.phases.find((p) => p.name === phaseName);
  if (!ph?.monoUs) throw new Error(`no phase ${phaseName} with a time window in ${resultFile}`);
  window = ph.monoUs;
}
let t = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i] ?? 0;
  if (window && (t < window[0] || t > window[1])) continue;
  self.set(prof.samples[i]!, (self.get(prof.samples[i]!) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const shortUrl = (u: string) => u.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anonymous)'}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pkgKey = (n: Node) => {
  const u = n.callFrame.url;
  if (!u) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1]!;
  if (u.startsWith('node:')) return u;
  return shortUrl(u).split('/').slice(0, 2).join('/');
};

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  add(fns, fnKey(n), us);
  add(pkgs, pkgKey(n), us);
}
const top = (m: Map<string, number>, k: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`)
    .join('\n');
console.log(`profile ${file}${window ? ` (phase ${phaseName} only)` : ''}: ${(total / 1e6).toFixed(1)} s sampled\n\nself time by function:\n${top(fns, Number(countArg ?? 30))}\n\nself time by package/file:\n${top(pkgs, 20)}`);
