// Direct ("hybrid") bindings: for an import whose canonical-ABI signature
// has only scalars (no resources, strings or lists), socklab hands jco a
// `Symbol.for('cabiLower')` factory, and jco's glue (transpiled with
// importBindings 'hybrid') puts the core function it returns straight in
// the core module's imports, instead of its generic trampoline (which
// creates a task and a subtask, and lifts and lowers in JS, per call).
// ComponentProcess's import wrapper still runs around it (clock tick,
// preemption, fuel), and the traced path is the same function, so traces
// do not change. Imports without a factory keep jco's trampolines.
//
// Borrowed and owned resources are left to jco: their handles go through
// jco-internal tables whose rep-to-object maps the factory is not given.
import type { ComponentProcess } from './process.js';

export const CABI_LOWER = Symbol.for('cabiLower');
/** Set on every core function a factory returns (tests check the glue used them). */
export const DIRECT = Symbol.for('socklab.direct');

function tag<F extends object>(f: F): F {
  (f as Record<symbol, boolean>)[DIRECT] = true;
  return f;
}

interface LowerOpts {
  memory?: WebAssembly.Memory;
}
type Factory = (opts: LowerOpts) => (...a: number[]) => unknown;

function u64(fn: () => bigint): Factory {
  return () => tag(() => fn());
}

/** wall-clock's datetime, lowered at the return pointer: seconds (u64) at 0, nanoseconds (u32) at 8. */
function datetime(fn: () => { seconds: bigint; nanoseconds: number }): Factory {
  return (opts) => {
    const memory = opts.memory;
    if (!memory) throw new Error('jco gave no memory for a datetime result');
    return tag((ret: number) => {
      const t = fn();
      const v = new DataView(memory.buffer);
      v.setBigUint64(ret, t.seconds, true);
      v.setUint32(ret + 8, t.nanoseconds, true);
    });
  };
}

/** Attaches the factories to the (traced) functions of the import object. */
export function addDirectBindings(_p: ComponentProcess, own: Record<string, Record<string, unknown>>): void {
  const set = (iface: string, name: string, make: (f: never) => Factory): void => {
    const f = own[iface]?.[name];
    if (typeof f === 'function') (f as unknown as Record<symbol, Factory>)[CABI_LOWER] = make(f as never);
  };
  set('wasi:clocks/monotonic-clock', 'now', u64);
  set('wasi:clocks/monotonic-clock', 'resolution', u64);
  set('wasi:clocks/wall-clock', 'now', datetime);
  set('wasi:clocks/wall-clock', 'resolution', datetime);
  set('wasi:random/random', 'getRandomU64', u64);
  set('wasi:random/insecure', 'getInsecureRandomU64', u64);
}

/** The functions that have a direct binding, as "interface#name" (for tests and docs). */
export const DIRECT_BINDINGS = [
  'wasi:clocks/monotonic-clock#now', 'wasi:clocks/monotonic-clock#resolution',
  'wasi:clocks/wall-clock#now', 'wasi:clocks/wall-clock#resolution',
  'wasi:random/random#getRandomU64', 'wasi:random/insecure#getInsecureRandomU64',
] as const;
