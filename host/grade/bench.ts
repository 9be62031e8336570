// Grading's rows of `npm run bench`: what fuel instrumentation costs a
// guest's CPU work, and how many submissions per minute batch grading gets
// through on this machine. bench/run.ts adds them with
//   rows.push(...await gradingBench());
// and `node dist/host/grade/bench.js` prints them alone.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildC } from '../toolchain/clang.js';
import { packageRoot } from '../toolchain/clang.js';
import { instrumentFuel, FUEL_GLOBAL } from '../loader/fuel.js';
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

export async function batchRows(): Promise<BenchRow[]> {
  const root = packageRoot();
  const spec = loadGradingSpec(join(root, 'examples', 'grading', 'echo-udp', 'grading.yaml'));
  const subsDir = join(root, 'tests', 'grading-submissions');
  const subs = readdirSync(subsDir).sort().map((s) => join(subsDir, s));
  const out = mkdtempSync(join(tmpdir(), 'socklab-grade-bench-'));
  try {
    const t = performance.now();
    await gradeBatch(spec, subs, { outDir: out, formats: ['gradescope'], reveal: [] });
    const min = (performance.now() - t) / 60_000;
    return [{ name: `batch grading: echo-udp assignment, ${subs.length} submissions (${spec.tests.length} tests each), ${availableParallelism()} workers`, unit: 'submissions/min', socklab: subs.length / min, note: 'higher is better; includes building each submission; wrong submissions hit their time limits' }];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function gradingBench(): Promise<BenchRow[]> {
  return [...(await fuelRows()), ...(await batchRows())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await gradingBench()) console.log(`${r.name}: ${r.socklab.toFixed(2)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
