// The signal calls (docs/abi.md): sigaction, sigprocmask, sigpending,
// sigsuspend, pause, sigtimedwait, kill, alarm, setitimer/getitimer. Handlers are guest
// code run by Process's delivery (see Process.post and the SDK's
// __socklab_sigtramp); the state lives in host/kernel/signals.ts.
import { readTimespec } from './timespec.js';
import { mayKill } from './creds.js';
import { E } from '../abi/errno.js';
import { BLOCKED, syscall, type SyscallDef } from './syscall.js';
import { SI_KERNEL, SI_TKILL, SI_USER, UNBLOCKABLE, sigbit, type SigInfo } from './signals.js';
import { WaitQueue } from './wait.js';
import type { Process } from './process.js';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
const SIGALRM = 14;

/** struct socklab_ksigaction { u32 kind (0 SIG_DFL, 1 SIG_IGN, 2 handler); u32 handler; u32 flags; u32 restorer; u64 mask; }: 24 bytes. */
function readAction(p: Process, ptr: number) {
  p.mem.check(ptr, 24);
  const kind = p.mem.u32(ptr);
  if (kind > 2) return undefined;
  return { kind: kind as 0 | 1 | 2, handler: p.mem.u32(ptr + 4), flags: p.mem.u32(ptr + 8), restorer: p.mem.u32(ptr + 12), mask: p.mem.u64(ptr + 16) & ~UNBLOCKABLE };
}
function writeAction(p: Process, ptr: number, sig: number): void {
  const a = p.signals.action(sig);
  p.mem.check(ptr, 24);
  p.mem.setU32(ptr, a?.kind ?? 0);
  p.mem.setU32(ptr + 4, a?.handler ?? 0);
  p.mem.setU32(ptr + 8, a?.flags ?? 0);
  p.mem.setU32(ptr + 12, a?.restorer ?? 0);
  p.mem.setU64(ptr + 16, a?.mask ?? 0n);
}

function rtSigaction(p: Process, sig: number, act: number, old: number): number {
  if (sig <= 0 || sig >= 65) return E.EINVAL;
  if ((sig === 9 || sig === 19) && act) return E.EINVAL;
  const a = act ? readAction(p, act) : undefined;
  if (act && !a) return E.EINVAL;
  if (old) writeAction(p, old, sig);
  if (a) {
    // Kept whole even for SIG_DFL: a later sigaction reads back its mask and flags, as on Linux.
    p.signals.actions[sig] = a;
    // Setting a signal to be ignored discards it if pending (POSIX).
    if (p.signals.ignored(sig)) p.signals.pending.delete(sig);
  }
  return 0;
}

function rtSigprocmask(p: Process, how: number, set: number, old: number): number {
  const s = p.signals;
  let v = 0n;
  if (set) {
    if (how !== SIG_BLOCK && how !== SIG_UNBLOCK && how !== SIG_SETMASK) return E.EINVAL;
    p.mem.check(set, 8);
    v = p.mem.u64(set);
  }
  if (old) {
    p.mem.check(old, 8);
    p.mem.setU64(old, s.mask);
  }
  if (set) {
    if (how === SIG_BLOCK) s.mask |= v;
    else if (how === SIG_UNBLOCK) s.mask &= ~v;
    else s.mask = v;
    s.mask &= ~UNBLOCKABLE;
  }
  return 0;
}

/** kill(2): pid > 0 that process; 0 the caller's group; -1 every process but init and the caller; < -1 group -pid. Only processes on the caller's host are seen. */
function kill(p: Process, pid: number, sig: number): number {
  if (sig < 0 || sig >= 65) return E.EINVAL;
  if (pid === -0x80000000) return E.ESRCH;
  const k = p.kernel;
  const live = k.processes.filter((q) => !q.reaped && q.host === p.host);
  const targets = pid > 0 ? live.filter((q) => q.pid === pid) : pid === 0 ? live.filter((q) => q.pgid === p.pgid) : pid === -1 ? live.filter((q) => q !== p) : live.filter((q) => q.pgid === -pid);
  if (!targets.length) return E.ESRCH;
  // Linux's kill_something_info: EPERM when no target may be signalled (kill_ok_by_cred; sig 0 checks too), except for -1, which never reports it.
  const allowed = targets.filter((q) => mayKill(p.creds, q.creds));
  if (!allowed.length && pid !== -1) return E.EPERM;
  if (sig === 0) return 0;
  // Ascending pid: a deterministic order for group signals.
  for (const q of allowed.sort((a, b) => a.pid - b.pid)) q.post(sig, { signo: sig, code: SI_USER, pid: p.pid, uid: p.creds.ruid });
  return 0;
}

/**
 * tgkill(2), which glibc's raise() makes (getpid, then tgkill(pid, pid, sig)): a socklab process is one thread
 * whose tid is its pid, so the thread is found only where tid and tgid are both that pid (ESRCH otherwise); the
 * signal carries SI_TKILL, as a handler's si_code shows on Linux.
 */
function tgkill(p: Process, tgid: number, tid: number, sig: number): number {
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig >= 65) return E.EINVAL;
  const q = p.kernel.processes.find((x) => !x.reaped && x.host === p.host && x.pid === tid);
  if (q === undefined || tgid !== tid) return E.ESRCH;
  if (!mayKill(p.creds, q.creds)) return E.EPERM;
  if (sig !== 0) q.post(sig, { signo: sig, code: SI_TKILL, pid: p.pid, uid: p.creds.ruid });
  return 0;
}

/** Arms (or, with 0, disarms) ITIMER_REAL: SIGALRM at now + value, then every interval. */
export function armItimer(p: Process, valueNs: number, intervalNs: number): void {
  const s = p.signals;
  const k = p.kernel;
  if (s.itimer) k.timers.cancel(s.itimer.id);
  s.itimer = undefined;
  if (valueNs <= 0) return;
  const fire = (at: number): void => {
    const it = s.itimer!;
    if (it.interval > 0) {
      const next = at + it.interval;
      s.itimer = { id: k.timers.add(next, () => fire(next)), at: next, interval: it.interval };
    } else s.itimer = undefined;
    p.post(SIGALRM, { signo: SIGALRM, code: SI_KERNEL, pid: 0, uid: 0 });
  };
  const at = k.clock.now() + valueNs;
  s.itimer = { id: k.timers.add(at, () => fire(at)), at, interval: intervalNs };
}

function itimerLeft(p: Process): number {
  const it = p.signals.itimer;
  return it ? Math.max(0, it.at - p.kernel.clock.now()) : 0;
}

function alarm(p: Process, secs: number, out: number): number {
  p.mem.check(out, 4);
  const left = itimerLeft(p);
  // Linux rounds the time left to the nearest second, and says 1 rather than 0 for a timer still armed.
  const prev = left ? Math.max(1, Math.round(left / 1e9)) : 0;
  armItimer(p, (secs >>> 0) * 1e9, 0);
  p.mem.setU32(out, prev);
  return 0;
}

/** struct socklab_itimer { u64 value_ns; u64 interval_ns; } */
function setitimer(p: Process, which: number, nw: number, old: number): number {
  if (which !== 0) return which === 1 || which === 2 ? E.ENOSYS : E.EINVAL;
  if (nw) p.mem.check(nw, 16);
  if (old) {
    p.mem.check(old, 16);
    p.mem.setU64(old, BigInt(itimerLeft(p)));
    p.mem.setU64(old + 8, BigInt(p.signals.itimer?.interval ?? 0));
  }
  if (nw) armItimer(p, Number(p.mem.u64(nw)), Number(p.mem.u64(nw + 8)));
  return 0;
}

function getitimer(p: Process, which: number, out: number): number {
  if (which !== 0) return which === 1 || which === 2 ? E.ENOSYS : E.EINVAL;
  p.mem.check(out, 16);
  p.mem.setU64(out, BigInt(itimerLeft(p)));
  p.mem.setU64(out + 8, BigInt(p.signals.itimer?.interval ?? 0));
  return 0;
}

/** pause()/sigsuspend(): sleep until a handler runs (then EINTR); the first attempt installs sigsuspend's mask. */
function suspend(p: Process, mask: bigint | undefined): number {
  if (p.callSigMask === undefined) {
    p.callSigMask = p.signals.mask;
    if (mask !== undefined) p.signals.mask = mask & ~UNBLOCKABLE;
  }
  const r = p.block([]);
  p.interruptIfDeliverable();
  return r;
}

/** The kernel's sigset_t: 64 signals, 8 bytes (sigsetsize must say so). */
const SIGSET_SIZE = 8;

/** How a wait under a temporary mask goes to sleep: blocks on the queues until the deadline, or ends the call with an errno at once. */
export type Sleep = (queues: WaitQueue[], deadline: number) => number;

/**
 * A wait with a temporary signal mask (epoll_pwait, epoll_pwait2; ppoll and
 * pselect6 have the same shape), as Linux's set_user_sigmask and
 * restore_saved_sigmask_unless do it. The mask (NULL: none, and sigsetsize
 * is not looked at) is installed on the call's first attempt, before the
 * call checks anything else; `wait` runs as often as the call is woken and
 * goes to sleep through the Sleep it is given. A signal the temporary mask
 * lets through ends the wait with EINTR, whether it was pending already
 * (checked just before sleeping, after the call found nothing ready) or
 * arrives during the sleep; its handler runs under the temporary mask and
 * the old one comes back at its sigreturn. Any other result puts the old
 * mask back at once, so a signal only the temporary mask blocked is
 * delivered as the call returns, and one the old mask blocks stays pending.
 */
export function waitWithSigmask(p: Process, maskPtr: number, size: number, wait: (sleep: Sleep) => number): number {
  if (maskPtr && p.callSigMask === undefined) {
    if (size !== SIGSET_SIZE) return E.EINVAL;
    p.mem.check(maskPtr, SIGSET_SIZE);
    p.callSigMask = p.signals.mask;
    p.signals.mask = p.mem.u64(maskPtr) & ~UNBLOCKABLE;
  }
  const sleep: Sleep = (queues, deadline) => (p.signals.deliverable() !== undefined ? E.EINTR : p.block(queues, deadline));
  let r: number;
  try {
    r = wait(sleep);
  } catch (err) {
    restoreCallMask(p);
    throw err;
  }
  // EINTR keeps the temporary mask until the handler has run (Process.dispatch hands it to the handler's frame).
  if (r !== BLOCKED && r !== E.EINTR) restoreCallMask(p);
  return r;
}

function restoreCallMask(p: Process): void {
  if (p.callSigMask === undefined) return;
  p.signals.mask = p.callSigMask;
  p.callSigMask = undefined;
}

/** sizeof(siginfo_t) in the SDK's <signal.h> (wasm32): what rt_sigtimedwait writes. */
export const SDK_SIGINFO_SIZE = 116;

/** The SDK's siginfo_t from a pending signal's: si_band and si_fd where Linux's union puts them on wasm32 (as __socklab_sigtramp fills it). */
function writeSiginfo(p: Process, ptr: number, info: SigInfo): void {
  p.mem.check(ptr, SDK_SIGINFO_SIZE);
  p.mem.fill(ptr, SDK_SIGINFO_SIZE);
  p.mem.setU32(ptr, info.signo);
  p.mem.setI32(ptr + 8, info.code);
  p.mem.setI32(ptr + 12, info.pid);
  p.mem.setU32(ptr + 16, info.uid >>> 0);
  p.mem.setI32(ptr + 20, info.status ?? 0);
  p.mem.setI32(ptr + 28, info.band ?? info.pid);
  p.mem.setI32(ptr + 36, info.fd ?? info.uid);
}

/**
 * rt_sigtimedwait(set, info, timeout, sigsetsize, *sig) as Linux's
 * do_sigtimedwait: the lowest pending signal of the set (SIGKILL and SIGSTOP
 * left out) is taken with its siginfo, blocked or not; with none, the call
 * sleeps until one comes (it wakes on the queue post() wakes for signalfd),
 * the timeout passes (EAGAIN; a zero timeout never sleeps) or another
 * signal's handler interrupts it (EINTR, never restarted). While it sleeps
 * the set is blocked on top of the mask (Linux unblocks it and keeps the old
 * mask as real_blocked: the same for a set that was blocked, which POSIX
 * requires), so a signal of the set is taken here, never run by a handler.
 */
function rtSigtimedwait(p: Process, setPtr: number, info: number, ts: number, size: number, out: number): number {
  if (size !== SIGSET_SIZE) return E.EINVAL;
  p.mem.check(setPtr, SIGSET_SIZE);
  const set = p.mem.u64(setPtr) & ~UNBLOCKABLE;
  const ns = ts ? readTimespec(p, ts) : -1n;
  p.mem.check(out, 4);
  const s = p.signals;
  let sig: number | undefined;
  for (const n of s.pending.keys()) if ((set & sigbit(n)) !== 0n && (sig === undefined || n < sig)) sig = n;
  if (sig !== undefined) {
    const si = s.pending.get(sig)!;
    s.pending.delete(sig);
    restoreCallMask(p);
    if (info) writeSiginfo(p, info, si);
    p.mem.setI32(out, sig);
    return 0;
  }
  if (ns === 0n || p.timedOut()) {
    restoreCallMask(p);
    return E.EAGAIN;
  }
  if (ns > 0n && ns <= BigInt(Number.MAX_SAFE_INTEGER)) p.deadline(Number(ns));
  if (p.callSigMask === undefined) {
    p.callSigMask = s.mask;
    s.mask = (s.mask | set) & ~UNBLOCKABLE;
  }
  return p.block([(s.signalfdWait ??= new WaitQueue())], p.callDeadline);
}

/**
 * clock_nanosleep(clock, flags, req, rem) with Linux's struct timespec
 * (wasm32: i64 tv_sec, i32 tv_nsec, 16 bytes): the SDK's sleep, usleep,
 * nanosleep and clock_nanosleep. Interrupted by a handler it fails with
 * EINTR (never restarted: ERESTART_RESTARTBLOCK in the trace) and a relative
 * sleep writes the time left to rem (see interruptedSleep).
 */
function clockNanosleep(p: Process, clock: number, flags: number, req: number, _rem: number): number {
  if (clock !== 0 && clock !== 1) return clock === 2 || clock === 3 ? E.ENOTSUP : E.EINVAL;
  const reqNs = readTimespec(p, req);
  const k = p.kernel;
  if (p.callDeadline < 0) {
    const ns = Number(reqNs);
    if (flags & TIMER_ABSTIME) {
      // An absolute time on CLOCK_REALTIME (the wall clock) or CLOCK_MONOTONIC (the run's clock).
      const now = clock === 0 ? Number(k.clock.wall()) : k.clock.now();
      p.callDeadline = p.callStart + Math.max(0, ns - now);
    } else p.deadline(ns);
  }
  if (p.timedOut()) return 0;
  return p.block([], p.callDeadline);
}
const TIMER_ABSTIME = 1;

/** A relative clock_nanosleep interrupted by a handler: rem gets the time left (written before the trace shows the call). */
function interruptedSleep(p: Process, args: readonly number[]): void {
  const [, flags, , rem] = args;
  if (!rem || (flags! & TIMER_ABSTIME) || p.callDeadline < 0) return;
  const left = Math.max(0, p.callDeadline - p.kernel.clock.now());
  p.mem.check(rem, 16);
  p.mem.setU64(rem, BigInt(Math.floor(left / 1e9)));
  p.mem.setU32(rem + 8, left % 1e9);
}

export const sigSyscalls: readonly SyscallDef[] = [
  { ...syscall('socklab', 'clock_nanosleep', { strace: 'clock_nanosleep', classes: ['clock'], params: ['clock:clockid', 'flags:timer_flags', 'req:timespec', 'rem:timespec_rem'], mayBlock: true }, clockNanosleep), onInterrupt: interruptedSleep },
  syscall('socklab', 'rt_sigaction', { strace: 'rt_sigaction', classes: ['signal'], params: ['sig:signo', 'act:sigaction', 'oldact:sigaction_out'] }, rtSigaction),
  syscall('socklab', 'rt_sigprocmask', { strace: 'rt_sigprocmask', classes: ['signal'], params: ['how:sigmask_how', 'set:sigset', 'oldset:sigset_out'], mayBlock: true }, rtSigprocmask),
  syscall('socklab', 'rt_sigpending', { strace: 'rt_sigpending', classes: ['signal'], params: ['set:sigset_out'] }, (p: Process, out: number) => {
    p.mem.check(out, 8);
    p.mem.setU64(out, p.signals.pendingSet() & p.signals.mask);
    return 0;
  }),
  syscall('socklab', 'rt_sigsuspend', { strace: 'rt_sigsuspend', classes: ['signal'], params: ['mask:sigset'], mayBlock: true }, (p: Process, m: number) => {
    p.mem.check(m, 8);
    return suspend(p, p.mem.u64(m));
  }),
  syscall('socklab', 'rt_sigtimedwait', { strace: 'rt_sigtimedwait', classes: ['signal'], params: ['set:sigset', 'info:siginfo_out', 'timeout:timespec', 'sigsetsize:u32', 'sig:ret_signo'], mayBlock: true }, rtSigtimedwait),
  syscall('socklab', 'pause', { strace: 'pause', classes: ['signal'], mayBlock: true }, (p: Process) => suspend(p, undefined)),
  syscall('socklab', 'kill', { strace: 'kill', classes: ['signal', 'process'], params: ['pid:i32', 'sig:signo'], mayBlock: true }, kill),
  // One thread per process: its tid is its pid.
  syscall('socklab', 'gettid', { strace: 'gettid', classes: [], params: ['tid:ret'] }, (p: Process, out: number) => {
    p.mem.setI32(out, p.pid);
    return 0;
  }),
  syscall('socklab', 'tgkill', { strace: 'tgkill', classes: ['signal', 'process'], params: ['tgid:i32', 'tid:i32', 'sig:signo'], mayBlock: true }, tgkill),
  syscall('socklab', 'alarm', { strace: 'alarm', classes: [], params: ['seconds:u32', 'prev:ret'] }, alarm),
  syscall('socklab', 'setitimer', { strace: 'setitimer', classes: [], params: ['which:itimer_which', 'new:itimerval', 'old:itimerval_out'] }, setitimer),
  syscall('socklab', 'getitimer', { strace: 'getitimer', classes: [], params: ['which:itimer_which', 'cur:itimerval_out'] }, getitimer),
];

export { sigbit };
