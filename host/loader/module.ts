// Loading a guest: check what it is, then pass it once through Binaryen
// (memory.grow hooks for --max-memory, Asyncify for suspending syscalls) and
// cache the result on disk by content hash, so the next run starts fast.
// Modules built elsewhere are handled the same way.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { inspectWasm } from './inspect.js';
import { readUserFile, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';
import { FUEL_IMPORT, instrumentFuel } from './fuel.js';

export interface LoadOptions {
  /** Count guest work (loader/fuel.ts): for a CPU limit and preemption of syscall-free loops. */
  fuel?: boolean;
}

export interface LoadedModule {
  module: WebAssembly.Module;
  /** sha256 of the original bytes. */
  hash: string;
  name: string;
  /** Whether the transformed module came from the disk cache. */
  cached: boolean;
  /** Instrumented with fuel counting (exports socklab_fuel, imports socklab_rt.fuel_exhausted). */
  fuel: boolean;
}

/** Bump when the transformation changes, so old cache entries are not reused. */
const TRANSFORM_VERSION = 'v2';

export class ModuleError extends Error {}

export function cacheDir(): string {
  if (process.env.SOCKLAB_CACHE) return resolve(process.env.SOCKLAB_CACHE);
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'socklab');
}

const memo = new Map<string, WebAssembly.Module>();

/**
 * Validates, transforms (or fetches from the cache) and compiles a guest.
 * `asyncImports` lists "module.name" imports that may suspend.
 */
export async function loadModule(bytes: Uint8Array, name: string, asyncImports: readonly string[], knownImports: ReadonlySet<string>, opts: LoadOptions = {}): Promise<LoadedModule> {
  const info = inspectWasm(bytes);
  if (info.kind === 'component') {
    throw new ModuleError(`${name} is a WebAssembly component (WASI preview 2); socklab runs core wasm32-wasip1 modules (build with --target=wasm32-wasip1)`);
  }
  if (info.kind === 'invalid') throw new ModuleError(`${name} ${info.why}`);
  if (info.memory64) throw new ModuleError(`${name} is a wasm64 (memory64) module; socklab runs wasm32-wasip1 modules`);
  if (!info.exports.includes('_start')) {
    const wasi = info.imports.some((i) => i.module === 'wasi_snapshot_preview1');
    throw new ModuleError(
      `${name} has no _start export: it is not a WASI command${wasi ? ' (a reactor or library module?)' : ' (it does not import wasi_snapshot_preview1)'}`,
    );
  }
  if (!info.exports.includes('memory')) throw new ModuleError(`${name} exports no memory; socklab needs the guest's linear memory exported as "memory"`);
  const unknown = info.imports.filter((i) => !knownImports.has(`${i.module}.${i.name}`));
  if (unknown.length) {
    const list = unknown.slice(0, 5).map((i) => `${i.module}.${i.name}`).join(', ');
    throw new ModuleError(`${name} imports ${list}${unknown.length > 5 ? ', ...' : ''}, which socklab does not provide`);
  }
  if (info.imports.some((i) => i.module === 'socklab_rt') || info.exports.includes('asyncify_start_unwind')) {
    throw new ModuleError(`${name} is already transformed by socklab or another Asyncify user; give the original module`);
  }

  const hash = createHash('sha256').update(bytes).digest('hex');
  const fuel = opts.fuel === true;
  const key = createHash('sha256').update(`${TRANSFORM_VERSION}${fuel ? '+fuel' : ''}\n${[...asyncImports].sort().join(',')}\n${hash}`).digest('hex');
  const hit = memo.get(key);
  if (hit) return { module: hit, hash, name, cached: true, fuel };

  const file = join(cacheDir(), `${key}.wasm`);
  let out: Uint8Array | undefined;
  let cached = false;
  if (existsSync(file)) {
    try {
      out = readFileSync(file);
      cached = true;
    } catch {
      out = undefined;
    }
  }
  if (!out) {
    out = await transform(bytes, asyncImports, fuel);
    try {
      mkdirSync(cacheDir(), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, out);
      renameSync(tmp, file);
    } catch {
      // A read-only cache only costs speed.
    }
  }
  const module = await WebAssembly.compile(out as Uint8Array<ArrayBuffer>);
  memo.set(key, module);
  return { module, hash, name, cached, fuel };
}

async function transform(bytes: Uint8Array, asyncImports: readonly string[], fuel: boolean): Promise<Uint8Array> {
  const { default: binaryen } = await import('binaryen');
  const mod = binaryen.readBinary(bytes);
  try {
    // What V8 in Node 20 runs; Features.All would let Binaryen emit encodings Node cannot load.
    const F = binaryen.Features;
    mod.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.CallIndirectOverlong | F.SignExt | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.TailCall);
    // memory.grow goes through socklab_rt.memory_grow_pre so --max-memory can stop a hog.
    binaryen.setPassArgument('instrument-memory', 'memory.grow');
    mod.runPasses(['instrument-memory']);
    renameImports(mod, binaryen);
    // Fuel before Asyncify, so the guest can be suspended inside fuel_exhausted like inside a syscall.
    if (fuel) instrumentFuel(mod, binaryen);
    const unwinds = fuel ? [...asyncImports, `${FUEL_IMPORT.module}.${FUEL_IMPORT.base}`] : asyncImports;
    binaryen.setPassArgument('asyncify-imports', unwinds.join(','));
    binaryen.setOptimizeLevel(1);
    binaryen.setShrinkLevel(0);
    mod.runPasses(['asyncify', 'remove-unused-module-elements']);
    binaryen.setPassArgument('instrument-memory', null as unknown as string);
    binaryen.setPassArgument('asyncify-imports', null as unknown as string);
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}

type Binaryen = typeof import('binaryen').default;
type BModule = InstanceType<Binaryen['Module']>;

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

/** Reads a module file (a regular file, at most 256 MiB), with a clear error otherwise. */
export function readModuleFile(path: string): Uint8Array {
  try {
    return readUserFile(path, { maxBytes: USER_FILE_LIMITS.module, what: 'module' });
  } catch (e) {
    throw e instanceof UserFileError ? new ModuleError(`cannot read ${path}: ${e.reason}`) : e;
  }
}
