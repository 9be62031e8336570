// Grading's rows of `npm run bench`: what fuel instrumentation costs a
// guest's CPU work, and how many submissions per minute batch grading gets
// through on this machine. bench/run.ts adds them with
//   rows.push(...await gradingBench());
// and `node dist/host/grade/bench.js` prints them alone.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildC } from '../toolchain/clang.js';
import { packageRoot } from '../toolchain/clang.js';
import { instrumentFuel, FUEL_GLOBAL } from '../loader/fuel.js';
import { nativeWasmOpt } from '../loader/wasmopt.js';
import { loadGradingSpec } from './load.js';
import { gradeBatch } from './batch.js';

export interface BenchRow {
  name: string;
  unit: string;
  socklab: number;
  note?: string;
}

type Work = (n: number) => number;

export async function fuelRows(): Promise<BenchRow[]> {
  const { default: binaryen } = await import('binaryen');
  const dir = mkdtempSync(join(tmpdir(), 'socklab-fuel-bench-'));
  try {
    const out = join(dir, 'work.wasm');
    await buildC({ sources: [join(packageRoot(), 'host', 'grade', 'bench', 'work.c')], out, sdk: false, flags: ['-O2', '-nostdlib', '-Wl,--no-entry'], stderr: () => {} });
    const plain = readFileSync(out);
    const mod = binaryen.readBinary(plain);
    mod.setFeatures(binaryen.Features.MutableGlobals);
    instrumentFuel(mod, binaryen);
    const fueled = mod.emitBinary();
    mod.dispose();
    const SLICE = 10_000_000n;
    let global: WebAssembly.Global | undefined;
    const inst = (bytes: Uint8Array): Work => {
      const i = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { socklab_rt: { fuel_exhausted: () => { global!.value = SLICE; } } });
      if (i.exports[FUEL_GLOBAL]) global = i.exports[FUEL_GLOBAL] as WebAssembly.Global;
      return i.exports['work'] as Work;
    };
    const time = (f: Work): number => {
      f(200); // warm up the JIT
      let best = Infinity;
      for (let k = 0; k < 5; k++) {
        const t = process.hrtime.bigint();
        f(20_000);
        best = Math.min(best, Number(process.hrtime.bigint() - t));
      }
      return best;
    };
    const a = time(inst(plain));
    const b = time(inst(fueled));
    return [
      { name: 'fuel: CPU-bound guest (loops and calls), not instrumented', unit: 'ms', socklab: a / 1e6 },
      { name: 'fuel: the same guest, instrumented', unit: 'ms', socklab: b / 1e6, note: `${(b / a).toFixed(2)}x uninstrumented` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `count` submissions made from the sample ones in `samplesDir` (in turn),
 * under `dest`, each a program of its own: every C source gets a
 * constructor that stores a string unique to the copy (`tag` and its
 * number). Identical copies would compile to identical modules, and all but
 * the first would find their prepared (Asyncify, fuel) module in the cache;
 * real submissions differ, so each copy is built and prepared as a new
 * student's would be. Behaviour and traces are unchanged (no syscall).
 */
export function distinctCopies(samplesDir: string, count: number, dest: string, tag: string): string[] {
  const samples = readdirSync(samplesDir).sort();
  const stamp = `${process.pid}-${Date.now().toString(36)}-${tag}`;
  return Array.from({ length: count }, (_, i) => {
    const name = samples[i % samples.length]!;
    const d = join(dest, `${name}-${tag}-${Math.floor(i / samples.length) + 1}`);
    cpSync(join(samplesDir, name), d, { recursive: true });
    for (const f of readdirSync(d, { recursive: true }).map(String).filter((f) => f.endsWith('.c'))) {
      appendFileSync(join(d, f), `\n__attribute__((constructor)) static void socklab_bench_copy(void) { static const char *volatile copy; copy = "${stamp}-${i}"; }\n`);
    }
    return d;
  });
}

/**
 * CPU ms of process `pid`, of its children waited for, and of its live descendants (Linux /proc; 0
 * elsewhere): the spawn helper (toolchain/spawner.ts) lives as long as its process and waits for the
 * compilers it starts, so their CPU is in its figures, not yet in its parent's.
 */
export function cpuMs(pid: number | 'self'): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime, stime, cutime, cstime: fields 14-17, in clock ticks (100 per second on Linux).
    const own = [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0) * 10;
    return own + children(pid).reduce((a, c) => a + cpuMs(c), 0);
  } catch {
    return 0;
  }
}

function children(pid: number | 'self'): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/**
 * Batch grading as an instructor starts it (issue #18 item 4): the sample
 * assignment's submissions, each a distinct program (distinctCopies), so
 * every one is compiled and prepared; one grading thread per core, started
 * by the run (their start and warm-up are in the figure).
 */
export async function batchRows(): Promise<BenchRow[]> {
  const root = packageRoot();
  const spec = loadGradingSpec(join(root, 'examples', 'grading', 'echo-udp', 'grading.yaml'));
  const tmp = mkdtempSync(join(tmpdir(), 'socklab-grade-bench-'));
  try {
    const subsDir = join(root, 'tests', 'grading-submissions');
    const subs = distinctCopies(subsDir, readdirSync(subsDir).length, join(tmp, 'submissions'), 'batch');
    const c = cpuMs('self');
    const t = performance.now();
    await gradeBatch(spec, subs, { outDir: join(tmp, 'out'), formats: ['gradescope'], reveal: [] });
    const ms = performance.now() - t;
    const cpu = (cpuMs('self') - c) / subs.length;
    return [{
      name: `batch grading: echo-udp assignment, ${subs.length} submissions (${spec.tests.length} tests each), ${availableParallelism()} workers`, unit: 'submissions/min', socklab: subs.length / (ms / 60_000),
      note: `higher is better (target >= 60); each submission a new program, built and prepared; grading threads started by the run; CPU ${cpu.toFixed(0)} ms per submission (all threads and the compilers); Asyncify by ${nativeWasmOpt()?.path ?? 'binaryen.js'}`,
    }];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function gradingBench(): Promise<BenchRow[]> {
  return [...(await fuelRows()), ...(await batchRows())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await gradingBench()) console.log(`${r.name}: ${r.socklab.toFixed(2)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
