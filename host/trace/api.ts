// The trace as data, for tests and graders: read a JSONL trace (or record
// one with a run), filter events, and assert what a process did, with
// failure messages that show the trace lines that matter.
import { run, type RunOptions, type RunOutcome } from '../runner/run.js';
import type { TraceEvent } from './strace.js';
import { callMatches, traceNamesLoose } from './names.js';

/** A process-exit line of the JSONL trace. */
export interface ExitEvent {
  v: 1;
  seq: number;
  end: number;
  pid: number;
  host: string;
  exit: { code: number } | { signal: string };
}
export type TraceLine = TraceEvent | ExitEvent;

export class TraceAssertionError extends Error {}

export interface EventFilter {
  pid?: number;
  host?: string;
  /** Call names as the trace shows them (connect, accept4, writev...). */
  call?: string | string[];
  /** Calls whose first argument is this fd. */
  fd?: number;
  /** Only failed calls (true) or only successful ones (false). */
  failed?: boolean;
}

/** The fd number at the start of an argument or result such as "5<TCP:[...]>". */
export function fdOf(text: string | undefined): number | undefined {
  const m = /^(-?\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : undefined;
}

function line(e: TraceLine): string {
  if ('exit' in e) return `[pid ${e.pid}] +++ ${'code' in e.exit ? `exited with ${e.exit.code}` : `killed by ${e.exit.signal}`} +++`;
  return `[pid ${e.pid}] ${e.call}(${e.args.join(', ')}) = ${e.ret}${e.errno ? ` ${e.errno}` : ''}`;
}

/** Calls that create fds (their result is the new fd) and the one that releases them. */
const OPENERS = new Set(['socket', 'accept', 'accept4', 'openat', 'socketpair']);

export class Trace {
  constructor(readonly lines: readonly TraceLine[]) {}

  static fromJsonl(text: string): Trace {
    return new Trace(text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceLine));
  }

  /** Runs guests with a JSONL trace and returns both the outcome and the trace. */
  static async record(opts: RunOptions): Promise<{ outcome: RunOutcome; trace: Trace }> {
    const outcome = await run({ ...opts, trace: { ...opts.trace, format: 'jsonl', file: undefined } });
    return { outcome, trace: Trace.fromJsonl(outcome.trace ?? '') };
  }

  /** Syscall events (not exits), optionally filtered. */
  events(f: EventFilter = {}): TraceEvent[] {
    // A call may be named as libc names it (write, recv) or as the trace does (writev, recvfrom): host/trace/names.ts.
    const calls = f.call === undefined ? undefined : new Set((Array.isArray(f.call) ? f.call : [f.call]).flatMap((c) => [c, ...traceNamesLoose(c)]));
    return this.lines.filter((e): e is TraceEvent => {
      if (!('call' in e)) return false; // exit and signal lines
      if (f.pid !== undefined && e.pid !== f.pid) return false;
      if (f.host !== undefined && e.host !== f.host) return false;
      if (calls && !calls.has(e.call)) return false;
      if (f.fd !== undefined && fdOf(e.args[0]) !== f.fd) return false;
      if (f.failed !== undefined && (e.ret === '-1') !== f.failed) return false;
      return true;
    });
  }

  filter(f: EventFilter): Trace {
    const keep = new Set<TraceLine>(this.events(f));
    return new Trace(this.lines.filter((e) => keep.has(e) || ('exit' in e && (f.pid === undefined || e.pid === f.pid))));
  }

  pids(): number[] {
    return [...new Set(this.lines.map((e) => e.pid))].sort((a, b) => a - b);
  }

  /** The process made these calls in this order (other calls may come between). */
  expectSequence(pid: number, calls: string[]): void {
    const evs = this.events({ pid });
    let i = 0;
    for (const e of evs) if (i < calls.length && callMatches(e.call, calls[i]!)) i++;
    if (i < calls.length) {
      const made = evs.filter((e) => calls.some((c) => callMatches(e.call, c))).map((e) => `  ${line(e)}`);
      throw new TraceAssertionError(
        `pid ${pid} did not call ${calls.join(' -> ')} in that order: after ${calls.slice(0, i).join(' -> ') || 'nothing'} there was no ${calls[i]}.\n` +
          `Its calls among those:\n${made.length ? made.join('\n') : '  (none)'}`,
      );
    }
  }

  /** Fds a process still had open when it ended (beyond stdio and the preopened directory). */
  openAtExit(pid: number): { fd: number; openedBy: TraceEvent }[] {
    const open = new Map<number, TraceEvent>();
    for (const e of this.events({ pid })) {
      if (e.ret === '-1') continue;
      if (OPENERS.has(e.call)) {
        if (e.call === 'socketpair') {
          const m = /^\[(\d+)(?:<.*>)?, (\d+)(?:<.*>)?\]$/.exec(e.args[3] ?? '');
          if (m) for (const fd of [Number(m[1]), Number(m[2])]) open.set(fd, e);
        } else {
          const fd = fdOf(e.ret);
          if (fd !== undefined && fd >= 0) open.set(fd, e);
        }
      } else if (e.call === 'close') {
        const fd = fdOf(e.args[0]);
        if (fd !== undefined) open.delete(fd);
      } else if (e.call === 'dup2') {
        const from = fdOf(e.args[0]);
        const to = fdOf(e.args[1]);
        if (from !== undefined && to !== undefined && open.has(from)) {
          open.set(to, open.get(from)!);
          open.delete(from);
        }
      }
    }
    return [...open].map(([fd, openedBy]) => ({ fd, openedBy }));
  }

  /** Every fd the process opened was closed before it ended. */
  expectNoFdLeak(pid: number): void {
    const left = this.openAtExit(pid);
    if (left.length) {
      throw new TraceAssertionError(`pid ${pid} ended with ${left.length} fd(s) it opened still open:\n${left.map((l) => `  fd ${l.fd}, from ${line(l.openedBy)}`).join('\n')}`);
    }
  }

  /** Every connection the process accepted was closed before it ended. */
  expectAllAcceptedClosed(pid: number): void {
    const left = this.openAtExit(pid).filter((l) => l.openedBy.call === 'accept4' || l.openedBy.call === 'accept');
    if (left.length) {
      throw new TraceAssertionError(`pid ${pid} did not close ${left.length} accepted connection(s):\n${left.map((l) => `  fd ${l.fd}, from ${line(l.openedBy)}`).join('\n')}`);
    }
  }
}
