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
  CABI_DISPOSE, disposable, flatten, liftFlat, load, lowerFlat1, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, resourcesOf, store,
  type Ctx, type FuncType, type HandleTable,
} from './canon.js';
import type { ComponentProcess } from './process.js';
import { isResourceClass, signature } from './signatures.js';

export const CABI_LOWER = Symbol.for('cabiLower');
/** Set on every core function a factory returns (tests check the glue used them). */
export const DIRECT = Symbol.for('socklab.direct');
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

function factory(p: ComponentProcess, sig: FuncType, call: (self: unknown, args: unknown[]) => unknown, method: boolean): Factory {
  const flatParams = sig.params.flatMap(flatten);
  const inMemory = flatParams.length > MAX_FLAT_PARAMS;
  const flatResults = sig.result ? flatten(sig.result) : [];
  const retptr = flatResults.length > MAX_FLAT_RESULTS;
  const result = sig.result;
  const isResult = result?.k === 'result';
  const placeholder = flatResults[0] === 'i64' ? 0n : 0;
  const needs = new Set<string>();
  for (const t of sig.params) resourcesOf(t, needs);
  resourcesOf(result, needs);
  const paramTuple = { k: 'tuple' as const, ts: sig.params };
  return (opts) => {
    const tables = new Map<string, HandleTable>();
    for (const t of opts.resourceTables ?? []) {
      if (t.socklabType) tables.set(t.socklabType, t);
    }
    for (const r of needs) if (!tables.has(r)) throw new Error(`socklab: no tagged jco handle table for ${r}`);
    const cx: Ctx = { memory: opts.memory, realloc: opts.realloc, reg: p.resources, tables };
    const f = (...args: (number | bigint)[]): unknown => {
      let vals: unknown[];
      if (inMemory) vals = load(cx, paramTuple, Number(args[0]) >>> 0) as unknown[];
      else {
        const at = { i: 0 };
        vals = new Array<unknown>(sig.params.length);
        for (let i = 0; i < vals.length; i++) vals[i] = liftFlat(cx, sig.params[i]!, args, at);
      }
      // A method's self (a borrow) is the first parameter.
      const self = method ? vals.shift() : undefined;
      let v: unknown;
      try {
        v = call(self, vals);
      } catch (e) {
        if (!isResult || p.blockedNow) throw e;
        v = { tag: 'err', val: errPayload(e) };
      }
      // A call that waits returns a placeholder and runs again when woken: nothing to lower.
      if (p.blockedNow) return retptr || !result ? undefined : placeholder;
      if (!result) return undefined;
      if (isResult && !(v !== null && typeof v === 'object' && ((v as { tag?: unknown }).tag === 'ok' || (v as { tag?: unknown }).tag === 'err'))) v = { tag: 'ok', val: v };
      if (retptr) {
        store(cx, result, v, Number(args[args.length - 1]) >>> 0);
        return undefined;
      }
      return lowerFlat1(cx, result, v);
    };
    (f as unknown as Record<symbol, boolean>)[DIRECT] = true;
    return f;
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
          const sig = signature(iface, name, m);
          if (!sig) continue;
          (fn as unknown as Record<symbol, Factory>)[CABI_LOWER] = factory(p, sig, (self, a) => (fn as (...x: unknown[]) => unknown).apply(self, a), true);
        }
        continue;
      }
      const sig = signature(iface, undefined, name);
      if (sig) (v as unknown as Record<symbol, Factory>)[CABI_LOWER] = factory(p, sig, (_self, a) => (v as (...x: unknown[]) => unknown)(...a), false);
    }
  }
}
