// How a process ends when it does not call exit: Linux signal numbers, so
// socklab's exit status reads like a shell's (128 + signal).
import { E } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import { Slot } from './slots.js';
import type { Process } from './process.js';
import type { OpenFile } from './file.js';
import type { WaitQueue } from './wait.js';

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

/** Why a process a write's SIGPIPE killed ended (its own SIGPIPE, as brokenPipe posts it). */
export const BROKEN_PIPE = 'killed by SIGPIPE: wrote to a stream whose reading end is closed';

/**
 * A write on a stream whose peer is gone: Linux sends SIGPIPE (si_code
 * SI_USER, si_pid the writer itself) unless the call passed MSG_NOSIGNAL,
 * and the call fails with EPIPE. SIGPIPE's default action ends the process
 * here and now; ignored, it is discarded (traced); blocked, it stays pending; with a
 * handler, the handler runs once the call has returned. Returns the errno
 * for the caller to return.
 */
export function brokenPipe(
  p: { signals: SignalState; pid: number; creds: { ruid: number }; post(sig: number, info: SigInfo): void; deliversOnReturn?: boolean },
  nosignal: boolean,
  epipe: number,
): number {
  if (nosignal) return epipe;
  const s = p.signals;
  const blocked = (s.mask & sigbit(SIGNALS.SIGPIPE)) !== 0n;
  const d = s.disposition(SIGNALS.SIGPIPE);
  if (d === 'default' && !blocked) {
    // Linux: the call returns EPIPE, and the signal kills on the way back to user space (strace: the call's
    // "= -1 EPIPE", "--- SIGPIPE ---", "+++ killed by SIGPIPE +++"). Pending, the dispatcher delivers it as the
    // call returns (a module with the SDK's trampoline); without one, it ends the process here.
    if (!p.deliversOnReturn) throw new Killed('SIGPIPE', BROKEN_PIPE);
    if (!s.pending.has(SIGNALS.SIGPIPE)) s.pending.set(SIGNALS.SIGPIPE, { signo: SIGNALS.SIGPIPE, code: SI_USER, pid: p.pid, uid: p.creds.ruid });
    return epipe;
  }
  // Ignored, post() discards it (a trace still shows it, as strace does); blocked, it stays pending even so (Linux).
  p.post(SIGNALS.SIGPIPE, { signo: SIGNALS.SIGPIPE, code: SI_USER, pid: p.pid, uid: p.creds.ruid });
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
  /**
   * F_SETSIG's signal-driven I/O (_sigpoll): the POLL* bits and the fd.
   * They share pid and uid's place in Linux's siginfo union (wasm32 lays
   * them out as i386 does), so pid and uid carry them to the guest too.
   */
  band?: number;
  fd?: number;
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
  /** Woken when a signal becomes pending: the process's signalfd readers and pollers (signalfd.ts; made by the first). */
  signalfdWait: WaitQueue | undefined;
  /** ITIMER_REAL: the timer id, when it expires (absolute ns), its interval (ns, 0: one-shot). */
  itimer: { id: number; at: number; interval: number } | undefined;

  /** signal(sig, SIG_IGN or SIG_DFL) as the SDK's SIGPIPE import reports it. */
  ignoreOrDefault(sig: number, ignore: boolean): void {
    this.actions[sig] = ignore ? { kind: 1, handler: 1, flags: 0, mask: 0n, restorer: 0 } : undefined;
  }

  action(sig: number): SigAction | undefined {
    return this.actions[sig];
  }

  /** execve (flush_signal_handlers): handled signals back to SIG_DFL; ignored ones, the mask and what is pending stay. */
  execReset(): void {
    this.actions.forEach((a, sig) => {
      if (a !== undefined && a.kind !== 1) this.actions[sig] = undefined;
    });
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
const NEVER_RESTARTED = new Set(['poll', 'ppoll', 'select', 'pselect6', 'pause', 'rt_sigsuspend', 'msgsnd', 'msgrcv']);
/** Linux's ep_poll, do_sigtimedwait and do_semtimedop return EINTR themselves: strace shows "= -1 EINTR", not a restart code. */
const EPOLL_WAITS = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'rt_sigtimedwait', 'semop', 'semtimedop']);
/**
 * Set by a call that is a sleep under another name (WASI's poll_oneoff on one clock alone, which is wasi-libc's
 * clock_nanosleep and which the trace shows as clock_nanosleep): interrupted, it goes through a restart block as
 * Linux's clock_nanosleep does.
 */
export const SLEEPING = new Slot<true>('sleeping');
/**
 * How an interrupted call ends (signal(7)): restartable, never restarted, or EINTR at once (a socket call with a
 * timeout). `sleeping`: the call set SLEEPING.
 */
export function restartKind(def: SyscallDef, timed: boolean, sleeping = false): { errno: 'ERESTARTSYS' | 'ERESTARTNOHAND' | 'ERESTART_RESTARTBLOCK' | 'EINTR'; code: number } {
  if (def.strace === 'clock_nanosleep' || def.strace === 'nanosleep' || sleeping) return { errno: 'ERESTART_RESTARTBLOCK', code: 516 };
  if (EPOLL_WAITS.has(def.strace)) return { errno: 'EINTR', code: E.EINTR };
  // poll(2) always goes through a restart block (fs/select.c, SYSCALL poll: with or without a timeout, strace shows
  // restart_syscall(<... resuming interrupted poll ...>)); ppoll and select do not.
  if (def.strace === 'poll') return { errno: 'ERESTART_RESTARTBLOCK', code: 516 };
  if (NEVER_RESTARTED.has(def.strace) || def.name === 'poll_oneoff') return { errno: 'ERESTARTNOHAND', code: 514 };
  if (timed && def.classes.includes('net')) return { errno: 'EINTR', code: E.EINTR };
  return { errno: 'ERESTARTSYS', code: 512 };
}

// ---- Signal-driven I/O: the owner of an open file description (fs/fcntl.c) ----

export const SIGURG = 23;
export const SIGIO = 29;
/** f_owner_ex.type (F_SETOWN_EX/F_GETOWN_EX). */
export const F_OWNER_TID = 0;
export const F_OWNER_PID = 1;
export const F_OWNER_PGRP = 2;
/** si_code of SIGPOLL's siginfo (the reason), and SI_SIGIO for a signal whose own codes would be ambiguous. */
export const POLL_IN = 1;
export const POLL_OUT = 2;
export const POLL_MSG = 3;
export const POLL_ERR = 4;
export const POLL_PRI = 5;
export const POLL_HUP = 6;
export const SI_SIGIO = -5;
/** send_sigio_to_task's band_table: si_band per reason (EPOLLIN|EPOLLRDNORM, EPOLLOUT|EPOLLWRNORM|EPOLLWRBAND, ...). */
const BAND_TABLE = [0x041, 0x304, 0x441, 0x008, 0x082, 0x018];
/** Signals with codes of their own (sig_specific_sicodes): F_SETSIG's POLL_* code would be ambiguous, so SI_SIGIO. */
const SPECIFIC_CODES = new Set([4, 5, 7, 8, 11, 17, 29, 31]);

/** What the owner lookup needs of the kernel: its processes. */
interface ProcessTable {
  readonly processes: readonly Process[];
}

/**
 * f_owner (struct fown_struct) of an open file description, shared by
 * dup'ed and forked fds: who gets SIGIO/SIGURG (a process, or a process
 * group), the signal F_SETSIG chose (0: plain SIGIO), and whether O_ASYNC
 * is on (the fasync entry, with the fd that set it: si_fd).
 */
export class FileOwner {
  /** The pid or pgid named (0: nobody). */
  pid = 0;
  /** F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP: F_GETOWN_EX reports a description never owned as F_OWNER_TID, 0. */
  type = F_OWNER_TID;
  signum = 0;
  /** O_ASYNC: the fd F_SETFL/FIOASYNC turned it on with (the fasync entry's fa_fd), -1 when off. */
  asyncFd = -1;
  constructor(
    private readonly kernel: ProcessTable,
    /** Processes are seen on the host of the process that set the owner, as kill(2) sees them. */
    private readonly host: string,
  ) {}

  /** find_vpid: whether a live or zombie process has this number as its pid or process group. */
  static exists(p: Process, who: number): boolean {
    return p.kernel.processes.some((q) => !q.reaped && q.host === p.host && (q.pid === who || q.pgid === who));
  }

  /** f_setown / f_setown_ex's effect (the caller checked the number exists). */
  set(type: number, pid: number): void {
    this.type = type;
    this.pid = pid;
  }

  /** F_GETOWN: the pid, or minus the process group; 0 while no process is what the number names (f_getown's pid_task). */
  get(): number {
    return this.live() ? (this.type === F_OWNER_PGRP ? -this.pid : this.pid) : 0;
  }

  /** F_GETOWN_EX's pid: as F_GETOWN's, without the sign. */
  livePid(): number {
    return this.live() ? this.pid : 0;
  }

  private live(): boolean {
    return this.pid !== 0 && this.targets().length > 0;
  }

  private targets(): Process[] {
    const g = this.type === F_OWNER_PGRP;
    // Ascending pid: a deterministic order for a group, as kill(2) gives.
    return this.kernel.processes.filter((q) => !q.reaped && q.host === this.host && (g ? q.pgid === this.pid : q.pid === this.pid)).sort((a, b) => a.pid - b.pid);
  }

  /** send_sigio: F_SETSIG's signal with POLL_* siginfo, or plain SIGIO from the kernel. */
  sendSigio(reason: number): void {
    if (!this.pid) return;
    const sig = this.signum;
    for (const q of this.targets()) {
      if (!sig) q.post(SIGIO, { signo: SIGIO, code: SI_KERNEL, pid: 0, uid: 0 });
      else {
        const band = BAND_TABLE[reason - POLL_IN]!;
        const code = sig !== SIGIO && SPECIFIC_CODES.has(sig) ? SI_SIGIO : reason;
        q.post(sig, { signo: sig, code, pid: band, uid: this.asyncFd, band, fd: this.asyncFd });
      }
    }
  }

  /**
   * Urgent data arrived (sk_send_sigurg): SIGURG to the owner, and with
   * O_ASYNC and a F_SETSIG signal also that signal with POLL_PRI (kill_fasync
   * leaves plain SIGURG to its own path).
   */
  sendSigurg(): void {
    if (!this.pid) return;
    for (const q of this.targets()) q.post(SIGURG, { signo: SIGURG, code: SI_KERNEL, pid: 0, uid: 0 });
    if (this.asyncFd >= 0 && this.signum) this.sendSigio(POLL_PRI);
  }
}

/** The owner of a description, made on first use (Linux allocates f_owner lazily too). */
export function fileOwner(p: Process, f: OpenFile): FileOwner {
  return (f.fown ??= new FileOwner(p.kernel, p.host));
}
