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

import { CALL_CLASSES, CallNameError, traceNames, unknownCall } from './names.js';

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
        throw new InjectError(`--inject: unknown part ${JSON.stringify(part)}`);
    }
  }
  if (!action) throw new InjectError(`--inject ${spec}: say what to inject (error=, retval=, max=, delay_enter=, delay_exit=)`);
  return rule;
}

/** Out-parameters that carry a call's count (for retval=). */

export function createInjector(rules: InjectRule[], rng: Rng): SyscallInterceptor {
  const counts = new Map<string, number>(); // rule index + pid -> calls seen
  /** The call each process is in: which rule fired, when an entry delay ends, a result held back by delay_exit. */
  const current = new Map<number, { start: number; rule: InjectRule | undefined; enterUntil?: number; result?: number; exitUntil?: number }>();
  const matches = (r: InjectRule, def: SyscallDef): boolean => r.calls.has(def.strace) || r.calls.has(def.name) || def.classes.some((c) => r.classes.has(c));
  const wanted = new Set<SyscallDef>();
  const unwanted = new Set<SyscallDef>();

  /** Which rule (if any) fires for this call: decided once per call, even if the call suspends and runs again. */
  const decide = (p: Process, def: SyscallDef): InjectRule | undefined => {
    const c = current.get(p.pid);
    if (c && c.start === p.callStart) return c.rule;
    let fired: InjectRule | undefined;
    rules.forEach((r, i) => {
      if (fired || !matches(r, def) || (r.process && !r.process.test(p.name))) return;
      const key = `${i}:${p.pid}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (n >= r.first && n <= r.last && (n - r.first) % r.step === 0 && (r.probability >= 1 || rng.float() < r.probability)) fired = r;
    });
    current.set(p.pid, { start: p.callStart, rule: fired });
    return fired;
  };

  return {
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
  const lenIdx = def.params.findIndex((x) => x.kind === 'len' && x.name === 'len');
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
