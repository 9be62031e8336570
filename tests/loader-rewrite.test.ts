// With a native wasm-opt, the steps before Asyncify are a rewrite of the
// module's bytes (host/loader/rewrite.ts) instead of binaryen.js. Whole
// guests are compared both ways in tests/loader-native.test.ts; here, small
// modules with what is rare in a C guest (a start section, memory.grow in a
// loop, ref.func and both element segment forms, a narrowed i64 import
// reached through a table, a name section) are prepared both ways and run
// against recording imports: same calls, same results, same fuel. A module
// the rewrite does not decode (atomics) goes to binaryen.js instead. And a
// fresh `socklab run` with wasm-opt present never imports binaryen.js.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { ROOT } from './helpers.js';
import { loadModule, ModuleError } from '../dist/host/loader/module.js';
import { rewriteModule } from '../dist/host/loader/rewrite.js';
import { loaderScratch, wasmOptPath, withTool as withToolIn } from './loader-tools.js';
import { ASYNC_IMPORTS, KNOWN_IMPORTS } from '../dist/host/syscalls.js';

const work = loaderScratch('socklab-loader-rewrite-');
const withTool = <T>(tool: string, f: () => Promise<T>): Promise<T> => withToolIn(work, tool, f);

/** Assembles text with what Node 20 runs (Features.All would emit GC encodings), `extra` on top. */
function assemble(wat: string, names = false, extra = 0): Uint8Array {
  const mod = binaryen.parseText(wat);
  const F = binaryen.Features;
  mod.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.SignExt | F.ReferenceTypes | F.Multivalue | F.TailCall | extra);
  binaryen.setDebugInfo(names);
  try {
    return mod.emitBinary();
  } finally {
    binaryen.setDebugInfo(false);
    mod.dispose();
  }
}

// A start section, memory.grow in a loop and outside one, ref.func in a global and in an
// expression-form element segment, a plain element segment, clock_time_get (narrowed: its
// i64 becomes two i32s) called directly and through the table, a multivalue block, a
// mutable global for fork, and loops nested in a loop.
const TRICKY = `
(module
  (type $clock_t (func (param i32 i64 i32) (result i32)))
  (type $un (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (type $clock_t)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1 3)
  (table 5 funcref)
  (elem (i32.const 0) $twice $thrice)
  (elem (i32.const 2) funcref (ref.func $clock) (ref.func $sum))
  (global $sp (mut i32) (i32.const 4096))
  (global $fref funcref (ref.func $thrice))
  (start $init)
  (func $init (global.set $sp (i32.const 8192)) (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0))))
  (func $twice (type $un) (i32.mul (local.get 0) (i32.const 2)))
  (func $thrice (type $un) (i32.mul (local.get 0) (i32.const 3)))
  (func $sum (type $un) (local $i i32) (local $s i32)
    (block $out
      (loop $outer
        (br_if $out (i32.ge_u (local.get $i) (local.get 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (block $inner_out
          (loop $inner
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br_if $inner (i32.lt_u (i32.rem_u (local.get $s) (i32.const 3)) (i32.const 2)))))
        (br $outer)))
    (local.get $s))
  (func $pair (result i32 i32) (i32.const 5) (i32.const 6))
  (func $wclock (type $clock_t) (local $unused i32)
    (i32.and (call $clock (local.get 0) (local.get 1) (local.get 2)) (i32.const 65535)))
  (func $wswap (type $clock_t)
    (call $clock (local.get 2) (local.get 1) (local.get 0)))
  (func $main (export "_start") (local $k i32) (local $r i32)
    (drop (call $clock (i32.const 1) (i64.const 0x300000002) (i32.const 16)))
    (drop (call_indirect (type $clock_t) (i32.const 2) (i64.const -1) (i32.const 24) (i32.const 2)))
    (drop (call $wclock (i32.const 3) (i64.const 0x500000004) (i32.const 32)))
    (drop (call $wswap (i32.const 40) (i64.const 7) (i32.const 4)))
    (loop $grow
      (local.set $r (i32.add (local.get $r) (memory.grow (i32.const 1))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $grow (i32.lt_u (local.get $k) (i32.const 3))))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $un) (i32.const 7) (i32.const 0))))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $un) (i32.const 7) (i32.const 1))))
    (table.set (i32.const 4) (global.get $fref))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $un) (i32.const 1) (i32.const 4))))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $un) (i32.const 10) (i32.const 3))))
    (local.set $r (i32.add (local.get $r) (i32.add (call $pair))))
    (local.set $r (i32.add (local.get $r) (memory.size)))
    (call $exit (global.get $sp))
    (call $exit (local.get $r))))
`;

/** Runs a prepared module's _start against recording imports: what it called, its exit, and the fuel it used. */
function runRecorded(module: WebAssembly.Module): { calls: string[]; fuel: bigint; exits: number[] } {
  const calls: string[] = [];
  const exits: number[] = [];
  let fuel: WebAssembly.Global | undefined;
  const REFILL = 1_000_000n;
  let granted = 0n;
  const rec = (name: string) => (...a: number[]) => {
    calls.push(`${name}(${a.join(',')})`);
    return 0;
  };
  const imports = {
    wasi_snapshot_preview1: {
      fd_write: rec('fd_write'),
      clock_time_get$i32: rec('clock_time_get$i32'),
      proc_exit: (s: number) => {
        exits.push(s);
      },
    },
    socklab_rt: {
      // The id differs (binaryen.js numbers the memory.grow sites, the byte path passes 0) and the host ignores it.
      memory_grow_pre: (_id: number, d: number) => (calls.push(`memory_grow_pre(${d})`), d),
      memory_grow_post: (_id: number, r: number) => (calls.push(`memory_grow_post(${r})`), r),
      fuel_exhausted: () => {
        granted += REFILL + 1n;
        fuel!.value = REFILL;
      },
    },
  };
  // Only what the module imports (the two paths may keep different unused imports).
  const given: Record<string, Record<string, unknown>> = {};
  for (const i of WebAssembly.Module.imports(module)) {
    const f = (imports as Record<string, Record<string, unknown>>)[i.module]?.[i.name];
    if (!f) throw new Error(`unexpected import ${i.module}.${i.name}`);
    (given[i.module] ??= {})[i.name] = f;
  }
  const inst = new WebAssembly.Instance(module, given as WebAssembly.Imports);
  fuel = inst.exports['socklab_fuel'] as WebAssembly.Global | undefined;
  (inst.exports['_start'] as () => void)();
  return { calls, exits, fuel: fuel ? granted - (fuel.value as bigint) : -1n };
}

describe('loader: the byte rewrite before a native Asyncify', () => {
  it('prepares a module with a start section, memory.grow in a loop, element segments and a narrowed import as binaryen.js does', async () => {
    const native = wasmOptPath();
    const bytes = assemble(TRICKY);
    for (const fuel of [true, false]) {
      const prepare = (tool: string) => withTool(tool, () => loadModule(bytes, 'tricky.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel }));
      const js = runRecorded((await prepare('none')).module);
      const nat = runRecorded((await prepare(native)).module);
      expect(nat).toEqual(js);
      // The start function ran first; the i64 reached the host as (low, high), directly and through the table.
      expect(js.calls).toEqual([
        'fd_write(1,0,0,0)',
        'clock_time_get$i32(1,2,3,16)',
        'clock_time_get$i32(2,-1,-1,24)',
        'clock_time_get$i32(3,4,5,32)',
        'clock_time_get$i32(4,7,0,40)',
        ...[1, 2, 3].flatMap((p) => ['memory_grow_pre(1)', `memory_grow_post(${p})`]),
      ]);
      // The start function's global write is seen by _start; then 1+2+3 from the growth, 14+21+3 through the table and ref.func, sum(10) = 29, 5+6, 4 pages.
      expect(js.exits).toEqual([8192, 6 + 14 + 21 + 3 + 29 + 11 + 4]);
      // Entries: socklab$start, init, main, wclock, wswap, twice, thrice, thrice, sum, pair (10); loops: 3 of grow, 11 of sum's outer, 29 of its inner.
      expect(js.fuel).toBe(fuel ? 10n + 3n + 11n + 29n : -1n);
    }
  });

  it('renumbers the name section and keeps the module valid', () => {
    const bytes = assemble(TRICKY, true);
    const out = rewriteModule(bytes, 'tricky.wasm', { narrow: new Set(['wasi_snapshot_preview1.clock_time_get']), fuel: true });
    expect(WebAssembly.validate(out as Uint8Array<ArrayBuffer>)).toBe(true);
    const mod = binaryen.readBinary(out);
    try {
      const names = Array.from({ length: mod.getNumFunctions() }, (_, i) => {
        const f = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
        return f.module ? `${f.name}=${f.module}.${f.base}` : f.name;
      });
      expect(names).toEqual([
        'fd_write=wasi_snapshot_preview1.fd_write',
        'clock=wasi_snapshot_preview1.clock_time_get$i32',
        'exit=wasi_snapshot_preview1.proc_exit',
        'socklab$memory_grow_pre=socklab_rt.memory_grow_pre',
        'socklab$memory_grow_post=socklab_rt.memory_grow_post',
        'socklab$fuel_exhausted=socklab_rt.fuel_exhausted',
        'init', 'twice', 'thrice', 'sum', 'pair', 'wclock', 'wswap', 'main',
        'socklab$narrow$clock_time_get', 'socklab$grow', 'socklab$start',
      ]);
      // A function that starts by passing its parameters to the narrowed import (wasi-libc's wrapper) splits the i64 itself; others call the shim.
      const text = mod.emitText();
      expect(text).toMatch(/\(func \$wclock[^]*?\(call \$clock\n[^]*?\(func \$wswap/);
      expect(text).toMatch(/\(func \$wswap[^]*?\(call \$socklab\$narrow\$clock_time_get\n/);
      // Local names stay with their (renumbered) functions.
      expect(binaryen.getFunctionInfo(mod.getFunction('sum')).vars).toHaveLength(2);
      expect(mod.emitText()).toMatch(/\(func \$sum[^\n]*\n\s*\(local \$i i32\)/);
    } finally {
      mod.dispose();
    }
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(out as Uint8Array<ArrayBuffer>)).map((e) => `${e.kind} ${e.name}`);
    expect(exports).toEqual(['memory memory', 'function _start', 'global socklab$global$0', 'global socklab_fuel']);
  });

  it('handles tail calls, sign extension, saturating truncation, bulk memory, table ops and SIMD, and refuses atomics in one line', () => {
    const ops = assemble(`
      (module
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (table $t 2 funcref)
        (elem declare func $f)
        (data $d "abcd")
        (func $f (param i32) (result i32) (return_call $g (i32.extend8_s (local.get 0))))
        (func $g (param i32) (result i32) (i32.trunc_sat_f32_s (f32.convert_i32_s (local.get 0))))
        (func (export "_start")
          (memory.init $d (i32.const 0) (i32.const 0) (i32.const 4))
          (data.drop $d)
          (memory.copy (i32.const 8) (i32.const 0) (i32.const 4))
          (memory.fill (i32.const 16) (i32.const 7) (i32.const 4))
          (table.set $t (i32.const 1) (ref.func $f))
          (drop (table.grow $t (ref.null func) (i32.const 1)))
          (v128.store (i32.const 32) (i8x16.shuffle 16 17 18 19 16 17 18 19 0 1 2 3 4 5 6 7 (v128.const i32x4 1 2 3 4) (v128.load (i32.const 0))))
          (v128.store8_lane 3 (i32.const 48) (v128.load32_zero (i32.const 0)))
          (call $exit (i32.add (i32x4.extract_lane 1 (v128.load (i32.const 32))) (call_indirect (param i32) (result i32) (i32.const 0x1ff) (i32.const 1))))))
    `);
    const out = rewriteModule(ops, 'ops.wasm', { narrow: new Set(), fuel: true });
    let status = -1;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(out as Uint8Array<ArrayBuffer>), {
      wasi_snapshot_preview1: { proc_exit: (s: number) => void (status = s) },
      socklab_rt: { memory_grow_pre: (_: number, d: number) => d, memory_grow_post: (_: number, r: number) => r, fuel_exhausted: () => void ((inst.exports['socklab_fuel'] as WebAssembly.Global).value = 1000n) },
    });
    (inst.exports['_start'] as () => void)();
    // Lane 1 of the shuffle is "abcd" (bytes 16-19: the second operand's first four), plus extend8_s(0xff) = -1 through the table.
    expect(status).toBe(0x64636261 - 1);
    // 1000 granted, 3 entries (_start, f, g: the tail call enters g) plus the first charge that called the host.
    expect(1000n - (inst.exports['socklab_fuel'] as WebAssembly.Global).value + 1n).toBe(3n);

    const atomics = assemble(`
      (module (memory (export "memory") 1 1)
        (func (export "_start") (drop (i32.atomic.load (i32.const 0)))))
    `, false, binaryen.Features.Atomics);
    expect(() => rewriteModule(atomics, 'atomic.wasm', { narrow: new Set(), fuel: false })).toThrow(ModuleError);
    expect(() => rewriteModule(atomics, 'atomic.wasm', { narrow: new Set(), fuel: false })).toThrow(/^atomic\.wasm uses threads \(atomics\) \(opcode 0xfe\), which socklab cannot prepare; build for wasm32-wasip1 without it$/);
 
  });

  it('leaves a module the rewrite refuses to binaryen.js, which prepares it as before', async () => {
    const native = wasmOptPath();
    const atomics = assemble(`
      (module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") 1 1)
        (func (export "_start") (i32.store (i32.const 0) (i32.const 41)) (call $exit (i32.add (i32.const 1) (i32.atomic.load (i32.const 0))))))
    `, false, binaryen.Features.Atomics);
    const prepare = (tool: string) => withTool(tool, async () => {
      const m = await loadModule(atomics, 'atomic.wasm', ASYNC_IMPORTS, KNOWN_IMPORTS, { fuel: true });
      const dir = process.env.SOCKLAB_CACHE!;
      return { run: runRecorded(m.module), bytes: readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.wasm'))!)) };
    });
    const js = await prepare('none');
    const nat = await prepare(native);
    expect(js.run.exits).toEqual([42]);
    expect(nat.run).toEqual(js.run);
    expect(Buffer.compare(nat.bytes, js.bytes)).toBe(0);
  });

  it('never imports binaryen.js in a fresh `socklab run` when wasm-opt is present, and does without one', () => {
    const native = wasmOptPath();
    // A resolve hook (in every thread, through --import) that logs each import of binaryen.
    const log = join(work, 'imports.log');
    writeFileSync(join(work, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) {\n  if (s === 'binaryen') appendFileSync(${JSON.stringify(log)}, s + '\\n');\n  return next(s, c);\n}\n`);
    writeFileSync(join(work, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${join(work, 'hooks.mjs')}`).href)});\n`);
    const hello = join(ROOT, 'wasm', 'tests', 'examples_hello.wasm');
    const imported = (tool: string): { status: number | null; stdout: string; binaryen: boolean } => {
      writeFileSync(log, '');
      const r = spawnSync(process.execPath, ['--import', join(work, 'register.mjs'), join(ROOT, 'bin', 'socklab.js'), 'run', hello], {
        env: { ...process.env, SOCKLAB_CACHE: join(work, `cli-cache-${tool === 'none' ? 'js' : 'native'}`), SOCKLAB_WASM_OPT: tool },
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { status: r.status, stdout: r.stdout, binaryen: readFileSync(log, 'utf8').includes('binaryen') };
    };
    const nat = imported(native);
    const js = imported('none');
    expect(nat.status).toBe(0);
    expect(nat.stdout).toBe(js.stdout);
    expect(nat.stdout.length).toBeGreaterThan(0);
    expect(nat.binaryen).toBe(false);
    expect(js.binaryen).toBe(true);
  });
});
