// How a process ends when it does not call exit: Linux signal numbers, so
// socklab's exit status reads like a shell's (128 + signal).
import { E } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import type { Process } from './process.js';

export const SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGCHLD: 17, SIGXCPU: 24, SIGXFSZ: 25, SIGSYS: 31,
} as const;
export type SignalName = keyof typeof SIGNALS;

/** proc_exit(code) unwinds the guest through this exception. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exit(${code})`);
  }
}

/** The host ends a process (limit hit, SIGPIPE, trap): unwinds the guest if it is running. */
export class Killed extends Error {
  constructor(
    readonly signal: SignalName,
    readonly reason: string,
    /** Overrides 128+signal, e.g. 124 for a wall-clock timeout. */
    readonly status?: number,
  ) {
    super(reason);
  }
}

/** Maps a WebAssembly trap to the signal Linux would deliver for the same fault. */
export function trapSignal(err: Error): SignalName {
  const m = err.message;
  if (err instanceof RangeError) return 'SIGSEGV'; // call stack exhausted
  if (/unreachable/i.test(m)) return 'SIGABRT'; // abort(), assert(), __builtin_trap()
  if (/divide by zero|remainder by zero|integer overflow|float unrepresentable/i.test(m)) return 'SIGFPE';
  return 'SIGSEGV';
}

/**
 * A write on a stream whose peer is gone: Linux sends SIGPIPE (si_code
 * SI_USER, si_pid the writer itself) unless the call passed MSG_NOSIGNAL,
 * and the call fails with EPIPE. SIGPIPE's default action ends the process
 * here and now; ignored, it is discarded; blocked, it stays pending; with a
 * handler, the handler runs once the call has returned. Returns the errno
 * for the caller to return.
 */
export function brokenPipe(p: { signals: SignalState; pid: number; post(sig: number, info: SigInfo): void }, nosignal: boolean, epipe: number): number {
  if (nosignal) return epipe;
  const s = p.signals;
  const blocked = (s.mask & sigbit(SIGNALS.SIGPIPE)) !== 0n;
  const d = s.disposition(SIGNALS.SIGPIPE);
  if (d === 'default' && !blocked) {
    throw new Killed('SIGPIPE', 'killed by SIGPIPE: wrote to a stream whose reading end is closed');
  }
  if (d !== 'ignore') p.post(SIGNALS.SIGPIPE, { signo: SIGNALS.SIGPIPE, code: SI_USER, pid: p.pid, uid: 0 });
  return epipe;
}

/**
 * How the guest disposes of signals other than SIGPIPE, as far as the host
 * must know (the guest SDK's signal()/sigaction() report it): 0 default,
 * 1 ignored, 2 a handler. Kernel.signal() reads it: a service that ignores
 * or handles SIGTERM keeps running until SIGKILL. Handlers are not run yet.
 */
export const signalSyscalls: readonly SyscallDef[] = [
  syscall('socklab', 'sigaction', { strace: 'rt_sigaction', classes: ['signal'], params: ['sig:i32', 'disposition:i32'] }, (p: Process, sig: number, d: number) => {
    if (sig <= 0 || sig >= 65 || sig === SIGNALS.SIGKILL) return E.EINVAL;
    p.signals.actions[sig] = { kind: d === 1 ? 1 : d === 2 ? 2 : 0, handler: d === 1 ? 1 : 0, flags: 0, mask: 0n, restorer: 0 };
    return 0;
  }),
];

/** The default action of a signal (signal(7)): end the process, end it with a core dump, or ignore it. */
export type DefaultAction = 'term' | 'core' | 'ign';
const CORE = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);
const IGNORED = new Set([17, 23, 28]); // SIGCHLD, SIGURG, SIGWINCH (SIGCONT continues: ignored here, nothing stops)
export function defaultAction(sig: number): DefaultAction {
  if (CORE.has(sig)) return 'core';
  if (IGNORED.has(sig) || sig === 18) return 'ign';
  return 'term';
}

/** Linux's names for signals 1-31 (index = number). */
export const SIGNAL_NAMES: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM',
  'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
/** "SIGTERM" for 15; "SIGRT_3" / "34" past the standard ones, as strace prints them. */
export function signalName(sig: number): string {
  if (sig > 0 && sig < SIGNAL_NAMES.length) return SIGNAL_NAMES[sig]!;
  if (sig >= 34 && sig <= 64) return sig === 34 ? 'SIGRTMIN' : `SIGRT_${sig - 34}`;
  return String(sig);
}

export const SA_NOCLDSTOP = 1;
export const SA_NOCLDWAIT = 2;
export const SA_SIGINFO = 4;
export const SA_RESTORER = 0x04000000;
export const SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;

/** si_code values socklab delivers. */
export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_TKILL = -6;
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;

/** One sigaction(2) entry: how the process disposes of a signal. */
export interface SigAction {
  /** 0 SIG_DFL, 1 SIG_IGN, 2 a handler in the guest. */
  kind: 0 | 1 | 2;
  /** The guest's handler (a function pointer, for traces). */
  handler: number;
  flags: number;
  /** Signals blocked while the handler runs (bit sig-1). */
  mask: bigint;
  /** The guest's restorer (the SDK's trampoline), for traces. */
  restorer: number;
}

/** What a delivered signal says about itself (siginfo_t). */
export interface SigInfo {
  signo: number;
  code: number;
  pid: number;
  uid: number;
  /** SIGCHLD: the child's exit code or the signal that ended it. */
  status?: number;
}

/** Bit of a signal in a sigset (Linux's layout: bit sig-1 of a 64-bit word). */
export const sigbit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
export const UNBLOCKABLE = sigbit(9) | sigbit(19);

/**
 * A process's signal state, as Linux keeps it per process: the
 * dispositions (sigaction), the blocked mask, the pending signals (one
 * instance each, with their siginfo) and the ITIMER_REAL timer. fork()
 * copies the dispositions and the mask; the child starts with nothing
 * pending and no timer.
 */
export class SignalState {
  readonly actions: (SigAction | undefined)[] = [];
  /** Blocked signals. */
  mask = 0n;
  /** Pending signals, by number, with the siginfo of the first instance. */
  readonly pending = new Map<number, SigInfo>();
  /** ITIMER_REAL: the timer id, when it expires (absolute ns), its interval (ns, 0: one-shot). */
  itimer: { id: number; at: number; interval: number } | undefined;

  /** signal(sig, SIG_IGN or SIG_DFL) as the SDK's SIGPIPE import reports it. */
  ignoreOrDefault(sig: number, ignore: boolean): void {
    this.actions[sig] = ignore ? { kind: 1, handler: 1, flags: 0, mask: 0n, restorer: 0 } : undefined;
  }

  action(sig: number): SigAction | undefined {
    return this.actions[sig];
  }

  /** 'default', 'ignore' or 'handler'. */
  disposition(sig: number): 'default' | 'ignore' | 'handler' {
    const a = this.actions[sig];
    return !a || a.kind === 0 ? 'default' : a.kind === 1 ? 'ignore' : 'handler';
  }

  /** Whether delivering sig would do nothing at all (ignored explicitly, or by default). */
  ignored(sig: number): boolean {
    const d = this.disposition(sig);
    return d === 'ignore' || (d === 'default' && defaultAction(sig) === 'ign');
  }

  /** Pending signals not blocked, lowest number first (as Linux picks standard signals). */
  deliverable(): number | undefined {
    let best: number | undefined;
    for (const sig of this.pending.keys()) {
      if ((this.mask & sigbit(sig)) !== 0n) continue;
      if (best === undefined || sig < best) best = sig;
    }
    return best;
  }

  pendingSet(): bigint {
    let s = 0n;
    for (const sig of this.pending.keys()) s |= sigbit(sig);
    return s;
  }

  /** The child's copy at fork(): dispositions and mask; nothing pending, no timer. */
  forkCopy(): SignalState {
    const s = new SignalState();
    this.actions.forEach((a, i) => {
      if (a) s.actions[i] = { ...a };
    });
    s.mask = this.mask;
    return s;
  }
}

/**
 * What an interrupted blocked call shows in a trace (strace's "= ? ERESTARTSYS ..."),
 * as codes no WASI errno uses (Linux's own numbers). Only ERESTARTSYS
 * restarts, and only under SA_RESTART (signal(7)); a socket call with
 * SO_RCVTIMEO/SO_SNDTIMEO fails with EINTR at once.
 */
export const RESTART_CODES = {
  ERESTARTSYS: { code: 512, text: '? ERESTARTSYS (To be restarted if SA_RESTART is set)' },
  ERESTARTNOHAND: { code: 514, text: '? ERESTARTNOHAND (To be restarted if no handler)' },
  ERESTART_RESTARTBLOCK: { code: 516, text: '? ERESTART_RESTARTBLOCK (Interrupted by signal)' },
} as const;
const NEVER_RESTARTED = new Set(['poll', 'ppoll', 'select', 'pselect6', 'pause', 'rt_sigsuspend']);
/** Linux's ep_poll returns EINTR itself: strace shows "= -1 EINTR", not a restart code. */
const EPOLL_WAITS = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2']);
/** How an interrupted call ends (signal(7)): restartable, never restarted, or EINTR at once (a socket call with a timeout). */
export function restartKind(def: SyscallDef, timed: boolean): { errno: 'ERESTARTSYS' | 'ERESTARTNOHAND' | 'ERESTART_RESTARTBLOCK' | 'EINTR'; code: number } {
  if (def.strace === 'clock_nanosleep' || def.strace === 'nanosleep') return { errno: 'ERESTART_RESTARTBLOCK', code: 516 };
  if (EPOLL_WAITS.has(def.strace)) return { errno: 'EINTR', code: E.EINTR };
  if (NEVER_RESTARTED.has(def.strace) || def.name === 'poll_oneoff') return { errno: 'ERESTARTNOHAND', code: 514 };
  if (timed && def.classes.includes('net')) return { errno: 'EINTR', code: E.EINTR };
  return { errno: 'ERESTARTSYS', code: 512 };
}
