// Loading a WASI 0.2 component (design decision 11): jco transpiles it
// (--instantiation sync) into JS glue plus core modules; each core module that
// imports functions (so can call the host, and so can block) goes through the
// same Binaryen Asyncify pass as a preview1 guest. The whole output is cached
// on disk by content hash, next to host/loader's cache.
import { createHash, randomUUID } from 'node:crypto';
type Binaryen = typeof import('binaryen').default;
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, ModuleError } from '../loader/cache.js';
import { FUEL_IMPORT, instrumentFuel } from '../loader/fuel.js';
import type { LoadedModule } from '../loader/module.js';
import type { ComponentImage } from '../kernel/process.js';
import { WIDE_GLOBAL } from './canon.js';
import { SOCKLAB_INTERFACES } from './interfaces.js';
import { ComponentProcess } from './process.js';

/** Bump when the transformation changes (or the jco version does). */
const COMPONENT_TRANSFORM_VERSION = 'c8-jco-transpile-0.15.0';

/** The `instantiate` function jco's sync instantiation mode exports. */
export type InstantiateFn = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, Record<string, unknown>>,
  instantiateCore: (m: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => Record<string, unknown>;

export interface LoadedComponent extends ComponentImage {
  instantiate: InstantiateFn;
  /** Core modules by the name jco gives them ("x.core.wasm", ...). */
  modules: Map<string, WebAssembly.Module>;
  /** The core modules socklab Asyncified (they import functions, or count fuel). */
  asyncified: Set<WebAssembly.Module>;
  /** The core modules that count fuel (they import socklab_rt.fuel_exhausted and export socklab_fuel). */
  fueled: Set<WebAssembly.Module>;
  /** Per core module, the function imports (module.name) whose i64 result it takes as an f64 (widenI64Results). */
  wide: Map<WebAssembly.Module, Set<string>>;
  /** WASI interfaces the component imports, as jco names them ("wasi:cli/stdout"). */
  imports: string[];
  /** The glue jco generated (in the cache). */
  glue: string;
  /** What the kernel runs it as (the kernel itself does not load component code). */
  processClass: typeof ComponentProcess;
}

const memo = new Map<string, LoadedComponent>();
/** Transformations under way in this thread (two processes of one run load the same component at once). */
const pending = new Map<string, Promise<void>>();

export async function loadComponent(bytes: Uint8Array, name: string, opts: { fuel?: boolean } = {}): Promise<{ component: LoadedComponent; hash: string; cached: boolean }> {
  const fuel = opts.fuel === true;
  const hash = createHash('sha256').update(bytes).digest('hex');
  const key = createHash('sha256').update(`${COMPONENT_TRANSFORM_VERSION}${fuel ? '+fuel' : ''}\n${hash}`).digest('hex');
  const hit = memo.get(key);
  if (hit) return { component: hit, hash, cached: true };
  const dir = join(cacheDir(), `component-${key}`);
  let cached = existsSync(join(dir, 'done'));
  if (!cached) {
    let p = pending.get(key);
    if (!p) {
      p = transpileInto(bytes, name, dir, fuel).finally(() => pending.delete(key));
      pending.set(key, p);
    }
    await p;
  }
  const meta = JSON.parse(readFileSync(join(dir, 'done'), 'utf8')) as { imports: string[]; asyncified: string[]; fueled?: string[]; wide?: Record<string, string[]> };
  const unknown = meta.imports.filter((i) => !(SOCKLAB_INTERFACES as readonly string[]).includes(i.replace(/@[^/]*$/, '')));
  if (unknown.length) {
    throw new ModuleError(`${name} is a component importing ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}, which socklab does not provide`);
  }
  const modules = new Map<string, WebAssembly.Module>();
  const asyncified = new Set<WebAssembly.Module>();
  const fueled = new Set<WebAssembly.Module>();
  const wide = new Map<WebAssembly.Module, Set<string>>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.wasm')) continue;
    const m = await WebAssembly.compile(readFileSync(join(dir, f)));
    modules.set(f, m);
    if (meta.asyncified.includes(f)) asyncified.add(m);
    if (meta.fueled?.includes(f)) fueled.add(m);
    if (meta.wide?.[f]) wide.set(m, new Set(meta.wide[f]));
  }
  const glue = (await import(pathToFileURL(join(dir, 'component.js')).href)) as { instantiate: InstantiateFn };
  const component: LoadedComponent = { instantiate: glue.instantiate, modules, asyncified, fueled, wide, imports: meta.imports, glue: join(dir, 'component.js'), processClass: ComponentProcess };
  memo.set(key, component);
  return { component, hash, cached };
}

async function transpileInto(bytes: Uint8Array, name: string, dir: string, fuel: boolean): Promise<void> {
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  let out;
  try {
    out = await transpileBytes(bytes, {
      name: 'component',
      instantiation: 'sync',
      // Direct core functions where socklab gives a cabiLower factory (direct.ts), jco's JS lowering elsewhere.
      importBindings: 'hybrid',
      wasiShim: false,
      base64Cutoff: 0x7fffffff,
      emitTypescriptDeclarations: false,
      noComponentErrorWrapping: false,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ModuleError(`${name}: jco could not transpile the component: ${msg.split('\n')[0]}`);
  }
  // Unique per call: worker threads of one process share its pid.
  const tmp = `${dir}.${process.pid}.${randomUUID()}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const asyncified: string[] = [];
  const fueled: string[] = [];
  const wide: Record<string, string[]> = {};
  for (const [file, data] of Object.entries(out.files)) {
    let body: Uint8Array | string = data;
    if (file === 'component.js') body = patchGlue(new TextDecoder().decode(data));
    if (file.endsWith('.wasm')) {
      const m = new WebAssembly.Module(data as Uint8Array<ArrayBuffer>);
      const fnImports = WebAssembly.Module.imports(m).filter((i) => i.kind === 'function');
      const r = await transformCore(data, name, fnImports.map((i) => `${i.module}.${i.name}`), fuel);
      if (r) {
        body = r.bytes;
        asyncified.push(file);
        if (r.fueled) fueled.push(file);
        if (r.wide.length) wide[file] = r.wide;
      }
    }
    writeFileSync(join(tmp, file), body);
  }
  writeFileSync(join(tmp, 'done'), JSON.stringify({ imports: out.imports, asyncified, fueled, wide }));
  try {
    mkdirSync(join(dir, '..'), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch {
    // Another process won the race, or the cache is read-only: use ours from tmp.
    if (!existsSync(join(dir, 'done'))) renameSync(tmp, dir);
  }
}

/**
 * The preview1 loader's transformation (host/loader/module.ts) of one core
 * module of the component: with fuel, the fuel counter (host/loader/fuel.ts)
 * in every module that has code and a memory (jco's own shim modules, which
 * only forward calls through a table, have none), then Asyncify with the
 * module's function imports (and fuel_exhausted) as unwind points. Undefined
 * when the module needs neither.
 */
async function transformCore(bytes: Uint8Array, name: string, fnImports: string[], fuel: boolean): Promise<{ bytes: Uint8Array; fueled: boolean; wide: string[] } | undefined> {
  if (!fnImports.length && !fuel) return undefined;
  const { default: binaryen } = await import('binaryen');
  let mod: InstanceType<typeof binaryen.Module> | undefined;
  try {
    // jco's core modules carry name subsections Binaryen does not know (it warns on stderr): drop the names.
    mod = binaryen.readBinary(withoutNames(bytes));
    const F = binaryen.Features;
    mod.setFeatures(F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.BulkMemoryOpt | F.CallIndirectOverlong | F.SignExt | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.TailCall);
    let defined = 0;
    for (let i = 0; i < mod.getNumFunctions(); i++) if (!binaryen.getFunctionInfo(mod.getFunctionByIndex(i)).module) defined++;
    const fueled = fuel && defined > 0 && mod.hasMemory();
    if (!fnImports.length && !fueled) return undefined;
    if (fueled) instrumentFuel(mod, binaryen);
    // After the fuel counter: the shims are host-call glue, they count no fuel.
    const wide = widenI64Results(mod, binaryen);
    const asyncImports = [...fnImports];
    if (fueled) asyncImports.push(`${FUEL_IMPORT.module}.${FUEL_IMPORT.base}`);
    binaryen.setPassArgument('asyncify-imports', asyncImports.join(','));
    binaryen.setOptimizeLevel(1);
    binaryen.setShrinkLevel(0);
    mod.runPasses(['asyncify']);
    return { bytes: mod.emitBinary(), fueled, wide: [...wide] };
  } catch (e) {
    if (e instanceof Error) throw new ModuleError(`${name}: socklab could not prepare a core module of the component: ${e.message}`);
    throw new ModuleError(`${name}: socklab could not prepare a core module of the component (Binaryen)`);
  } finally {
    binaryen.setPassArgument('asyncify-imports', null as unknown as string);
    mod?.dispose();
  }
}

/**
 * V8 makes a BigInt of every i64 a JS import returns (monotonic-clock.now's
 * u64): each function import with one i64 result is imported as returning
 * an f64 instead (same module and name), behind a shim of the original
 * function that turns it back into the i64. Exact: the host returns an
 * integer within 2^53, or NaN with the exact value in the exported global
 * WIDE_GLOBAL. ComponentProcess.instantiateCore converts what the binding
 * returns. The keys (module.name) of the imports it changed.
 */
function widenI64Results(mod: InstanceType<Binaryen['Module']>, binaryen: Binaryen): Set<string> {
  const out = new Set<string>();
  const { i64, f64 } = binaryen;
  const infos = Array.from({ length: mod.getNumFunctions() }, (_, i) => binaryen.getFunctionInfo(mod.getFunctionByIndex(i)));
  const exact = 'socklab$i64_result';
  for (const f of infos) {
    const from = f.module;
    const base = f.base;
    if (!from || base === null || f.results !== i64) continue;
    const inner = `socklab$wide$${out.size}`;
    mod.removeFunction(f.name);
    mod.addFunctionImport(inner, from, base, f.params, f64);
    const params = binaryen.expandType(f.params);
    const r = params.length; // the f64's local
    const got = mod.local.tee(r, mod.call(inner, params.map((t, i) => mod.local.get(i, t)), f64), f64);
    const body = mod.if(mod.f64.eq(got, mod.local.get(r, f64)), mod.i64.trunc_s.f64(mod.local.get(r, f64)), mod.global.get(exact, i64));
    mod.addFunction(f.name, f.params, i64, [f64], body);
    out.add(`${from}.${base}`);
  }
  if (out.size) {
    mod.addGlobal(exact, i64, true, (mod.i64.const as unknown as (x: bigint) => number)(0n));
    mod.addGlobalExport(exact, WIDE_GLOBAL);
  }
  return out;
}

/**
 * jco 0.15's glue calls _debugLog ~10 times per WASI call, and each call
 * reads process.env.JCO_DEBUG (a few microseconds a call in a worker
 * thread): read it once, when the glue loads. Same behaviour with JCO_DEBUG
 * set. Pinned to the jco version: a test checks the pattern is found.
 */
export const GLUE_DEBUG_LOG = `  const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };`;
function patchGlue(js: string): string {
  return tagHandleTables(js.replace(GLUE_DEBUG_LOG, '  const _debugLog = globalThis?.process?.env?.JCO_DEBUG ? (...args) => console.debug(...args) : () => {};'));
}

/**
 * jco hands a cabiLower factory the handle tables of a function's resource
 * types unnamed, in table-index order (jco-internal). The glue says which
 * class each table holds (where it lifts a borrow, lowers an own, or drops
 * a handle): each `handleTableN` gets a `socklabType` property with the
 * resource's name, which the direct bindings (direct.ts) look tables up by.
 */
export function tagHandleTables(js: string): string {
  const names = new Map<string, string>();
  for (const m of js.matchAll(/const \{ ([^}]*) \} = imports\['[^']+'\];/g)) {
    for (const part of m[1]!.split(',')) {
      const [name, local] = part.split(':').map((x) => x.trim());
      if (name) names.set(local ?? name, name);
    }
  }
  const types = new Map<string, string>();
  const note = (table: string, ident: string): void => {
    const name = names.get(ident);
    if (name && !types.has(table)) types.set(table, name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase());
  };
  const id = '[\\w$]+';
  // A borrow lifted from table N makes a stub of the class when jco has no object for the rep.
  for (const m of js.matchAll(new RegExp(`handleTable(\\d+)\\[\\(${id} << 1\\) \\+ 1\\] & ~T_FLAG;\\s*var ${id} = captureTable\\1\\.get\\(${id}\\);\\s*if \\(!${id}\\) \\{\\s*${id} = Object\\.create\\((${id})\\.prototype\\)`, 'g'))) note(m[1]!, m[2]!);
  // An own lowered into table N is checked against the class first.
  for (const m of js.matchAll(new RegExp(`instanceof (${id})\\)\\) \\{[^}]*\\}\\s*(?:var|let) ${id} = ${id}\\[symbolRscHandle\\];\\s*if \\(!${id}\\) \\{\\s*const rep = ${id}\\[symbolRscRep\\] \\|\\| \\+\\+captureCnt(\\d+);`, 'g'))) note(m[2]!, m[1]!);
  // A resource.drop of table N calls the class's cabiDispose.
  for (const m of js.matchAll(new RegExp(`rscTableRemove\\(handleTable(\\d+), handle\\);[^]{0,400}?\\} else if \\((${id})\\[symbolCabiDispose\\]\\)`, 'g'))) note(m[1]!, m[2]!);
  return js.replace(/^(\s*)HANDLE_TABLES\[(\d+)\] = handleTable\2;$/gm, (line, ws: string, n: string) => {
    const t = types.get(n);
    return t ? `${line}\n${ws}handleTable${n}.socklabType = '${t}';` : line;
  });
}


const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** host/loader's loadModule for a component: a LoadedModule whose `component` a ComponentProcess runs. */
export async function loadComponentModule(bytes: Uint8Array, name: string, opts: { fuel?: boolean }): Promise<LoadedModule> {
  const fuel = opts.fuel === true;
  const { component, hash, cached } = await loadComponent(bytes, name, { fuel });
  return { module: new WebAssembly.Module(EMPTY_MODULE), hash, name, cached, fuel, memory: { initial: 0 }, component };
}

/** The module without its "name" custom section. */
function withoutNames(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  let i = 8;
  while (i < b.length) {
    const start = i;
    const id = b[i++]!;
    let size = 0;
    let shift = 0;
    for (;;) {
      const x = b[i++]!;
      size |= (x & 0x7f) << shift;
      shift += 7;
      if (!(x & 0x80)) break;
    }
    const end = i + (size >>> 0);
    let drop = false;
    if (id === 0) {
      const n = b[i]!; // names here are short: one LEB byte
      drop = n < 0x80 && new TextDecoder().decode(b.subarray(i + 1, i + 1 + n)) === 'name';
    }
    if (!drop) parts.push(b.subarray(start, end));
    i = end;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
