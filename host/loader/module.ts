// Loading a guest: check what it is, then transform it once (memory.grow
// hooks for --max-memory, fuel, Asyncify for suspending syscalls), in a byte
// rewrite and a native wasm-opt when there is one, else in binaryen.js, and
// cache the result on disk by content hash, so the next run starts fast.
// A module file is found in that cache by its identity (cache.ts's index),
// so an unchanged file is not hashed and node:crypto is not even loaded.
// Modules built elsewhere are handled the same way.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatType, inspectWasm, isComponent, sameType, type CoreModuleInfo, type ExportInfo, type FuncType } from './inspect.js';
import { readUserFile, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';
import { FUEL_IMPORT, instrumentFuel } from './fuel.js';
import { dropSection, raiseMemoryMaximum } from './sections.js';
import { rewriteModule, RewriteUnsupported } from './rewrite.js';
import type { GuestImage } from '../kernel/process.js';
import { ASYNCIFY_PAGES, GLOBAL_EXPORT_PREFIX, NARROW_SUFFIX } from '../abi/layout.js';
import { cacheDir, fileIdentity, indexLookup, indexRecord, ModuleError, type FileIdentity } from './cache.js';
import { nativeAsyncify, NativeToolError, nativeUsable, nativeWasmOpt, sameTool, type NativeTool } from './wasmopt.js';

export { cacheDir, ModuleError } from './cache.js';

export interface LoadOptions {
  /** Count guest work (loader/fuel.ts): for a CPU limit and preemption of syscall-free loops. */
  fuel?: boolean;
  /**
   * Loads a WASI 0.2 component (host/component/load.ts loadComponentModule, passed in by the runner): the loader
   * sits under the component layer, which builds on it. Without it a component is refused with a message.
   */
  component?: (bytes: Uint8Array, name: string, opts: LoadOptions) => Promise<LoadedModule>;
}

/** A loaded module: what the kernel runs (defined by the kernel, host/kernel/process.ts, so that it imports no loader). */
export type LoadedModule = GuestImage;

/** Bump when the transformation changes, so old cache entries are not reused. */
const TRANSFORM_VERSION = 'v8';
/** The cache key's name for the Asyncify step run by binaryen.js (a native wasm-opt is named by loader/wasmopt.ts). */
const BINARYEN_JS = 'binaryen.js';
/** The cache key's name for the steps before a native Asyncify, done on the bytes (loader/rewrite.ts). */
const BYTE_REWRITE = 'bytes';



/**
 * The largest modules socklab transforms: Asyncify, and more so fuel
 * counting, take time that grows with the code (seconds for a few thousand
 * functions with --fuel, minutes for hundreds of thousands), so a bigger
 * module is refused instead of tying up the machine. Socket programs, even
 * with a large libc, have a few hundred to a few thousand functions.
 */
export const LOAD_LIMITS = {
  /** Bytes of module. */
  bytes: 32 << 20,
  /** Functions defined in the module. */
  functions: 50_000,
  /** Functions defined in the module, when counting fuel (--fuel, grading's cpu). */
  fuelFunctions: 20_000,
} as const;


const memo = new Map<string, WebAssembly.Module>();

/**
 * The checks loadModule makes before preparing a module, alone: a grader calls it on a student's
 * freshly built module, so that an unknown import or an oversized module is the submission's
 * one-line build error rather than a failure of every test.
 */
export function validateModule(
  bytes: Uint8Array,
  name: string,
  knownImports: ReadonlySet<string> | ReadonlyMap<string, FuncType>,
  opts: { fuel?: boolean } = {},
): void {
  if (isComponent(bytes)) return;
  checkSize(bytes, checkModule(bytes, name, knownImports), name, opts.fuel === true);
}

/**
 * Validates, transforms (or fetches from the cache) and compiles a guest.
 * `asyncImports` lists "module.name" imports that may suspend.
 */
export function loadModule(
  bytes: Uint8Array,
  name: string,
  asyncImports: readonly string[],
  knownImports: ReadonlySet<string> | ReadonlyMap<string, FuncType>,
  opts: LoadOptions = {},
): Promise<LoadedModule> {
  return load(bytes, name, asyncImports, knownImports, opts, undefined);
}

/**
 * loadModule for a module file (readModuleFile's checks): while the file is
 * unchanged (device, inode, size, mtime and ctime in ns, as stat'ed before
 * its bytes are read), its cache entry is found through the index in the
 * cache folder without hashing it or looking for a native wasm-opt.
 */
export function loadModuleFile(
  path: string,
  name: string,
  asyncImports: readonly string[],
  knownImports: ReadonlySet<string> | ReadonlyMap<string, FuncType>,
  opts: LoadOptions = {},
): Promise<LoadedModule> {
  const id = fileIdentity(path);
  return load(readModuleFile(path), name, asyncImports, knownImports, opts, id);
}

async function load(
  bytes: Uint8Array,
  name: string,
  asyncImports: readonly string[],
  knownImports: ReadonlySet<string> | ReadonlyMap<string, FuncType>,
  opts: LoadOptions,
  id: FileIdentity | undefined,
): Promise<LoadedModule> {
  if (isComponent(bytes)) {
    if (opts.component === undefined) throw new ModuleError(componentRefused(name));
    return opts.component(bytes, name, opts);
  }
  const info = checkModule(bytes, name, knownImports);
  const memory = info.memory ?? { initial: 0 };
  checkSize(bytes, info, name, opts.fuel === true);

  const fuel = opts.fuel === true;
  const narrow = knownImports instanceof Map ? [...knownImports].filter(([, t]) => t.narrow).map(([k]) => k).sort() : [];
  const async = [...asyncImports].sort().join(',');
  // What else makes the key, short of the tool: its identity is known only after a search of PATH, which a hit skips.
  // A hit keeps the tool its miss used (a module from wasm-opt and one from binaryen.js behave the same) while that
  // binary is unchanged; a changed $SOCKLAB_WASM_OPT or PATH is a miss, so choosing the tool still takes effect.
  const params = id && `${TRANSFORM_VERSION}${fuel ? '+fuel' : ''}\n${async}\n${narrow.join(',')}\n${process.env.SOCKLAB_WASM_OPT ?? '-'}\n${process.env.PATH ?? ''}`;
  if (id && params) {
    const e = indexLookup(id, params);
    // The wasm-opt that prepared it, if one did, is still there unchanged (an upgrade prepares the module again, as without the index).
    const got = e && (!e.tool || sameTool(e.tool)) && (await fromCache(e.key));
    if (got) return { module: got.module, hash: e.hash, name, cached: true, byIdentity: true, fuel, memory };
  }

  const hash = createHash('sha256').update(bytes).digest('hex');
  // The tool is in the key: wasm-opt and binaryen.js give modules that behave the same but differ in bytes.
  const tool = nativeWasmOpt();
  const key = createHash('sha256').update(`${TRANSFORM_VERSION}${fuel ? '+fuel' : ''}\n${tool ? `${BYTE_REWRITE}+${tool.id}` : BINARYEN_JS}\n${async}\n${narrow.join(',')}\n${hash}`).digest('hex');
  let got: { module: WebAssembly.Module; cached: boolean } | undefined = await fromCache(key);
  if (!got) {
    const out = await transform(bytes, name, asyncImports, new Set(narrow), fuel, tool && (await nativeUsable(tool)) ? tool : null);
    try {
      mkdirSync(cacheDir(), { recursive: true });
      const file = cacheFile(key);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, out);
      renameSync(tmp, file);
    } catch {
      // A read-only cache only costs speed.
    }
    got = { module: await WebAssembly.compile(out as Uint8Array<ArrayBuffer>), cached: false };
    memo.set(key, got.module);
  }
  if (id && params) indexRecord(id, params, { hash, key, ...(tool ? { tool: { path: tool.path, id: tool.id } } : {}) });
  return { module: got.module, hash, name, cached: got.cached, fuel, memory };
}

const cacheFile = (key: string): string => join(cacheDir(), `${key}.wasm`);

/** The transformed module under `key`: compiled already in this thread, or compiled from the cache folder; undefined if neither. */
/**
 * A small module is compiled on this thread, synchronously: V8's asynchronous compile hands the work to its
 * background threads and the result back through a task, which for a hello world's ~130 KB costs more than the
 * compile (~2 ms against ~4 ms, more on a busy machine). A large one is compiled asynchronously, so that this
 * thread's event loop (real sockets, the host's messages) is never held for long (an execve's image loads mid-run).
 */
const SYNC_COMPILE_MAX = 512 << 10;
async function compileCached(bytes: Uint8Array): Promise<WebAssembly.Module> {
  return bytes.length <= SYNC_COMPILE_MAX ? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) : WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
}

async function fromCache(key: string): Promise<{ module: WebAssembly.Module; cached: true } | undefined> {
  const hit = memo.get(key);
  if (hit) return { module: hit, cached: true };
  let out: Uint8Array;
  try {
    out = readFileSync(cacheFile(key));
  } catch {
    return undefined;
  }
  const module = await compileCached(out);
  memo.set(key, module);
  return { module, cached: true };
}

/**
 * Everything that can be said about a module before running it: what it is,
 * that it is a WASI command with an exported memory, and that each import is
 * one socklab provides, with the type socklab gives it. Each refusal is one
 * line naming the module.
 */
function checkModule(bytes: Uint8Array, name: string, knownImports: ReadonlySet<string> | ReadonlyMap<string, FuncType>): CoreModuleInfo {
  const info = inspectWasm(bytes);
  if (info.kind === 'component') {
    throw new ModuleError(componentRefused(name));
  }
  if (info.kind === 'invalid') throw new ModuleError(`${name} ${info.why}`);
  if (info.memory64) throw new ModuleError(`${name} is a wasm64 (memory64) module; socklab runs wasm32-wasip1 modules`);
  const exp = (n: string): ExportInfo | undefined => info.exports.find((e) => e.name === n);
  const start = exp('_start');
  if (!start) {
    const wasi = info.imports.some((i) => i.module === 'wasi_snapshot_preview1');
    throw new ModuleError(
      `${name} has no _start export: it is not a WASI command${wasi ? ' (a reactor or library module?)' : ' (it does not import wasi_snapshot_preview1)'}`,
    );
  }
  if (start.kind !== 'function') throw new ModuleError(`${name}: export _start is ${article(start.kind)}, expected a function () -> ()`);
  if (start.type && (start.type.params.length || start.type.results.length)) {
    throw new ModuleError(`${name}: export _start has type ${formatType(start.type)}, expected () -> ()`);
  }
  const mem = exp('memory');
  if (!mem) throw new ModuleError(`${name} exports no memory; socklab needs the guest's linear memory exported as "memory"`);
  if (mem.kind !== 'memory') throw new ModuleError(`${name}: export memory is ${article(mem.kind)}, expected the guest's linear memory`);
  const unknown = info.imports.filter((i) => !knownImports.has(`${i.module}.${i.name}`));
  if (unknown.length) {
    const list = unknown.slice(0, 5).map((i) => `${i.module}.${i.name}`).join(', ');
    throw new ModuleError(`${name} imports ${list}${unknown.length > 5 ? ', ...' : ''}, which socklab does not provide`);
  }
  if (info.imports.some((i) => i.module === 'socklab_rt') || info.exports.some((e) => e.name === 'asyncify_start_unwind')) {
    throw new ModuleError(`${name} is already transformed by socklab or another Asyncify user; give the original module`);
  }
  if (knownImports instanceof Map) {
    for (const i of info.imports) {
      const want = knownImports.get(`${i.module}.${i.name}`) as FuncType;
      if (i.kind !== 'function') throw new ModuleError(`${name}: import ${i.module}.${i.name} is ${article(i.kind)}, expected a function ${formatType(want)}`);
      if (i.type && !sameType(i.type, want)) {
        throw new ModuleError(`${name}: import ${i.module}.${i.name} has type ${formatType(i.type)}, expected ${formatType(want)}`);
      }
    }
  }
  return info;
}

function checkSize(bytes: Uint8Array, info: CoreModuleInfo, name: string, fuel: boolean): void {
  const mib = (n: number): string => `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (bytes.length > LOAD_LIMITS.bytes) {
    throw new ModuleError(`${name} is ${mib(bytes.length)}; socklab prepares modules of at most ${mib(LOAD_LIMITS.bytes)}`);
  }
  const max = fuel ? LOAD_LIMITS.fuelFunctions : LOAD_LIMITS.functions;
  if (info.functions > max) {
    throw new ModuleError(`${name} has ${info.functions} functions; socklab prepares modules of at most ${max} functions${fuel ? ' with --fuel' : ''}, so that preparing one stays bounded`);
  }
}

/**
 * Asyncify's optimize level. Its clean-up optimisations at level 1 take 3/4 of the pass's time (wasm-opt 108:
 * 0.48 s of CPU for a 27 KB echo server, 0.13 s at level 0). Measured 2026-12-06 (`npm run bench`, fuel rows,
 * two runs each): a counted (--fuel) CPU-bound guest runs faster at level 0 (610 -> 500 ms: level 1's inlining
 * hurt the counted loops), an uncounted one slower (530 -> 580 ms) and with 30 MiB more host memory in the
 * 60,000-eventfd test (tests/sec-adversary2.test.ts). So level 0 with fuel (grading, whose every submission is
 * a new module to prepare), level 1 without.
 */
export function asyncifyLevel(fuel: boolean): 0 | 1 {
  return fuel ? 0 : 1;
}

function article(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

async function transform(bytes: Uint8Array, name: string, asyncImports: readonly string[], narrow: ReadonlySet<string>, fuel: boolean, native: NativeTool | null): Promise<Uint8Array> {
  const async = asyncImports.map((k) => (narrow.has(k) ? `${k}${NARROW_SUFFIX}` : k));
  const unwinds = fuel ? [...async, `${FUEL_IMPORT.module}.${FUEL_IMPORT.base}`] : async;
  if (native) {
    // With a native wasm-opt, the steps before Asyncify are a rewrite of the bytes (loader/rewrite.ts), so
    // binaryen.js is not imported: it prepares the whole module only if the tool fails or the rewrite
    // meets a feature it does not decode (atomics, exception handling), as before the rewrite existed.
    try {
      const pre = rewriteModule(raiseMemoryMaximum(bytes, ASYNCIFY_PAGES), name, { narrow, fuel });
      return await nativeAsyncify(native, pre, unwinds, name, asyncifyLevel(fuel));
    } catch (e) {
      if (e instanceof NativeToolError || e instanceof RewriteUnsupported) return transform(bytes, name, asyncImports, narrow, fuel, null);
      throw e;
    }
  }
  const { default: binaryen } = await import('binaryen');
  let mod: BModule | undefined;
  try {
    mod = binaryen.readBinary(raiseMemoryMaximum(bytes, ASYNCIFY_PAGES));
    // What V8 in Node 20 runs; Features.All would let Binaryen emit encodings Node cannot load.
    const F = binaryen.Features;
    mod.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.CallIndirectOverlong | F.SignExt | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.TailCall);
    const hadStart = startFromEntry(mod, binaryen);
    // memory.grow goes through socklab_rt.memory_grow_pre so --max-memory can stop a hog.
    binaryen.setPassArgument('instrument-memory', 'memory.grow');
    mod.runPasses(['instrument-memory']);
    renameImports(mod, binaryen);
    // fork() copies every mutable global into the child, __stack_pointer above all, which wasi-libc does not export.
    exportMutableGlobals(mod, binaryen);
    // Fuel before Asyncify, so the guest can be suspended inside fuel_exhausted like inside a syscall.
    if (fuel) instrumentFuel(mod, binaryen);
    // After fuel, so the shims cost none; before Asyncify, which unwinds from the narrowed imports instead.
    narrowImports(mod, binaryen, narrow);
    binaryen.setPassArgument('asyncify-imports', unwinds.join(','));
    binaryen.setOptimizeLevel(asyncifyLevel(fuel));
    binaryen.setShrinkLevel(0);
    mod.runPasses(['asyncify', 'remove-unused-module-elements']);
    const out = mod.emitBinary();
    return hadStart ? dropSection(out, 8) : out;
  } catch (e) {
    if (e instanceof Error) throw e;
    // Binaryen's own failures arrive as C++ exceptions: one line from their message.
    const what = String((binaryen as unknown as { getExceptionMessage?(x: unknown): string[] }).getExceptionMessage?.(e)?.[1] ?? e).replace(/^Fatal: /, '');
    if (/tail call/i.test(what)) throw new ModuleError(`${name} uses tail calls (return_call), which socklab's Asyncify transform cannot handle yet; build without -mtail-call`);
    throw new ModuleError(`${name}: socklab could not prepare the module (Binaryen: ${what.split('\n')[0]})`);
  } finally {
    binaryen.setPassArgument('instrument-memory', null as unknown as string);
    binaryen.setPassArgument('asyncify-imports', null as unknown as string);
    try {
      mod?.dispose();
    } catch {
      /* a failed pass may leave the module unusable; it is dropped anyway */
    }
  }
}

/**
 * A start section runs during instantiation, before socklab has the
 * process's memory, fds and exit handling in place (proc_exit there lost
 * its status). Instead, _start calls the start function first, as if the
 * guest had been instantiated and then started; the start section becomes
 * an empty function and is dropped from the output. Returns whether there
 * was one.
 */
function startFromEntry(mod: BModule, binaryen: Binaryen): boolean {
  const start = mod.getStart();
  if (!start) return false;
  const init = binaryen.getFunctionInfo(start).name;
  const entry = binaryen.getExportInfo(mod.getExport('_start')).value;
  const none = binaryen.none;
  mod.addFunction('socklab$no_start', none, none, [], mod.nop());
  mod.setStart(mod.getFunction('socklab$no_start'));
  mod.addFunction('socklab$start', none, none, [], mod.block(null, [mod.call(init, [], none), mod.call(entry, [], none)], none));
  mod.removeExport('_start');
  mod.addFunctionExport('socklab$start', '_start');
  return true;
}

type Binaryen = typeof import('binaryen').default;
type BModule = InstanceType<Binaryen['Module']>;


/**
 * Exports every mutable global the module defines under
 * GLOBAL_EXPORT_PREFIX + its index, so fork() can read them in the parent
 * and set them in the child (decision 8; shared/notes/fork.md). Run before
 * Asyncify and fuel, so only the program's own globals are listed.
 */
function exportMutableGlobals(mod: BModule, binaryen: Binaryen): void {
  const n = mod.getNumGlobals();
  for (let i = 0; i < n; i++) {
    const g = binaryen.getGlobalInfo(mod.getGlobalByIndex(i));
    if (!g.mutable || g.module) continue;
    mod.addGlobalExport(g.name, `${GLOBAL_EXPORT_PREFIX}${i}`);
  }
}

/** instrument-memory imports its hooks from "env"; move ours to socklab_rt and drop the unused load/store hooks. */
function renameImports(mod: BModule, binaryen: Binaryen): void {
  const n = mod.getNumFunctions();
  const drop: string[] = [];
  const infos = Array.from({ length: n }, (_, i) => binaryen.getFunctionInfo(mod.getFunctionByIndex(i)));
  for (const f of infos) {
    if (f.module === 'env' && f.base && /^(memory_grow_(pre|post)|load_|store_)/.test(f.base)) {
      if (f.base.startsWith('memory_grow')) {
        mod.removeFunction(f.name);
        mod.addFunctionImport(f.name, 'socklab_rt', f.base, f.params, f.results);
      } else drop.push(f.name);
    }
  }
  for (const name of drop) mod.removeFunction(name);
}

/**
 * Each listed import ("module.name") with an i64 parameter is imported
 * instead as name + NARROW_SUFFIX with that i64 split into two i32s (low,
 * high) in its place, behind a function of the original type that splits
 * it: V8 makes a BigInt of every i64 passed to JS (kernel/syscall.ts
 * narrowsI64).
 */
function narrowImports(mod: BModule, binaryen: Binaryen, narrow: ReadonlySet<string>): void {
  if (!narrow.size) return;
  const n = mod.getNumFunctions();
  const infos = Array.from({ length: n }, (_, i) => binaryen.getFunctionInfo(mod.getFunctionByIndex(i)));
  const { i32, i64 } = binaryen;
  for (const f of infos) {
    if (!f.module || !narrow.has(`${f.module}.${f.base}`)) continue;
    const params = binaryen.expandType(f.params);
    if (!params.includes(i64)) continue;
    const split = params.flatMap((t) => (t === i64 ? [i32, i32] : [t]));
    const inner = `socklab$narrow$${f.base}`;
    mod.removeFunction(f.name);
    mod.addFunctionImport(inner, f.module, `${f.base}${NARROW_SUFFIX}`, binaryen.createType(split), f.results);
    const args = params.flatMap((t, i) => {
      const v = (): number => mod.local.get(i, t);
      return t === i64 ? [mod.i32.wrap(v()), mod.i32.wrap(mod.i64.shr_u(v(), (mod.i64.const as unknown as (x: bigint) => number)(32n)))] : [v()];
    });
    mod.addFunction(f.name, f.params, f.results, [], mod.call(inner, args, f.results));
  }
}

/** Reads a module file (a regular file, at most 256 MiB), with a clear error otherwise. */
export function readModuleFile(path: string): Uint8Array {
  try {
    return readUserFile(path, { maxBytes: USER_FILE_LIMITS.module, what: 'module' });
  } catch (e) {
    throw e instanceof UserFileError ? new ModuleError(`cannot read ${path}: ${e.reason}`) : e;
  }
}

/** Where components cannot be run (a loadModule without LoadOptions.component). */
function componentRefused(name: string): string {
  return `${name} is a WebAssembly component (WASI preview 2); socklab runs core wasm32-wasip1 modules (build with --target=wasm32-wasip1)`;
}
