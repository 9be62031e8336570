// `npm run bench`: WASI 0.2 components (host/component) next to the same work
// from a preview1 guest, measured in the same way in one run: per-call cost
// ((N calls - 0 calls) / N, so start-up cancels out; the same N for both), warm start-up, and a
// TCP ping-pong and a TCP stream between two components on the virtual network. The component
// is tests/components/bench.wat, assembled with jco-transpile's wasm-tools.
// Every figure is CPU time, the median of runs alternating component and preview1.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { run } from '../host/runner/run.js';
import { ensureBuilt } from '../host/toolchain/guests.js';
import { compileC } from '../host/toolchain/clang.js';

export interface ComponentRow {
  name: string;
  unit: string;
  socklab: number;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Medians of k runs of a and of b, alternated, so a change of load hits both alike. */
async function alternate(k: number, a: () => Promise<number>, b: () => Promise<number>): Promise<[number, number]> {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < k; i++) {
    xs.push(await a());
    ys.push(await b());
  }
  return [median(xs), median(ys)];
}

// CPU time of the whole process (the run's kernel is a worker thread of it), in ns: on a
// shared machine wall-clock time measures the neighbours.
async function timed(processes: Parameters<typeof run>[0]['processes']): Promise<number> {
  const t = process.cpuUsage();
  const o = await run({ processes, output: 'discard' });
  const d = process.cpuUsage(t);
  const ns = (d.user + d.system) * 1000;
  if (o.status !== 0) throw new Error(`bench run failed: ${processes.map((p) => `${p.module} ${(p.args ?? []).join(' ')}`).join(', ')}: status ${o.status}`);
  return ns;
}

export async function componentRows(root: string): Promise<ComponentRow[]> {
  const out = join(root, 'wasm', 'bench');
  mkdirSync(out, { recursive: true });
  const comp = join(out, 'bench.component.wasm');
  writeFileSync(comp, await parse(readFileSync(join(root, 'tests', 'components', 'bench.wat'), 'utf8')));
  const sys = await ensureBuilt([join(root, 'bench', 'c', 'syscalls.c')], join(out, 'syscalls.wasm'));
  const ping = await ensureBuilt([join(root, 'bench', 'c', 'pingpong.c')], join(out, 'pingpong.wasm'));
  const hello = await ensureBuilt([join(root, 'bench', 'c', 'hello.c')], join(out, 'hello.wasm'));
  await timed([{ module: comp, args: ['mono', '1'] }]); // transform and cache once

  const rows: ComponentRow[] = [];
  const perCall = async (module: string, mode: string, n: number): Promise<number> => {
    const [full, empty] = await alternate(5, () => timed([{ module, args: [mode, String(n)] }]), () => timed([{ module, args: [mode, '0'] }]));
    return (full - empty) / n;
  };
  const N = Number(process.env.SOCKLAB_BENCH_COMPONENT_CALLS ?? 100_000);
  const calls: [string, string, string][] = [
    ['monotonic-clock.now', 'mono', 'clock'],
    ['wall-clock.now', 'wall', 'clock'],
    ['1-byte blocking-write-and-flush', 'byte', 'write'],
  ];
  for (const [what, mode, p1] of calls) {
    // Calls cost ~0.05-1 us: a million of each, for a difference well above the noise. The same
    // count on both sides: each run is a new worker thread, whose JIT warm-up (~20 ms of CPU
    // before the calls run optimized) a smaller count would spread over fewer calls on one side.
    const c = await perCall(comp, mode, N * 10);
    const p = await perCall(sys, p1, N * 10);
    rows.push({ name: `component: ${what}, CPU`, unit: 'ns/call', socklab: c, note: `${(c / p).toFixed(1)}x preview1's ${p1 === 'clock' ? 'clock_gettime' : '1-byte write'} (${p.toFixed(0)} ns; target 1.5x)` });
  }

  const [warmC, warmP] = await alternate(5, () => timed([{ module: comp, args: ['mono', '0'] }]), () => timed([{ module: hello, args: [] }]));
  rows.push({ name: 'component start-up, warm (cached transform), CPU', unit: 'ms', socklab: warmC / 1e6, note: `${(warmC / warmP).toFixed(2)}x preview1 hello warm (${(warmP / 1e6).toFixed(0)} ms; target 1.5x)` });

  const RT = Number(process.env.SOCKLAB_BENCH_COMPONENT_RT ?? 5000);
  const pair = (module: string, port: string): Promise<number> =>
    timed([{ module, args: ['server', port, String(RT)] }, { module, args: ['client', port, String(RT)], startMs: 1 }]);
  const [ppC, ppP] = await alternate(5, () => pair(comp, '7100'), () => pair(ping, '7100'));
  rows.push({ name: `component pair: 1-byte TCP ping-pong, ${RT} round trips`, unit: 'rt/s', socklab: RT / (ppC / 1e9), note: `per CPU second, higher is better; preview1 pair ${(RT / (ppP / 1e9)).toFixed(0)} rt/s: ${(ppP / ppC).toFixed(2)}x of it` });

  // The TCP stream row for a component pair: bench/c/stream.c built both ways (socklab build --target=component
  // and the default), MB MiB in 64 KiB writes; CPU of the transfer alone (a run moving MB less one moving none).
  const streamSrc = join(root, 'bench', 'c', 'stream.c');
  const streamP = await ensureBuilt([streamSrc], join(out, 'stream.wasm'));
  const streamC = join(out, 'stream.component.wasm');
  await compileC({ sources: [streamSrc], out: streamC, target: 'component', stderr: () => {} });
  const MB = Number(process.env.SOCKLAB_BENCH_COMPONENT_MB ?? 64);
  const stream = (module: string, mb: number): Promise<number> =>
    timed([{ module, args: ['server', 'tcp', '7200', String(mb)] }, { module, args: ['client', 'tcp', '7200', String(mb)], startMs: 1 }]);
  await stream(streamC, 1); // transform and cache once
  const [sC, sP] = await alternate(5, async () => (await stream(streamC, MB)) - (await stream(streamC, 0)), async () => (await stream(streamP, MB)) - (await stream(streamP, 0)));
  rows.push({ name: `component pair: TCP stream, 64 KiB writes, ${MB} MiB`, unit: 'MiB/s', socklab: MB / (sC / 1e9), note: `per CPU second, higher is better; preview1 pair ${(MB / (sP / 1e9)).toFixed(0)} MiB/s: ${(sP / sC).toFixed(2)}x of it` });
  return rows;
}

// `node dist/bench/component.js`: these rows alone (bench/run.ts has no partial group for them).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (const r of await componentRows(root)) console.log(`${r.name}: ${r.socklab.toFixed(r.unit === 'ns/call' ? 0 : 1)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
