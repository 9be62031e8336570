// With a native wasm-opt installed, the steps before Asyncify are a rewrite
// of the module's bytes (host/loader/rewrite.ts) and Asyncify runs in
// wasm-opt (host/loader/wasmopt.ts); without one, binaryen.js does it all.
// The two give different bytes but must give the same program: same fuel
// counts, same preemption points, so the same traces, output and virtual
// times. Each case runs whole guests both ways, each with a cache of its
// own, and compares everything (tests/loader-rewrite.test.ts does the same
// for small modules with what C guests rarely have).
import { describe, expect, it } from 'vitest';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, run, ROOT } from './helpers.js';
import { loadScenario } from '../dist/host/scenario/load.js';
import { loadModule } from '../dist/host/loader/module.js';
import { nativeWasmOpt } from '../dist/host/loader/wasmopt.js';
import { loaderScratch, wasmOptPath, withTool as withToolIn } from './loader-tools.js';
import { ASYNC_IMPORTS, KNOWN_IMPORTS } from '../dist/host/syscalls.js';
import type { RunOptions, RunOutcome } from '../dist/host/api.js';

const work = loaderScratch('socklab-loader-native-');
const withTool = <T>(tool: string, f: () => Promise<T>): Promise<T> => withToolIn(work, tool, f);

/** What must not depend on the tool: the whole outcome but wall-clock figures. */
function behaviour(o: RunOutcome): unknown {
  return {
    status: o.status,
    stdout: o.stdout,
    stderr: o.stderr,
    trace: o.trace,
    elapsedNs: o.elapsedNs,
    processes: o.processes.map((p) => ({ name: p.name, exit: p.exit, stdout: p.stdout })),
  };
}

async function both(spec: RunOptions): Promise<[RunOutcome, RunOutcome]> {
  const native = wasmOptPath();
  const js = await withTool('none', () => run(spec));
  const nat = await withTool(native, () => run(spec));
  return [js, nat];
}

describe('loader: native wasm-opt and binaryen.js prepare modules that behave the same', () => {
  it('uses the native tool when told, with bytes of its own and a cache entry of its own', async () => {
    const native = wasmOptPath();
    const bytes = readFileSync(guest('fuel_work'));
    const load = (tool: string) => withTool(tool, async () => {
      const m = await loadModule(bytes, 'fuel_work.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: true });
      const again = await loadModule(bytes, 'fuel_work.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: true });
      const dir = process.env.SOCKLAB_CACHE!;
      const files = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
      return { m, again, tool: nativeWasmOpt(), files, bytes: readFileSync(join(dir, files[0]!)) };
    });
    const js = await load('none');
    const nat = await load(native);
    expect(js.tool).toBeNull();
    expect(nat.tool?.path).toBe(native);
    expect([js.m.cached, js.again.cached, nat.m.cached, nat.again.cached]).toEqual([false, true, false, true]);
    expect(js.files).toHaveLength(1);
    expect(nat.files).toHaveLength(1);
    expect(nat.files[0]).not.toBe(js.files[0]);
    expect(Buffer.compare(nat.bytes, js.bytes)).not.toBe(0);
    const exports = (m: WebAssembly.Module): string[] => WebAssembly.Module.exports(m).map((e) => `${e.kind} ${e.name}`).sort();
    const imports = (m: WebAssembly.Module): string[] => WebAssembly.Module.imports(m).map((e) => `${e.kind} ${e.module}.${e.name}`).sort();
    expect(exports(nat.m.module)).toEqual(exports(js.m.module));
    // wasm-opt 108 keeps an import whose last caller it removed (fd_close here), which binaryen.js 132 drops: unused, and socklab provides it anyway.
    expect(imports(nat.m.module)).toEqual(expect.arrayContaining(imports(js.m.module)));
    for (const i of WebAssembly.Module.imports(nat.m.module)) expect(KNOWN_IMPORTS.has(`${i.module}.${i.name}`) || i.module === 'socklab_rt').toBe(true);
    expect(exports(js.m.module)).toContain('function asyncify_start_unwind');
    expect(exports(js.m.module)).toContain('global socklab_fuel');
  });

  it('falls back to binaryen.js when the wasm-opt found is too old or fails', async () => {
    // A custom section of its own, so no other test's module is in the loader's memory under the same hash.
    const tag = Buffer.from('\x0bfallback-test', 'latin1');
    const bytes = Buffer.concat([readFileSync(guest('fuel_work')), Buffer.from([0, tag.length]), tag]);
    const prepared = (tool: string) => withTool(tool, async () => {
      const m = await loadModule(bytes, 'fuel_work.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: true });
      const dir = process.env.SOCKLAB_CACHE!;
      return { cached: m.cached, bytes: readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.wasm'))!)) };
    });
    const fake = (name: string, version: number): string => {
      const f = join(work, name);
      writeFileSync(f, `#!/bin/sh\nif [ "$1" = --version ]; then echo "wasm-opt version ${version} (fake)"; exit 0; fi\necho "Fatal: cannot do it" >&2\nexit 1\n`);
      chmodSync(f, 0o755);
      return f;
    };
    const js = await prepared('none');
    const failing = await prepared(fake('failing-wasm-opt', 200));
    const old = await prepared(fake('old-wasm-opt', 90));
    expect(js.cached).toBe(false);
    expect(Buffer.compare(failing.bytes, js.bytes)).toBe(0);
    expect(Buffer.compare(old.bytes, js.bytes)).toBe(0);
  });

  it('counts the same fuel for the same work, and stops a spinning guest at the same count', async () => {
    const work = { processes: [{ module: guest('fuel_work'), name: 'work', args: ['2000'] }], fuel: 1_000_000_000, timeoutMs: 60_000 };
    const [a, b] = await both(work);
    expect(a.status).toBe(0);
    expect(a.processes[0]!.exit.fuel).toBeGreaterThan(134100);
    expect(behaviour(b)).toEqual(behaviour(a));
    const spin = { processes: [{ module: guest('fuel_work'), name: 'spin', args: ['0'] }, { module: join(ROOT, 'wasm', 'tests', 'examples_sleeper.wasm'), name: 'sleeper', args: ['s', '5', '3'] }], fuel: 20_000_000, timeoutMs: 60_000 };
    const [c, d] = await both(spin);
    expect(c.processes[0]!.exit.signal).toBe('SIGXCPU');
    expect(c.processes[1]!.exit.status).toBe(0);
    expect(behaviour(d)).toEqual(behaviour(c));
  });

  it('gives the same trace for the TCP echo demo counted with --fuel', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'tcp-echo', 'demo.yaml'));
    const [a, b] = await both({ ...spec, fuel: 5_000_000, trace: {}, output: 'discard' });
    expect(a.status).toBe(0);
    expect(a.trace).toContain('accept');
    expect(behaviour(b)).toEqual(behaviour(a));
  });

  it('gives the same trace for fork and signals, without fuel', async () => {
    for (const [name, args] of [['diff_fork_memory', []], ['diff_sig_echo', []]] as const) {
      const [a, b] = await both({ processes: [{ module: guest(name), name, args: [...args] }], trace: {}, timeoutMs: 60_000 });
      expect(a.trace!.length).toBeGreaterThan(0);
      expect(behaviour(b)).toEqual(behaviour(a));
    }
  });
});
