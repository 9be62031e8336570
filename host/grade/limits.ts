// Which limit, if any, a run hit, and how to say so. The kernel enforces
// wall time, memory, output and fds as the run goes; virtual time and
// sockets are judged from the outcome and the trace once it ends.
import type { RunOutcome, ProcessOutcome } from '../runner/run.js';
import type { Trace } from '../trace/api.js';
import { fdOf } from '../trace/api.js';
import type { GradingSpec, Limits } from './spec.js';
import type { Verdict } from './results.js';

export interface LimitHit {
  verdict: Verdict;
  reason: string;
  /** False when the outcome depends on the machine's speed (wall time): feedback then says less. */
  deterministic: boolean;
}

/**
 * A submission's compile is untrusted work (macro bombs, giant initialised arrays): each compiler run, and
 * the source check's preprocessing, gets this much wall time and memory unless the spec's submission_limits
 * say otherwise. A student's program compiles in well under a second; the npm toolchain's first run loads
 * LLVM (about a second of CPU), and a loaded grading machine is slower still.
 */
export const COMPILE_DEFAULTS = { compileSeconds: 60, compileMemoryMb: 2048 } as const;

/** The compile limits of a spec, defaults filled in, as the toolchain takes them. */
export function compileLimits(spec: Pick<GradingSpec, 'compileSeconds' | 'compileMemoryMb'>): { seconds: number; memoryMb: number } {
  return { seconds: spec.compileSeconds ?? COMPILE_DEFAULTS.compileSeconds, memoryMb: spec.compileMemoryMb ?? COMPILE_DEFAULTS.compileMemoryMb };
}

const who = (p: ProcessOutcome): string => `${p.name} (pid ${p.pid})`;
const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)} s`;

/** Limits the kernel ended a process for, recognised by the exit it reported. */
const PROCESS_LIMITS: { verdict: Verdict; matches: (p: ProcessOutcome) => boolean }[] = [
  { verdict: 'memory limit exceeded', matches: (p) => /^(memory limit exceeded|out of memory)/.test(p.exit.reason ?? '') },
  { verdict: 'output limit exceeded', matches: (p) => p.exit.signal === 'SIGXFSZ' },
  // The CPU budget is counted fuel, not seconds: the same on every machine.
  { verdict: 'time limit exceeded', matches: (p) => p.exit.signal === 'SIGXCPU' },
];

/** Most sockets the process held open at once, from its trace. */
export function peakSockets(trace: Trace, pid: number): number {
  const open = new Set<number>();
  let peak = 0;
  for (const e of trace.events({ pid })) {
    if (e.ret === '-1') continue;
    if (e.call === 'socket' || e.call === 'accept' || e.call === 'accept4') {
      const fd = fdOf(e.ret);
      if (fd !== undefined) open.add(fd);
    } else if (e.call === 'socketpair') {
      const m = /^\[(\d+)(?:<.*>)?, (\d+)(?:<.*>)?\]$/.exec(e.args[3] ?? '');
      if (m) open.add(Number(m[1])).add(Number(m[2]));
    } else if (e.call === 'close') {
      const fd = fdOf(e.args[0]);
      if (fd !== undefined) open.delete(fd);
    }
    peak = Math.max(peak, open.size);
  }
  return peak;
}

export function limitHits(outcome: RunOutcome, limits: Limits, trace: Trace): LimitHit[] {
  const hits: LimitHit[] = [];
  // The kernel stops a run at its virtual time limit (deterministic); the runner at its wall-clock one (not).
  const virtualStop = outcome.limit?.startsWith('virtual time limit exceeded') === true;
  if (outcome.limit && !virtualStop) hits.push({ verdict: 'time limit exceeded', reason: outcome.limit, deterministic: false });
  for (const p of outcome.processes) {
    for (const l of PROCESS_LIMITS) if (l.matches(p)) hits.push({ verdict: l.verdict, reason: `${who(p)}: ${p.exit.reason}`, deterministic: true });
  }
  const virtualMs = outcome.elapsedNs / 1e6;
  if (limits.virtualTimeMs !== undefined && (virtualStop || virtualMs > limits.virtualTimeMs)) {
    hits.push({ verdict: 'time limit exceeded', reason: `time limit exceeded: the run lasted ${virtualStop ? 'more than ' : ''}${seconds(virtualStop ? limits.virtualTimeMs : virtualMs)} of virtual time, the limit is ${seconds(limits.virtualTimeMs)}`, deterministic: true });
  }
  if (limits.sockets !== undefined) {
    for (const p of outcome.processes) {
      const peak = peakSockets(trace, p.pid);
      if (peak > limits.sockets) hits.push({ verdict: 'socket limit exceeded', reason: `${who(p)}: socket limit exceeded: ${peak} sockets open at once, the limit is ${limits.sockets}`, deterministic: true });
    }
  }
  return hits;
}
