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
 * A write on a stream whose peer is gone: Linux sends SIGPIPE, which kills the
 * process unless it ignores SIGPIPE (the guest SDK reports `signal(SIGPIPE,
 * SIG_IGN)` through the `sigpipe` import) or passed MSG_NOSIGNAL; then the
 * call fails with EPIPE. Returns the errno for the caller to return.
 */
export function brokenPipe(p: { ext: Record<string, unknown> }, nosignal: boolean, epipe: number): number {
  if (!nosignal && p.ext['sigpipe'] !== 'ignore') {
    throw new Killed('SIGPIPE', 'killed by SIGPIPE: wrote to a stream whose reading end is closed');
  }
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
    const table = (p.ext['sigactions'] ??= {}) as Record<number, string>;
    table[sig] = d === 1 ? 'ignore' : d === 2 ? 'handler' : 'default';
    return 0;
  }),
];
