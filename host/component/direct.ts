// Direct ("hybrid") bindings: for every WASI 0.2 function and method socklab
// implements, socklab hands jco a `Symbol.for('cabiLower')` factory, and jco's
// glue (transpiled with importBindings 'hybrid') puts the core function it
// returns straight in the core module's imports instead of its generic
// trampoline (which creates a task and a subtask, and lifts and lowers in JS
// through its own capture tables, ~20 µs a call). The core function lifts the
// flat arguments (canon.ts: borrowed handles from jco's handle tables, lists
// and strings from guest memory), calls socklab's (traced) implementation, and
// lowers the result at the return pointer through the guest's realloc, as the
// canonical ABI says. ComponentProcess's import wrapper still runs around it
// (clock tick, preemption, fuel, Asyncify), so traces do not change.
//
// The signature of each function comes from signatures.ts; the handle table
// of each resource type from the tag load.ts puts on jco's tables. A call
// that waits (ComponentProcess.suspend) lowers nothing: it runs again.
import {
  CABI_DISPOSE, compileLowerFlat1, compileResultStores, compileStore, disposable, flatten, liftSource, load, MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS, resourcesOf, type Ctx, type FuncType, type HandleTable, type WitType,
} from './canon.js';
import type { ComponentProcess } from './process.js';
import { hasSignature, isResourceClass, signature } from './signatures.js';
import { UNTRACED } from './trace.js';

export const CABI_LOWER = Symbol.for('cabiLower');
/** Set on every core function a factory returns (tests check the glue used them). */
export const DIRECT = Symbol.for('socklab.direct');
/** Set on a core function that takes exactly this many core values (the import wrapper then passes them without an array). */
export const ARITY = Symbol.for('socklab.arity');
export { CABI_DISPOSE };

interface LowerOpts {
  memory?: WebAssembly.Memory;
  realloc?: (a: number, b: number, c: number, d: number) => number;
  resourceTables?: HandleTable[];
}
type Factory = (opts: LowerOpts) => (...a: (number | bigint)[]) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** jco's getErrorPayload: what a thrown value means as a result's err. */
function errPayload(e: unknown): unknown {
  if (e && typeof e === 'object' && hasOwn.call(e, 'payload')) return (e as { payload: unknown }).payload;
  if (e instanceof Error) throw e;
  return e;
}

type Fn = (this: unknown, ...a: unknown[]) => unknown;

/**
 * Functions whose list<u8> parameter is passed as a view of guest memory:
 * they copy what they keep before returning (the output stream's pending
 * bytes, the kernel's socket and file buffers), and a call that waits lifts
 * its arguments again when it runs again.
 */
const VIEW_BYTES = new Set(['wasi:io/streams#OutputStream#blockingWriteAndFlush', 'wasi:io/streams#OutputStream#write', 'wasi:filesystem/types#Descriptor#write']);

/** Generated functions by source (the same signature, in every process of the thread, runs the same code). */
const generated = new Map<string, (...deps: unknown[]) => Fn>();

/** A handle table to look up when the function is made (liftSource's dep of a resource). */
function isTableRef(v: unknown): v is { table: string } {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && typeof (v as { table?: unknown }).table === 'string';
}

/**
 * The core function of a signature whose parameters are passed flat: its
 * source, straight-line (each parameter lifted by liftSource, the result
 * lowered as the generic path did), and what the source refers to. The
 * behaviour is the generic path's (inMemory below), one call at a time.
 */
function flatSource(sig: FuncType, method: boolean, viewBytes: boolean, nCore: number, retptr: boolean): { src: string; deps: unknown[] } {
  const deps: unknown[] = [];
  const dep = (v: unknown): string => {
    deps.push(v);
    return `d${deps.length - 1}`;
  };
  const xs = Array.from({ length: nCore }, (_, i) => `x${i}`);
  const vals: string[] = [];
  let at = 0;
  for (const t of sig.params) {
    const w = flatten(t).length;
    vals.push(liftSource(t, xs.slice(at, at + w), viewBytes, dep));
    at += w;
  }
  const self = method ? vals.shift()! : 'undefined';
  const result = sig.result;
  const isResult = result?.k === 'result';
  const placeholder = retptr || !result ? 'undefined' : flatten(result)[0] === 'i64' ? '0n' : '0';
  const ptr = `(x${nCore - 1} >>> 0)`;
  const tagged = `v !== null && typeof v === 'object' && (v.tag === 'ok' || v.tag === 'err')`;
  let lower: string;
  if (!result) lower = 'return undefined;';
  else if (isResult && retptr) {
    const rs = compileResultStores(result as WitType & { k: 'result' });
    lower = `if (failed) ${dep(rs.err)}(cx, v, ${ptr}); else if (${tagged}) ${dep(compileStore(result))}(cx, v, ${ptr}); else ${dep(rs.ok)}(cx, v, ${ptr});\n  return undefined;`;
  } else if (isResult) {
    // An implementation returns the ok value (or a {tag, val} it made itself) and throws the err payload.
    lower = `return ${dep(compileLowerFlat1(result))}(cx, failed ? { tag: 'err', val: v } : ${tagged} ? v : { tag: 'ok', val: v });`;
  } else if (retptr) lower = `${dep(compileStore(result))}(cx, v, ${ptr});\n  return undefined;`;
  // A u64 as it came (a number, or a bigint): its core import returns an f64, and the import wrapper converts (load.ts widenI64Results).
  else if (result.k === 'u64' || result.k === 's64') lower = 'return v;';
  else lower = `return ${dep(compileLowerFlat1(result))}(cx, v);`;
  const call = `fn.call(${self}${vals.map((v) => `, ${v}`).join('')})`;
  // A thrown value is the err of a result (unless the call waits); anything else propagates.
  const body = isResult
    ? `let v;\n  let failed = false;\n  try {\n    v = ${call};\n  } catch (e) {\n    if (p.blockedNow) throw e;\n    v = errPayload(e);\n    failed = true;\n  }`
    : `const v = ${call};`;
  const src = `'use strict';
return function (${xs.join(', ')}) {
  // The wrapper traces, and applies --inject (component/inject.ts).
  const fn = p.kernel.observer || p.kernel.interceptor ? traced : plain;
  ${body}
  // A call that waits returns a placeholder and runs again when woken: nothing to lower.
  if (p.blockedNow) {
    // What a deadlock report says the process waits in.
    if (p.waitingOn) p.waitingOn.call = call;
    return ${placeholder};
  }
  ${lower}
};`;
  return { src, deps };
}

function factory(p: ComponentProcess, sig: FuncType, traced: Fn, method: boolean, key: string, call: string): Factory {
  // The implementation behind the tracing wrapper, called straight while no observer or injector is attached.
  const plain = ((traced as unknown as Record<symbol, Fn | undefined>)[UNTRACED] ?? traced) as Fn;
  const flatParams = sig.params.flatMap(flatten);
  const inMemory = flatParams.length > MAX_FLAT_PARAMS;
  const flatResults = sig.result ? flatten(sig.result) : [];
  const retptr = flatResults.length > MAX_FLAT_RESULTS;
  const needs = new Set<string>();
  for (const t of sig.params) resourcesOf(t, needs);
  resourcesOf(sig.result, needs);
  const nCore = (inMemory ? 1 : flatParams.length) + (retptr ? 1 : 0);
  const made = inMemory ? undefined : flatSource(sig, method, VIEW_BYTES.has(key), nCore, retptr);
  let outer: ((...deps: unknown[]) => Fn) | undefined;
  if (made) {
    outer = generated.get(made.src);
    if (!outer) {
      outer = new Function('p', 'traced', 'plain', 'cx', 'reg', 'errPayload', 'call', ...made.deps.map((_, i) => `d${i}`), made.src) as (...deps: unknown[]) => Fn;
      generated.set(made.src, outer);
    }
  }
  const slow = inMemory ? inMemoryCall(p, sig, traced, plain, method, call, retptr) : undefined;
  return (opts) => {
    const tables = new Map<string, HandleTable>();
    for (const t of opts.resourceTables ?? []) {
      if (t.socklabType) tables.set(t.socklabType, t);
    }
    for (const r of needs) if (!tables.has(r)) throw new Error(`socklab: no tagged jco handle table for ${r}`);
    const cx: Ctx = { memory: opts.memory, realloc: opts.realloc, reg: p.resources, tables };
    let f: (...a: (number | bigint)[]) => unknown;
    if (made) {
      f = outer!(p, traced, plain, cx, p.resources, errPayload, call, ...made.deps.map((d) => (isTableRef(d) ? tables.get(d.table) : d))) as typeof f;
      (f as unknown as Record<symbol, number>)[ARITY] = nCore;
    } else f = (...args) => slow!(cx, args);
    (f as unknown as Record<symbol, boolean>)[DIRECT] = true;
    return f;
  };
}

/** A function whose parameters do not fit in 16 flat values: they are in a record in memory (canonical ABI), read generically. */
function inMemoryCall(p: ComponentProcess, sig: FuncType, traced: Fn, plain: Fn, method: boolean, call: string, retptr: boolean): (cx: Ctx, args: (number | bigint)[]) => unknown {
  const result = sig.result;
  const isResult = result?.k === 'result';
  const paramTuple = { k: 'tuple' as const, ts: sig.params };
  const storeR = result && retptr ? compileStore(result) : undefined;
  const lower1 = result && !retptr ? compileLowerFlat1(result) : undefined;
  const placeholder = result && !retptr && flatten(result)[0] === 'i64' ? 0n : 0;
  return (cx, args) => {
    // The wrapper traces, and applies --inject (component/inject.ts).
    const fn = p.kernel.observer || p.kernel.interceptor ? traced : plain;
    let v: unknown;
    let failed = false;
    try {
      const vals = load(cx, paramTuple, Number(args[0]) >>> 0) as unknown[];
      // A method's self (a borrow) is the first parameter.
      const self = method ? vals.shift() : undefined;
      v = fn.apply(self, vals);
    } catch (e) {
      if (!isResult || p.blockedNow) throw e;
      v = errPayload(e);
      failed = true;
    }
    if (p.blockedNow) {
      if (p.waitingOn) p.waitingOn.call = call;
      return retptr || !result ? undefined : placeholder;
    }
    if (!result) return undefined;
    const tagged = !failed && v !== null && typeof v === 'object' && ((v as { tag?: unknown }).tag === 'ok' || (v as { tag?: unknown }).tag === 'err');
    const val = isResult && !tagged ? { tag: failed ? 'err' : 'ok', val: v } : v;
    if (storeR) {
      storeR(cx, val, Number(args[args.length - 1]) >>> 0);
      return undefined;
    }
    return lower1!(cx, val);
  };
}

/**
 * Attaches a factory to every function and resource method of the (traced)
 * import object that signatures.ts knows. Classes are shared by all the
 * processes of a thread: their methods get this process's factory just
 * before jco's glue reads it (instantiation is synchronous).
 */
export function addDirectBindings(p: ComponentProcess, own: Record<string, Record<string, unknown>>): void {
  for (const [iface, obj] of Object.entries(own)) {
    for (const [name, v] of Object.entries(obj)) {
      if (typeof v !== 'function') continue;
      if (isResourceClass(iface, name)) {
        disposable(v);
        const proto = (v as { prototype: Record<string, unknown> }).prototype;
        for (const m of Object.getOwnPropertyNames(proto)) {
          const fn = proto[m];
          if (m === 'constructor' || typeof fn !== 'function') continue;
          if (!hasSignature(iface, name, m)) continue;
          (fn as unknown as Record<symbol, Factory>)[CABI_LOWER] = lazyFactory(p, () => signature(iface, name, m)!, fn as Fn, true, `${iface}#${name}#${m}`, `[method]${kebab(name)}.${kebab(m)}`);
        }
        continue;
      }
      if (hasSignature(iface, undefined, name)) (v as unknown as Record<symbol, Factory>)[CABI_LOWER] = lazyFactory(p, () => signature(iface, undefined, name)!, v as Fn, false, `${iface}##${name}`, kebab(name));
    }
  }
}

/**
 * factory() on the first call jco makes, for the imports the component has: a process starts with
 * ~200 functions bound, and parsing and generating each one's binding up front cost every start.
 */
function lazyFactory(p: ComponentProcess, sig: () => FuncType, traced: Fn, method: boolean, key: string, call: string): Factory {
  let made: Factory | undefined;
  return (opts) => (made ??= factory(p, sig(), traced, method, key, call))(opts);
}

/** jco's JS name of a WIT name ("TcpSocket", "blockingRead") back to the WIT one. */
function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
