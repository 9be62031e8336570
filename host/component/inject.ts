// --inject for WASI 0.2 components: the rules, counts and seeded draws of
// host/trace/inject.ts (one injector per run, shared with preview1 guests),
// applied to the calls a component makes through socklab's WASI 0.2
// implementations. trace.ts's wrapper around every function and method is the
// hook: it hands each call (at the component's own level, not calls one
// implementation makes of another) to injectCall.
//
// A rule selects a component call by the WASI 0.2 name itself
// (tcp-socket.start-connect), by a Linux name whose job the call does
// (WASI_CALLS in host/trace/inject.ts: connect -> start-connect, recv ->
// input-stream reads on a socket, ...) or by class (%net is wasi:sockets, %desc
// wasi:io and wasi:filesystem). What it injects, in the interface's own terms:
// - error=E: the call's err. wasi:sockets calls return E's error-code, stream
//   calls stream-error.last-operation-failed with an error whose
//   filesystem-error-code is E's (how the preview1 adapter reads it),
//   wasi:filesystem calls E's filesystem error-code. An errno with no exact
//   counterpart (one that reads back as itself) is refused (componentRuleError).
// - max=N: reads ask for at most N bytes, a datagram received keeps its first N
//   (the rest is lost, as a short recvfrom loses it), a datagram sent carries
//   its first N, and check-write's permit is at most N while the rule's next
//   write is in its when= range (write must stay within that permit;
//   blocking-write-and-flush writes all of its list by contract).
// - delay_enter / delay_exit: the call waits in virtual time before it runs, or
//   before its result is returned.
// - retval=N: a call whose ok value is a count (u64) returns N without running.
import { E, errnoByWasi } from '../abi/errno.js';
import type { SyscallClass } from '../kernel/syscall.js';
import type { ComponentInjection, InjectRule } from '../trace/inject.js';
import { fsErrorCode } from './filesystem.js';
import { fail, IoError } from './io.js';
import type { ComponentProcess } from './process.js';
import { kebab, signature, signatureEntries } from './signatures.js';
import { errorCode } from './sockets.js';

/** Every WASI 0.2 error-code (wasi:sockets' and wasi:filesystem's) to the errno it stands for (the trace shows an err as this errno). */
export const CODE_ERRNO: Readonly<Record<string, number>> = {
  'access-denied': E.EACCES, 'not-supported': E.EOPNOTSUPP, 'invalid-argument': E.EINVAL, 'out-of-memory': E.ENOMEM,
  timeout: E.ETIMEDOUT, 'concurrency-conflict': E.EALREADY, 'not-in-progress': E.EINVAL, 'would-block': E.EAGAIN,
  'invalid-state': E.EINVAL, 'new-socket-limit': E.EMFILE, 'address-not-bindable': E.EADDRNOTAVAIL, 'address-in-use': E.EADDRINUSE,
  'remote-unreachable': E.EHOSTUNREACH, 'connection-refused': E.ECONNREFUSED, 'connection-reset': E.ECONNRESET,
  'connection-aborted': E.ECONNABORTED, 'datagram-too-large': E.EMSGSIZE, 'name-unresolvable': E.ENOENT,
  'temporary-resolver-failure': E.EAGAIN, 'permanent-resolver-failure': E.EIO, closed: E.EPIPE, 'last-operation-failed': E.EIO,
  // wasi:filesystem's error-code (host/component/filesystem.ts).
  access: E.EACCES, already: E.EALREADY, 'bad-descriptor': E.EBADF, busy: E.EBUSY, deadlock: E.EDEADLK, quota: E.EDQUOT,
  exist: E.EEXIST, 'file-too-large': E.EFBIG, 'illegal-byte-sequence': E.EILSEQ, 'in-progress': E.EINPROGRESS,
  interrupted: E.EINTR, invalid: E.EINVAL, io: E.EIO, 'is-directory': E.EISDIR, loop: E.ELOOP, 'too-many-links': E.EMLINK,
  'message-size': E.EMSGSIZE, 'name-too-long': E.ENAMETOOLONG, 'no-device': E.ENODEV, 'no-entry': E.ENOENT, 'no-lock': E.ENOLCK,
  'insufficient-memory': E.ENOMEM, 'insufficient-space': E.ENOSPC, 'not-directory': E.ENOTDIR, 'not-empty': E.ENOTEMPTY,
  'not-recoverable': E.ENOTRECOVERABLE, unsupported: E.EOPNOTSUPP, 'no-tty': E.ENOTTY, 'no-such-device': E.ENXIO,
  overflow: E.EOVERFLOW, 'not-permitted': E.EPERM, pipe: E.EPIPE, 'read-only': E.EROFS, 'invalid-seek': E.ESPIPE,
  'text-file-busy': E.ETXTBSY, 'cross-device': E.EXDEV,
};

/** How a call fails: wasi:sockets' error-code, a stream-error, wasi:filesystem's error-code, or not at all (no result). */
export type ErrorKind = 'code' | 'stream' | 'fs' | 'none';

/** The trace classes of a call (strace's %net, %desc, %file). */
export function classesOf(iface: string, call: string): SyscallClass[] {
  if (iface.startsWith('wasi:sockets/')) return ['net'];
  if (iface.startsWith('wasi:io/')) return ['desc'];
  // A call that takes a path (open-at, stat-at, ...) is %file, as openat and newfstatat are; all of them are %desc.
  if (iface.startsWith('wasi:filesystem/')) return /-at$/.test(call) ? ['file', 'desc'] : ['desc'];
  return [];
}

/** The error-code a call of this kind fails with for errno, when one stands for exactly that errno (it reads back as itself). */
function codeFor(kind: ErrorKind, errno: number): string | undefined {
  if (kind === 'none') return undefined;
  const code = kind === 'code' ? errorCode(errno) : fsErrorCode(errno);
  return CODE_ERRNO[code] === errno ? code : undefined;
}

/** What socklab knows of one WASI 0.2 call. */
interface CallInfo {
  iface: string;
  /** The trace's name: create-tcp-socket, [method]tcp-socket.start-connect. */
  call: string;
  classes: SyscallClass[];
  errs: ErrorKind;
  /** What retval= can do: return N as the ok value (a u64 count), return ok (a unit result), or nothing. */
  retval: 'count' | 'unit' | 'none';
}

let known: Map<string, CallInfo> | undefined;
/** Every function and method socklab implements (signatures.ts), by trace name. */
function calls(): Map<string, CallInfo> {
  if (known) return known;
  known = new Map();
  for (const [iface, cls, name] of signatureEntries()) {
    const call = cls ? `[method]${kebab(cls)}.${kebab(name)}` : kebab(name);
    const r = signature(iface, cls, name)?.result;
    const isResult = r?.k === 'result';
    const errs: ErrorKind = !isResult ? 'none' : iface.startsWith('wasi:sockets/') ? 'code' : iface === 'wasi:io/streams' ? 'stream' : iface.startsWith('wasi:filesystem/') ? 'fs' : 'none';
    const ok = isResult ? (r as { ok?: { k?: string } }).ok : undefined;
    known.set(call, { iface, call, classes: classesOf(iface, call), errs, retval: !isResult ? 'none' : ok === undefined ? 'unit' : ok.k === 'u64' ? 'count' : 'none' });
  }
  return known;
}

/** The Linux names for socket data transfer: in a component they select stream reads and writes on sockets only (read/write select every stream). */
const SOCKET_ONLY = new Set(['recvfrom', 'recvmsg', 'sendto', 'sendmsg']);

/**
 * How a stream call fails on this resource: a socket's stream error stands
 * for a network error (wasi:sockets' error-code), any other stream's for a
 * filesystem one (what filesystem-error-code answers).
 */
function errsOn(c: CallInfo, self: unknown): ErrorKind {
  return c.errs === 'stream' && isSocketStream(self) ? 'code' : c.errs;
}

/**
 * Does rule r select call c (self: the resource it is called on)? By its WASI
 * name; by a Linux name's counterparts or by class, each only where the
 * interface can carry the rule's errno (a rule applies where it means the same).
 */
function selects(inj: ComponentInjection, r: InjectRule, c: CallInfo, self: unknown): boolean {
  if (r.calls.has(c.call)) return true;
  const carries = r.error === undefined || codeFor(errsOn(c, self), r.error) !== undefined;
  if (!carries) return false;
  for (const n of r.calls) {
    if (!inj.wasiCalls[n]?.includes(c.call)) continue;
    if (SOCKET_ONLY.has(n) && c.iface === 'wasi:io/streams' && !isSocketStream(self)) continue;
    return true;
  }
  return c.classes.some((k) => r.classes.has(k));
}

function isSocketStream(self: unknown): boolean {
  const f = (self as { file?: { domain?: unknown } } | undefined)?.file;
  return f !== undefined && f.domain !== undefined;
}

/**
 * Why rule r cannot apply to a component, or undefined. error=: a WASI call
 * it names must be able to fail with the errno; a Linux name or a class needs
 * one of its counterparts to (a stream call counts with what it has on a
 * socket for recv/send, on either kind for read/write). retval=: a WASI call
 * it names must return a count or nothing.
 */
export function componentRuleError(inj: Pick<ComponentInjection, 'wasiCalls'>, r: InjectRule): string | undefined {
  const all = calls();
  if (r.retval !== undefined) {
    const named = [...r.calls].flatMap((n) => (all.has(n) ? [n] : inj.wasiCalls[n] ?? []));
    const cannot = named.filter((n) => all.get(n)?.retval === 'none');
    if (cannot.length) return `--inject ${r.text}: ${cannot.join(', ')} of a WASI 0.2 component returns no count or unit for retval= to stand for`;
  }
  const errno = r.error;
  if (errno === undefined) return undefined;
  const name = errnoByWasi(errno)?.name ?? String(errno);
  const can = (call: string, socketOnly: boolean): boolean => {
    const c = all.get(call);
    if (!c) return false;
    if (c.errs !== 'stream') return codeFor(c.errs, errno) !== undefined;
    return codeFor('code', errno) !== undefined || (!socketOnly && codeFor('stream', errno) !== undefined);
  };
  const cannot: string[] = [];
  const linux: string[] = [];
  const theirs = new Set<string>();
  for (const n of r.calls) {
    if (all.has(n)) {
      if (!can(n, false)) cannot.push(n);
    } else if (inj.wasiCalls[n] && !inj.wasiCalls[n]!.some((w) => can(w, SOCKET_ONLY.has(n)))) {
      linux.push(n);
      for (const w of inj.wasiCalls[n]!) theirs.add(w);
    }
  }
  if (linux.length) cannot.push(`${linux.join(', ')} (there: ${[...theirs].join(', ')})`);
  for (const k of r.classes) {
    if (![...all.values()].some((c) => c.classes.includes(k as SyscallClass) && can(c.call, false))) cannot.push(`the %${k} calls`);
  }
  if (cannot.length) return `--inject ${r.text}: ${cannot.join('; ')} of a WASI 0.2 component cannot fail with ${name}: WASI 0.2 has no error-code for it there (docs/components.md, "--inject")`;
  return undefined;
}

/** Thrown by a call whose err injectCall decided. */
function failWith(c: CallInfo, errno: number): never {
  const code = codeFor(c.errs, errno);
  if (c.errs === 'stream') fail({ tag: 'last-operation-failed', val: new IoError(`errno ${errno} (injected)`, errno) });
  fail(code ?? 'unknown');
}

/**
 * Runs a component's call (run(args) calls the implementation) under the
 * run's --inject rules. Returns or throws what the call does, or what a rule
 * puts in its place; a delay suspends the process (the call runs again
 * when it ends, and the decision stands: it is made once per call).
 */
export function injectCall(p: ComponentProcess, inj: ComponentInjection, iface: string, call: string, self: unknown, args: unknown[], run: (a?: unknown[]) => unknown): unknown {
  const c = calls().get(call) ?? { iface, call, classes: classesOf(iface, call), errs: 'none' as const, retval: 'none' as const };
  const r = inj.decide(p, (x) => selects(inj, x, c, self));
  try {
    if (!r) return call === '[method]output-stream.check-write' ? checkWrite(p, inj, self, run) : run();
    return applyRule(p, inj, r, c, call, self, args, run);
  } finally {
    // A call that waits runs again under the same decision; one that is over leaves none behind. The
    // guest can make calls before the host call returns (lowering a list result calls its realloc,
    // which may write to stdout): they have this call's start but are calls of their own.
    if (!p.blockedNow) inj.end(p);
  }
}

/** The call under rule r, which fired for it. */
function applyRule(p: ComponentProcess, inj: ComponentInjection, r: InjectRule, c: CallInfo, call: string, self: unknown, args: unknown[], run: (a?: unknown[]) => unknown): unknown {
  const st = inj.current(p);
  const now = p.kernel.clock.now();
  p.injected = true;
  if (st.held) {
    if (now < st.exitUntil!) return suspendUntil(p, st.exitUntil!);
    if (st.held.threw) throw st.held.v;
    return st.held.v;
  }
  if (r.delayEnterNs !== undefined) {
    st.enterUntil ??= now + r.delayEnterNs;
    if (now < st.enterUntil) {
      if (!p.canWait) p.kernel.clock.charge(st.enterUntil - now);
      else return suspendUntil(p, st.enterUntil);
    }
  }
  if (r.error !== undefined) failWith(c, r.error);
  if (r.retval !== undefined && c.retval !== 'none') return c.retval === 'count' ? BigInt(r.retval) : undefined;
  let v: unknown;
  let threw = false;
  try {
    v = r.max !== undefined ? shortened(call, r.max, args, run) : run();
    if (r.max !== undefined && call === '[method]output-stream.write' && !p.blockedNow) cutShort.add(self as object);
  } catch (e) {
    if (r.delayExitNs === undefined || p.blockedNow || e instanceof Error) throw e;
    v = e;
    threw = true;
  }
  if (p.blockedNow || r.delayExitNs === undefined) return v;
  if (!p.canWait) {
    // A call inside another host call cannot wait: the delay passes as the process's own time.
    p.kernel.clock.charge(r.delayExitNs);
    if (threw) throw v;
    return v;
  }
  // delay_exit: the call is done; hold its result back for the delay.
  st.held = { threw, v };
  st.exitUntil = now + r.delayExitNs;
  return suspendUntil(p, st.exitUntil);
}

/** The call waits until the virtual time `until`; jco gets a placeholder the direct binding does not lower. */
function suspendUntil(p: ComponentProcess, until: number): undefined {
  p.suspend([], until);
  return undefined;
}

/** max=N for each kind of transfer, as the interface allows it. */
function shortened(call: string, max: number, args: unknown[], run: (a?: unknown[]) => unknown): unknown {
  switch (call) {
    case '[method]input-stream.read':
    case '[method]input-stream.blocking-read': {
      const len = args[0] as bigint;
      return run([len < BigInt(max) ? len : BigInt(max)]);
    }
    case '[method]incoming-datagram-stream.receive': {
      const got = run() as { data: Uint8Array }[];
      // The rest of a longer datagram is lost, as with a short recvfrom.
      return Array.isArray(got) ? got.map((d) => (d.data.length > max ? { ...d, data: d.data.subarray(0, max) } : d)) : got;
    }
    case '[method]outgoing-datagram-stream.send': {
      const ds = args[0] as { data: Uint8Array }[];
      return run([ds.map((d) => (d.data.length > max ? { ...d, data: d.data.subarray(0, max) } : d))]);
    }
    default:
      return run();
  }
}

/** Output streams whose last write a max= rule shortened: their next check-write says 0. */
const cutShort = new WeakSet<object>();

/**
 * check-write is not a write (it is not counted): its permit is at most a
 * max= rule's N while that rule's next write is in its range. After such a
 * write, the stream's next check-write permits nothing: a writer that loops
 * while it may (socklab's SDK, for one non-blocking send) stops there, short,
 * as a non-blocking send on Linux returns what fitted.
 */
function checkWrite(p: ComponentProcess, inj: ComponentInjection, self: unknown, run: () => unknown): unknown {
  const v = run();
  if (typeof v !== 'bigint' || p.blockedNow) return v;
  if (cutShort.has(self as object)) {
    cutShort.delete(self as object);
    p.injected = true;
    return 0n;
  }
  const c = calls().get('[method]output-stream.write')!;
  let permit = v;
  for (const r of inj.rules) {
    if (r.max === undefined || !selects(inj, r, c, self) || !inj.nextInRange(p, r)) continue;
    if (BigInt(r.max) < permit) permit = BigInt(r.max);
  }
  if (permit !== v) p.injected = true;
  return permit;
}
