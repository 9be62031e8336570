// The AF_UNIX stream row of bench/run.ts, in CPU time, for comparing builds:
//   node dist/bench/unix-stream.js [ROOT...]
// Each ROOT is a socklab checkout with a build (dist/host/api.js); none given
// measures this one. Rounds alternate between the roots and the native pair
// (bench/c/stream.c built with gcc), so every figure sees the same machine
// load; the figures are medians. A figure is MB MiB over the CPU time of a
// run moving them less that of a run moving none (start-up, connection set-up):
// socklab's is this process's (every thread: the kernel's worker, the JIT's
// and the collector's), the native one the two processes' (user + system).
// SOCKLAB_BENCH_MB (256) sets the size, SOCKLAB_BENCH_ROUNDS (7) the rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../host/toolchain/guests.js';
import { packageRoot } from '../host/toolchain/clang.js';

type RunFn = (o: { processes: { module: string; args: string[]; startMs?: number }[]; output: 'discard' }) => Promise<{ status: number }>;

const root = packageRoot();
const MB = Number(process.env.SOCKLAB_BENCH_MB ?? 256);
const ROUNDS = Number(process.env.SOCKLAB_BENCH_ROUNDS ?? 7);
const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [root];
const dir = mkdtempSync(join(tmpdir(), 'socklab-unix-'));
const src = join(root, 'bench', 'c', 'stream.c');
const wasm = await ensureBuilt([src], join(root, 'wasm', 'bench', 'stream.wasm'));
const exe = join(dir, 'stream');
execFileSync('gcc', ['-O2', '-o', exe, src]);
let n = 0;
/** A fresh socket path: in the native run's own directory, or in /tmp of the guests' virtual filesystem. */
const sock = (virtual = false): string => (virtual ? `/tmp/unix-stream-${process.pid}-${n++}.sock` : join(dir, `s${n++}.sock`));

/** CPU ns of this process while f runs. */
async function cpu(f: () => Promise<unknown>): Promise<number> {
  const c = process.cpuUsage();
  await f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) * 1000;
}

/** CPU ns of a native pair (the server in the background; the client retries its connect until the server listens), from the children's rusage as bash's `time` reports it. */
function nativeCpu(mb: number): number {
  const p = sock();
  const cmd = `TIMEFORMAT='%3U %3S'; time ( ${exe} server unix ${p} ${mb} >/dev/null & ${exe} client unix ${p} ${mb}; wait )`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`native pair failed: ${r.stderr}`);
  const [u, s] = r.stderr.trim().split(/\s+/).slice(-2).map(Number);
  return (u! + s!) * 1e9;
}

const runs: RunFn[] = [];
for (const r of roots) runs.push(((await import(pathToFileURL(join(r, 'dist', 'host', 'api.js')).href)) as { run: RunFn }).run);
const pair = async (run: RunFn, mb: number): Promise<number> => {
  const p = sock(true);
  return cpu(async () => {
    const o = await run({ processes: [{ module: wasm, args: ['server', 'unix', p, String(mb)] }, { module: wasm, args: ['client', 'unix', p, String(mb)], startMs: 1 }], output: 'discard' });
    if (o.status !== 0) throw new Error(`status ${o.status}`);
  });
};
const mibs = (ns: number): number => MB / (Math.max(1, ns) / 1e9);
const figures: number[][] = roots.map(() => []);
const native: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  for (const [j, run] of runs.entries()) figures[j]!.push(mibs((await pair(run, MB)) - (await pair(run, 0))));
  native.push(mibs(nativeCpu(MB) - nativeCpu(0)));
}
rmSync(dir, { recursive: true, force: true });
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const show = (a: number[]): string => `median ${median(a).toFixed(0)} MiB/s (${a.map((x) => x.toFixed(0)).join(' ')})`;
for (const [j, r] of roots.entries()) console.log(`${r}: ${show(figures[j]!)}`);
console.log(`native: ${show(native)}`);
