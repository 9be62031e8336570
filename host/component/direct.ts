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
  CABI_DISPOSE, compileLiftFlat, compileLowerFlat1, compileResultStores, compileStore, disposable, flatten, load, MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS, resourcesOf, type Ctx, type FuncType, type HandleTable,
} from './canon.js';
import type { ComponentProcess } from './process.js';
import { isResourceClass, signature } from './signatures.js';
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

function factory(p: ComponentProcess, sig: FuncType, traced: Fn, method: boolean, key: string, call: string): Factory {
  // The implementation behind the tracing wrapper, called straight while no observer is attached.
  const plain = ((traced as unknown as Record<symbol, Fn | undefined>)[UNTRACED] ?? traced) as Fn;
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
  // Each parameter's lifter and the index of its first flat value.
  const lifts = sig.params.map((t) => compileLiftFlat(t, VIEW_BYTES.has(key)));
  const starts: number[] = [];
  let at = 0;
  for (const t of sig.params) {
    starts.push(at);
    at += flatten(t).length;
  }
  const first = method ? 1 : 0;
  const nArgs = sig.params.length - first;
  const [l1, l2, l3] = [lifts[first], lifts[first + 1], lifts[first + 2]];
  const [s1, s2, s3] = [starts[first]!, starts[first + 1]!, starts[first + 2]!];
  const storeR = result && retptr ? compileStore(result) : undefined;
  const rs = result && retptr && result.k === 'result' ? compileResultStores(result) : undefined;
  const lower1 = result && !retptr ? compileLowerFlat1(result) : undefined;
  return (opts) => {
    const tables = new Map<string, HandleTable>();
    for (const t of opts.resourceTables ?? []) {
      if (t.socklabType) tables.set(t.socklabType, t);
    }
    for (const r of needs) if (!tables.has(r)) throw new Error(`socklab: no tagged jco handle table for ${r}`);
    const cx: Ctx = { memory: opts.memory, realloc: opts.realloc, reg: p.resources, tables };
    const f = (...args: (number | bigint)[]): unknown => {
      const fn = p.kernel.observer ? traced : plain;
      let v: unknown;
      let failed = false;
      try {
        if (inMemory) {
          const vals = load(cx, paramTuple, Number(args[0]) >>> 0) as unknown[];
          // A method's self (a borrow) is the first parameter.
          const self = method ? vals.shift() : undefined;
          v = fn.apply(self, vals);
        } else {
          const self = method ? lifts[0]!(cx, args, 0) : undefined;
          // No argument array for the usual few parameters.
          if (nArgs === 0) v = fn.call(self);
          else if (nArgs === 1) v = fn.call(self, l1!(cx, args, s1));
          else if (nArgs === 2) v = fn.call(self, l1!(cx, args, s1), l2!(cx, args, s2));
          else if (nArgs === 3) v = fn.call(self, l1!(cx, args, s1), l2!(cx, args, s2), l3!(cx, args, s3));
          else {
            const vals = new Array<unknown>(nArgs);
            for (let i = 0; i < nArgs; i++) vals[i] = lifts[first + i]!(cx, args, starts[first + i]!);
            v = fn.apply(self, vals);
          }
        }
      } catch (e) {
        if (!isResult || p.blockedNow) throw e;
        v = errPayload(e);
        failed = true;
      }
      // A call that waits returns a placeholder and runs again when woken: nothing to lower.
      if (p.blockedNow) {
        // What a deadlock report says the process waits in.
        if (p.waitingOn) p.waitingOn.call = call;
        return retptr || !result ? undefined : placeholder;
      }
      if (!result) return undefined;
      if (isResult) {
        // An implementation returns the ok value (or a {tag, val} it made itself) and throws the err payload.
        const tagged = !failed && v !== null && typeof v === 'object' && ((v as { tag?: unknown }).tag === 'ok' || (v as { tag?: unknown }).tag === 'err');
        if (rs) {
          const ptr = Number(args[args.length - 1]) >>> 0;
          if (tagged) storeR!(cx, v, ptr);
          else if (failed) rs.err(cx, v, ptr);
          else rs.ok(cx, v, ptr);
          return undefined;
        }
        return lower1!(cx, tagged ? v : { tag: failed ? 'err' : 'ok', val: v });
      }
      if (storeR) {
        storeR(cx, v, Number(args[args.length - 1]) >>> 0);
        return undefined;
      }
      return lower1!(cx, v);
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
          (fn as unknown as Record<symbol, Factory>)[CABI_LOWER] = factory(p, sig, fn as Fn, true, `${iface}#${name}#${m}`, `[method]${kebab(name)}.${kebab(m)}`);
        }
        continue;
      }
      const sig = signature(iface, undefined, name);
      if (sig) (v as unknown as Record<symbol, Factory>)[CABI_LOWER] = factory(p, sig, v as Fn, false, `${iface}##${name}`, kebab(name));
    }
  }
}

/** jco's JS name of a WIT name ("TcpSocket", "blockingRead") back to the WIT one. */
function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
