// The AF_UNIX stream row of bench/run.ts as that row measures it (wall time,
// a fresh kernel worker per run, best of 2 moving MB MiB less best of 2
// moving none), beside the same pair in a warm pooled worker and the native
// pair, for comparing builds:
//   node dist/bench/unix-fresh.js [ROOT...]
// Each ROOT is a socklab checkout with a build (dist/host/api.js); none given
// measures this one. Rounds alternate between the roots and the native pair,
// so every figure sees the same machine load; the figures are medians over
// the rounds. Beside each wall figure, the CPU time (this process, every
// thread) of the same runs. SOCKLAB_BENCH_MB (256) sets the size,
// SOCKLAB_BENCH_ROUNDS (5) the rounds.
// Where a fresh worker's extra time goes (perf over fresh 256 vs 0 MiB runs):
// V8 optimising the syscall path's JavaScript (TurboFan, ~70 ms of CPU on its
// own thread: doRecv, doSend, recvStream, dispatch, fdRead/fdWrite, iovecs...),
// while the transfer runs mostly in V8's baseline tiers; the copies themselves
// (~12 ms), the collector (2 more scavenges) and page faults (skb buffers come
// from a pool) are the same as in a warm worker. "background threads" is that
// compile CPU (V8's platform threads, /proc: Linux only): ~110 ms per fresh
// 256 MiB run on a 2-core machine (2026-12-06), against ~30-80 ms of the kernel
// thread's own; spread over ~40 compiles (no one function above ~10 ms of it),
// none deoptimised during the transfer; TurboFan with less inlining compiles
// less (~80 ms) but the kernel thread then runs longer.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../host/toolchain/guests.js';
import { packageRoot } from '../host/toolchain/clang.js';
import { platformCpu, threadCpu } from './threadcpu.js';

type Opts = { processes: { module: string; args: string[]; startMs?: number }[]; output: 'discard' };
type RunFn = (o: Opts) => Promise<{ status: number }>;
interface Pool { run(o: Opts): Promise<{ status: number }>; close(): Promise<void> }
type PoolCtor = new (o: { size: number }) => Pool;

const root = packageRoot();
const MB = Number(process.env.SOCKLAB_BENCH_MB ?? 256);
const ROUNDS = Number(process.env.SOCKLAB_BENCH_ROUNDS ?? 5);
const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [root];
const dir = mkdtempSync(join(tmpdir(), 'socklab-unixf-'));
const src = join(root, 'bench', 'c', 'stream.c');
const wasm = await ensureBuilt([src], join(root, 'wasm', 'bench', 'stream.wasm'));
const exe = join(dir, 'stream');
execFileSync('gcc', ['-O2', '-o', exe, src]);
let n = 0;
const vsock = (): string => `/tmp/unix-fresh-${process.pid}-${n++}.sock`;

/** wall and CPU (ns, or MiB/s once a transfer's figure), and bg: the CPU ns of V8's background threads (TurboFan's concurrent compiles, the collector's helpers; a warm pool's kernel thread too). */
interface T { wall: number; cpu: number; bg: number }
async function timed(f: () => Promise<unknown>): Promise<T> {
  const th = threadCpu();
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  await f();
  const wall = Number(process.hrtime.bigint() - t);
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) * 1000, bg: platformCpu(th, threadCpu()) };
}
async function best2(f: () => Promise<T>): Promise<T> {
  const a = await f();
  const b = await f();
  return { wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu), bg: Math.min(a.bg, b.bg) };
}
/** The row's figure: MB MiB over (best of 2 moving MB) - (best of 2 moving 0), for wall and CPU; bg's difference in ms. */
async function transfer(f: (mb: number) => Promise<T>): Promise<T> {
  const full = await best2(() => f(MB));
  const none = await best2(() => f(0));
  const mibs = (ns: number): number => MB / (Math.max(1, ns) / 1e9);
  return { wall: mibs(full.wall - none.wall), cpu: mibs(full.cpu - none.cpu), bg: (full.bg - none.bg) / 1e6 };
}
const opts = (mb: number): Opts => {
  const p = vsock();
  return { processes: [{ module: wasm, args: ['server', 'unix', p, String(mb)] }, { module: wasm, args: ['client', 'unix', p, String(mb)], startMs: 1 }], output: 'discard' };
};
const check = (o: { status: number }): void => {
  if (o.status !== 0) throw new Error(`status ${o.status}`);
};
/** A native pair (the server in the background; the client retries its connect until the server listens): wall only. */
function nativePair(mb: number): T {
  const p = join(dir, `s${n++}.sock`);
  const t = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `${exe} server unix ${p} ${mb} >/dev/null & ${exe} client unix ${p} ${mb}; wait`]);
  if (r.status !== 0) throw new Error('native pair failed');
  return { wall: Number(process.hrtime.bigint() - t), cpu: 0, bg: 0 };
}

const mods: { run: RunFn; Pool: PoolCtor }[] = [];
for (const r of roots) {
  const api = (await import(pathToFileURL(join(r, 'dist', 'host', 'api.js')).href)) as { run: RunFn };
  const pool = (await import(pathToFileURL(join(r, 'dist', 'host', 'runner', 'pool.js')).href)) as { RunnerPool: PoolCtor };
  mods.push({ run: api.run, Pool: pool.RunnerPool });
}
const fresh: T[][] = roots.map(() => []);
const warm: T[][] = roots.map(() => []);
const native: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  for (const [j, m] of mods.entries()) {
    fresh[j]!.push(await transfer((mb) => timed(async () => check(await m.run(opts(mb))))));
    const pool = new m.Pool({ size: 1 });
    try {
      for (let k = 0; k < 2; k++) check(await pool.run(opts(MB)));
      warm[j]!.push(await transfer((mb) => timed(async () => check(await pool.run(opts(mb))))));
    } finally {
      await pool.close();
    }
  }
  native.push((await transfer(async (mb) => nativePair(mb))).wall);
}
rmSync(dir, { recursive: true, force: true });
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const show = (a: number[]): string => `${median(a).toFixed(0).padStart(6)} (${a.map((x) => x.toFixed(0)).join(' ')})`;
for (const [j, r] of roots.entries()) {
  console.log(`${r}`);
  console.log(`  fresh wall MiB/s ${show(fresh[j]!.map((t) => t.wall))}   cpu ${show(fresh[j]!.map((t) => t.cpu))}   background threads ms ${show(fresh[j]!.map((t) => t.bg))}`);
  console.log(`  warm  wall MiB/s ${show(warm[j]!.map((t) => t.wall))}   cpu ${show(warm[j]!.map((t) => t.cpu))}`);
}
console.log(`native wall MiB/s ${show(native)}`);
