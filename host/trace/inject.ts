// Fault injection at the syscall boundary, in strace's --inject syntax:
//   SET:error=ERRNO | :retval=N | :delay_enter=T | :delay_exit=T [:when=EXPR]
// plus what socket programs most need and strace cannot do simply:
//   :max=N           short reads and writes (at most N bytes move)
//   :probability=P   inject with probability P, drawn from the run's seed
//   :process=NAME    only into processes named NAME (argv[0]; * is a wildcard)
// SET is a comma-separated list of calls by strace name (write, read, send,
// recv, connect, ... ; write/read also name WASI's fd_write/fd_read) or
// classes (%net, %desc, %file). EXPR is FIRST, FIRST+STEP, FIRST..LAST or
// FIRST..LAST+STEP, counted per process and per rule, as strace counts.
// A WASI 0.2 component's calls are matched through WASI_CALLS (the POSIX
// name's counterparts) or by their own names (tcp-socket.start-connect);
// host/component/inject.ts applies the rules to them.
import { E, errnoByName } from '../abi/errno.js';
import type { SyscallInterceptor } from '../kernel/kernel.js';
import type { Process } from '../kernel/process.js';
import type { Rng } from '../kernel/rng.js';
import { BLOCKED, type SyscallDef } from '../kernel/syscall.js';
import { parseDuration } from '../units.js';

export interface InjectRule {
  calls: Set<string>;
  classes: Set<string>;
  error?: number;
  retval?: number;
  max?: number;
  delayEnterNs?: number;
  delayExitNs?: number;
  first: number;
  last: number;
  step: number;
  probability: number;
  /** process=NAME: only processes whose name (argv[0]) matches; `*` is any run of characters. */
  process?: RegExp;
  text: string;
}

export class InjectError extends Error {}

/**
 * The WASI 0.2 calls (as a component's trace names them) that do the job of
 * each Linux call, by strace name: a rule naming the Linux call applies to
 * them in a component. connect is start-connect: one call per connect(2)
 * (finish-connect repeats while the handshake runs), and strace's injection
 * skips the call, so the socket is left as it was.
 */
export const WASI_CALLS: Readonly<Record<string, readonly string[]>> = (() => {
  const reads = ['[method]input-stream.read', '[method]input-stream.blocking-read', '[method]incoming-datagram-stream.receive'];
  const writes = ['[method]output-stream.write', '[method]output-stream.blocking-write-and-flush', '[method]outgoing-datagram-stream.send'];
  return {
    socket: ['create-tcp-socket', 'create-udp-socket'],
    connect: ['[method]tcp-socket.start-connect', '[method]udp-socket.stream'],
    bind: ['[method]tcp-socket.start-bind', '[method]udp-socket.start-bind'],
    listen: ['[method]tcp-socket.start-listen'],
    accept: ['[method]tcp-socket.accept'],
    accept4: ['[method]tcp-socket.accept'],
    shutdown: ['[method]tcp-socket.shutdown'],
    getsockname: ['[method]tcp-socket.local-address', '[method]udp-socket.local-address'],
    getpeername: ['[method]tcp-socket.remote-address', '[method]udp-socket.remote-address'],
    getaddrinfo: ['resolve-addresses'],
    read: reads, readv: reads, recvfrom: reads, recvmsg: reads,
    write: writes, writev: writes, sendto: writes, sendmsg: writes,
  };
})();

/** The WASI 0.2 call names a rule may name itself (a method with or without "[method]"). */
const WASI_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(WASI_CALLS).flat(),
  ...['finish-connect', 'finish-bind', 'finish-listen', 'subscribe', 'set-keep-alive-enabled', 'set-receive-buffer-size', 'set-send-buffer-size'].map((m) => `[method]tcp-socket.${m}`),
  '[method]udp-socket.finish-bind', '[method]resolve-address-stream.resolve-next-address', '[method]outgoing-datagram-stream.check-send',
  '[method]output-stream.check-write', '[method]output-stream.flush', '[method]output-stream.blocking-flush', '[method]output-stream.splice',
  '[method]output-stream.blocking-splice', '[method]input-stream.skip', '[method]input-stream.blocking-skip',
]);

/** A WASI 0.2 call name as the trace prints it ("tcp-socket.start-connect" gains "[method]"), or undefined. */
export function wasiCallName(name: string): string | undefined {
  const n = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(name) ? `[method]${name}` : name;
  return WASI_NAMES.has(n) ? n : undefined;
}

import { CALL_CLASSES, CallNameError, traceNames, unknownCall } from './names.js';
import { nearest } from '../nearest.js';

/** The parts of a rule after the call set, as strace names them. */
const INJECT_KEYS = ['error', 'retval', 'max', 'delay_enter', 'delay_exit', 'when', 'probability', 'process'] as const;

export function parseInject(spec: string): InjectRule {
  const [set, ...parts] = spec.split(':');
  if (!set) throw new InjectError(`--inject needs SET:ACTION, got ${JSON.stringify(spec)}`);
  const rule: InjectRule = { calls: new Set(), classes: new Set(), first: 1, last: Infinity, step: 1, probability: 1, text: spec };
  for (const name of set.split(',')) {
    // Names as in --trace-only and grading checks (host/trace/names.ts); an unknown one is refused.
    if (name.startsWith('%')) {
      if (!CALL_CLASSES.includes(name.slice(1))) throw new InjectError(`--inject: ${unknownCall(name)}`);
      rule.classes.add(name.slice(1));
    } else {
      const wasi = wasiCallName(name);
      if (wasi) {
        rule.calls.add(wasi);
        continue;
      }
      try {
        for (const n of traceNames(name)) rule.calls.add(n);
      } catch (e) {
        throw e instanceof CallNameError ? new InjectError(`--inject: ${unknownCall(name)}`) : e;
      }
    }
  }
  let action = false;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    switch (k) {
      case 'error': {
        const e = errnoByName(v);
        if (!e) throw new InjectError(`--inject: unknown errno ${v}`);
        rule.error = e.wasi;
        action = true;
        break;
      }
      case 'retval':
        rule.retval = Number(v);
        if (!Number.isInteger(rule.retval) || rule.retval < 0) throw new InjectError(`--inject: retval must be a non-negative integer, got ${v}`);
        action = true;
        break;
      case 'max':
        rule.max = Number(v);
        if (!Number.isInteger(rule.max) || rule.max < 1) throw new InjectError(`--inject: max must be a positive integer, got ${v}`);
        action = true;
        break;
      case 'delay_enter':
      case 'delay_exit': {
        // strace takes microseconds by default; units (ms, s) are accepted too.
        const ns = /^\d+$/.test(v) ? Number(v) * 1e3 : parseDuration(v) * 1e6;
        if (k === 'delay_enter') rule.delayEnterNs = ns;
        else rule.delayExitNs = ns;
        action = true;
        break;
      }
      case 'when': {
        // FIRST: only that call; FIRST+: that one and every later one; FIRST+STEP; FIRST..LAST[+STEP].
        const m = /^(\d+)(?:\.\.(\d+))?(\+(\d*))?$/.exec(v);
        if (!m) throw new InjectError(`--inject: when=FIRST[..LAST][+STEP], got ${v}`);
        rule.first = Number(m[1]);
        rule.step = m[4] ? Number(m[4]) : 1;
        rule.last = m[2] ? Number(m[2]) : m[3] ? Infinity : rule.first;
        if (rule.first < 1 || rule.step < 1) throw new InjectError('--inject: when counts from 1');
        break;
      }
      case 'process':
        if (!v) throw new InjectError('--inject: process=NAME needs a name');
        rule.process = new RegExp(`^${v.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
        break;
      case 'probability':
        rule.probability = Number(v);
        if (!(rule.probability >= 0 && rule.probability <= 1)) throw new InjectError(`--inject: probability is between 0 and 1, got ${v}`);
        break;
      default:
        {
          const near = nearest(k, INJECT_KEYS);
          throw new InjectError(`--inject: unknown part ${JSON.stringify(part)}${near ? ` (did you mean ${near}=?)` : `; the parts are ${INJECT_KEYS.map((x) => `${x}=`).join(', ')}`}`);
        }
    }
  }
  if (!action) throw new InjectError(`--inject ${spec}: say what to inject (error=, retval=, max=, delay_enter=, delay_exit=)`);
  return rule;
}

/** The state of the call a process is in: which rule fired, when an entry delay ends, a result held back by delay_exit. */
export interface InjectedCall {
  start: number;
  rule: InjectRule | undefined;
  enterUntil?: number;
  result?: number;
  exitUntil?: number;
  /** A component call's result held back by delay_exit: its value, or the err it threw. */
  held?: { threw: boolean; v: unknown };
}

/** What host/component/inject.ts needs to apply the same rules, counts and seeded draws to a component's calls. */
export interface ComponentInjection {
  readonly rules: readonly InjectRule[];
  /** WASI_CALLS (here, so component code needs nothing of this module but its types). */
  readonly wasiCalls: Readonly<Record<string, readonly string[]>>;
  /** The rule that fires for p's current call (decided once per call, even if it suspends and runs again); `matches(r)` says whether rule r selects it. */
  decide(p: Process, matches: (r: InjectRule) => boolean): InjectRule | undefined;
  /** The state of p's current call (after decide). */
  current(p: Process): InjectedCall;
  /**
   * p's current call is over: the next decide is a new call's, even one that starts before this one's
   * host call returns (a call the guest makes while the host lowers this one's result) and so has its start.
   */
  end(p: Process): void;
  /** Whether rule r's next matching call in p falls in its when= range (the draw aside). */
  nextInRange(p: Process, r: InjectRule): boolean;
}

export function createInjector(rules: InjectRule[], rng: Rng): SyscallInterceptor & { component: ComponentInjection } {
  const counts = new Map<string, number>(); // rule index + pid -> calls seen
  const current = new Map<number, InjectedCall>();
  const matches = (r: InjectRule, def: SyscallDef): boolean => r.calls.has(def.strace) || r.calls.has(def.name) || def.classes.some((c) => r.classes.has(c));
  const wanted = new Set<SyscallDef>();
  const unwanted = new Set<SyscallDef>();

  /** Which rule (if any) fires for this call: decided once per call, even if the call suspends and runs again. */
  const decideBy = (p: Process, match: (r: InjectRule) => boolean): InjectRule | undefined => {
    const c = current.get(p.pid);
    if (c && c.start === p.callStart) return c.rule;
    let fired: InjectRule | undefined;
    rules.forEach((r, i) => {
      if (fired || !match(r) || (r.process && !r.process.test(p.name))) return;
      const key = `${i}:${p.pid}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (n >= r.first && n <= r.last && (n - r.first) % r.step === 0 && (r.probability >= 1 || rng.float() < r.probability)) fired = r;
    });
    current.set(p.pid, { start: p.callStart, rule: fired });
    return fired;
  };
  const decide = (p: Process, def: SyscallDef): InjectRule | undefined => decideBy(p, (r) => matches(r, def));

  return {
    component: {
      rules,
      wasiCalls: WASI_CALLS,
      decide: decideBy,
      current: (p) => current.get(p.pid)!,
      end: (p) => current.delete(p.pid),
      nextInRange(p, r) {
        const n = (counts.get(`${rules.indexOf(r)}:${p.pid}`) ?? 0) + 1;
        return n >= r.first && n <= r.last && (n - r.first) % r.step === 0 && (!r.process || r.process.test(p.name));
      },
    },
    wants(def) {
      if (wanted.has(def)) return true;
      if (unwanted.has(def)) return false;
      const w = rules.some((r) => matches(r, def));
      (w ? wanted : unwanted).add(def);
      return w;
    },
    intercept(p, def, args, invoke) {
      const r = decide(p, def);
      if (!r) return invoke();
      const c = current.get(p.pid)!;
      const now = p.kernel.clock.now();
      p.injected = true;
      if (c.result !== undefined) return now >= c.exitUntil! ? c.result : p.block([], c.exitUntil!);
      if (r.delayEnterNs !== undefined) {
        c.enterUntil ??= now + r.delayEnterNs;
        if (now < c.enterUntil) return p.block([], c.enterUntil);
      }
      if (r.error !== undefined) return r.error;
      if (r.retval !== undefined) {
        const i = def.params.findIndex((x) => x.kind === 'ret');
        if (i >= 0) p.mem.setU32(args[i]!, r.retval);
        return 0;
      }
      const res = r.max !== undefined ? shortIo(p, def, args, r.max, invoke) : invoke();
      if (res === BLOCKED || r.delayExitNs === undefined) return res;
      // delay_exit: the call is done; hold its result back for the delay.
      c.result = res;
      c.exitUntil = now + r.delayExitNs;
      return p.block([], c.exitUntil);
    },
  };
}

/** Runs a read/write-like call with at most `max` bytes: shrinks a len argument, or the iovecs in guest memory for the call. */
function shortIo(p: Process, def: SyscallDef, args: readonly number[], max: number, invoke: (a?: readonly number[]) => number): number {
  // send/recv's len, read/write's count (the buffer's length, not an address's: sockaddr lengths are 'len' kinds too).
  const lenIdx = def.params.findIndex((x) => x.kind === 'len' && (x.name === 'len' || x.name === 'count'));
  if (lenIdx >= 0) {
    const a = [...args];
    a[lenIdx] = Math.min(a[lenIdx]!, max);
    return invoke(a);
  }
  const iovIdx = def.params.findIndex((x) => x.kind === 'iovs' || x.kind === 'iovs_out');
  if (iovIdx < 0) return invoke();
  const ptr = args[iovIdx]!;
  const cnt = args[iovIdx + 1]!;
  if (!p.mem.valid(ptr, cnt * 8)) return invoke();
  const saved: number[] = [];
  let left = max;
  for (let i = 0; i < cnt; i++) {
    const len = p.mem.u32(ptr + i * 8 + 4);
    saved.push(len);
    const k = Math.min(len, left);
    p.mem.setU32(ptr + i * 8 + 4, k);
    left -= k;
  }
  try {
    return invoke();
  } finally {
    saved.forEach((len, i) => p.mem.setU32(ptr + i * 8 + 4, len));
  }
}

export const EINTR = E.EINTR;
