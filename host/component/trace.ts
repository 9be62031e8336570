// Component calls in socklab's trace: each WASI 0.2 function or method a
// component calls is reported to the kernel's observer (the text tracer,
// JSONL, summaries) as a call named the WIT way, with its interface as the
// import module: `[method]tcp-socket.start-connect(tcp-socket<3>, 127.0.0.1:7001) = 0`.
// An `err` result shows as -1 with the nearest errno and WASI's own name in
// the note; an `ok` value other than unit is shown in the note too.
import { E } from '../abi/errno.js';
import type { SyscallDef } from '../kernel/syscall.js';
import type { ComponentInjection } from '../trace/inject.js';
import { classesOf, CODE_ERRNO, injectCall } from './inject.js';
import type { ComponentProcess } from './process.js';

const defs = new Map<string, SyscallDef>();

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function defFor(iface: string, call: string, n: number): SyscallDef {
  const key = `${iface}#${call}/${n}`;
  let d = defs.get(key);
  if (!d) {
    d = {
      module: iface,
      name: call,
      strace: call,
      classes: classesOf(iface, call),
      params: Array.from({ length: n }, (_, i) => ({ name: `a${i}`, kind: 'i64' as const })),
      mayBlock: false,
      handler: () => 0,
    } as unknown as SyscallDef;
    defs.set(key, d);
  }
  return d;
}

/** How a value shows in a trace line. */
export function show(v: unknown, depth = 0): string {
  if (v === undefined || v === null) return 'none';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) {
    const max = 32;
    const s = Buffer.from(v.subarray(0, max)).toString('latin1').replace(/[^\x20-\x7e]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
    return `"${s}"${v.length > max ? '...' : ''}`;
  }
  if (Array.isArray(v)) return depth > 2 ? '[...]' : `[${v.map((x) => show(x, depth + 1)).join(', ')}]`;
  if (v instanceof Uint32Array) return `[${[...v].join(', ')}]`;
  const o = v as { tag?: string; val?: unknown; constructor?: { name?: string }; fd?: number; file?: unknown };
  if (typeof o.tag === 'string' && (o.tag === 'ipv4' || o.tag === 'ipv6') && o.val && typeof o.val === 'object' && 'port' in (o.val as object)) {
    const a = o.val as { port: number; address: number[] };
    return o.tag === 'ipv4' ? `${a.address.join('.')}:${a.port}` : `[${a.address.map((x) => x.toString(16)).join(':')}]:${a.port}`;
  }
  if (typeof o.tag === 'string') return o.val === undefined ? o.tag : `${o.tag}(${show(o.val, depth + 1)})`;
  // A WIT flags value (every field a boolean): the set ones, as strace shows O_CREAT|O_TRUNC.
  const fields = Object.entries(o);
  if (fields.length && fields.every(([, x]) => typeof x === 'boolean') && o.constructor === Object) {
    const set = fields.filter(([, x]) => x).map(([k]) => kebab(k));
    return set.length ? set.join('|') : '0';
  }
  const ctor = o.constructor as object | undefined;
  const name = ctor && ctor !== Object ? resourceNames.get(ctor) ?? (ctor as { name?: string }).name : undefined;
  if (name) {
    const r = kebab(name);
    if (typeof o.fd === 'number') return `${r}<${o.fd}>`;
    return r;
  }
  return depth > 2 ? '{...}' : `{${Object.entries(o).map(([k, x]) => `${kebab(k)}: ${show(x, depth + 1)}`).join(', ')}}`;
}

function report(p: ComponentProcess, iface: string, call: string, args: unknown[], outcome: { ok: true; v: unknown } | { ok: false; e: unknown }): void {
  const obs = p.kernel.observer;
  if (!obs) {
    // Nobody shows the mark --inject left.
    p.injected = undefined;
    return;
  }
  const def = defFor(iface, call, args.length);
  const shown = args.map((a) => show(a));
  let r = 0;
  if (outcome.ok) {
    if (outcome.v !== undefined) p.note = `-> ${show(outcome.v)}`;
  } else {
    const e = outcome.e as { tag?: string } | string;
    const code = typeof e === 'string' ? e : e.tag ?? 'unknown';
    r = CODE_ERRNO[code] ?? E.EIO;
    p.note = typeof e === 'string' ? `error-code.${e}` : `stream-error.${code}`;
  }
  obs.onSyscall(p, def, shown, r, p.callStart >= 0 ? p.callStart : p.kernel.clock.now());
}

/** Wraps a free function of interface `iface` (`create-tcp-socket`) for the trace. */
export function traceFunction<F extends (...a: never[]) => unknown>(p: ComponentProcess, iface: string, jsName: string, f: F): F {
  const call = kebab(jsName);
  const w = ((...args: never[]) => {
    if (!p.kernel.observer && !p.kernel.interceptor) return f(...args);
    return traced(p, iface, call, undefined, args, args, (a = args) => f(...(a as never[])));
  }) as unknown as F;
  (w as unknown as Record<symbol, unknown>)[UNTRACED] = f;
  return w;
}

/**
 * On each tracing wrapper: the function it wraps. The direct bindings call
 * that one while no observer is attached (the wrapper would only pass the
 * call on), and the wrapper when one is.
 */
export const UNTRACED = Symbol('socklab.untraced');

/** Depth of traced calls in progress: a WASI call another one makes (blocking-read reading) is not the component's. */
let depth = 0;

/**
 * A component's call (self: the resource of a method; args: its arguments,
 * shown: what the trace prints), run under --inject's rules when the run has
 * them and reported to the observer when there is one.
 */
function traced(p: ComponentProcess, iface: string, call: string, self: unknown, args: unknown[], shown: unknown[], run: (a?: unknown[]) => unknown): unknown {
  if (depth > 0) return run();
  const inj = (p.kernel.interceptor as { component?: ComponentInjection } | undefined)?.component;
  let v: unknown;
  depth++;
  try {
    v = inj ? injectCall(p, inj, iface, call, self, args, run) : run();
  } catch (e) {
    // An err result (a thrown payload) is traced; anything else (exit, a host bug) is not a call that returned.
    depth--;
    if (!(e instanceof Error) && p.state !== 'exited' && !p.blockedNow) report(p, iface, call, shown, { ok: false, e });
    throw e;
  }
  depth--;
  if (!p.blockedNow) report(p, iface, call, shown, { ok: true, v });
  return v;
}

const patched = new WeakSet<object>();

/**
 * Each resource class's name as its interface spells it (the key jco looks it up by, TcpSocket for
 * tcp-socket): a class's own `name` is not that once bundled (esbuild names a class that refers to
 * itself `_TcpSocket`), and a trace must not depend on how socklab was built.
 */
const resourceNames = new WeakMap<object, string>();

/** Wraps the methods of a resource class (instances have a `proc`) once, for the trace; `name` is its import key. */
export function traceClass(iface: string, cls: { name: string; prototype: object }, name: string): void {
  if (patched.has(cls)) return;
  patched.add(cls);
  resourceNames.set(cls, name);
  const proto = cls.prototype as Record<string, unknown>;
  const res = kebab(name);
  // Methods a base class defines (tcp-socket's and udp-socket's buffer sizes) become the class's own, traced under its name.
  const keys = new Set<string>();
  for (let o: object | null = proto; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) keys.add(k);
  }
  for (const key of keys) {
    if (key === 'constructor') continue;
    const orig = proto[key];
    if (typeof orig !== 'function') continue;
    const call = `[method]${res}.${kebab(key)}`;
    const w = function (this: { proc?: ComponentProcess }, ...args: unknown[]) {
      const p = this.proc;
      if (!p || (!p.kernel.observer && !p.kernel.interceptor)) return (orig as (...a: unknown[]) => unknown).apply(this, args);
      return traced(p, iface, call, this, args, [this, ...args], (a = args) => (orig as (...a: unknown[]) => unknown).apply(this, a));
    };
    (w as unknown as Record<symbol, unknown>)[UNTRACED] = orig;
    proto[key] = w;
  }
}
