// Messages between the host thread and the worker that runs the kernel.
import type { RunResult } from '../kernel/kernel.js';
import type { RunSpec } from '../scenario/spec.js';
import type { ExitInfo } from '../kernel/process.js';

export type ToWorker =
  /** traceTail: the trace file's tail in shared memory (runner/trace-tail.ts), for a trace to one file. */
  | { t: 'start'; spec: RunSpec; shared: SharedArrayBuffer; traceTail?: SharedArrayBuffer }
  | { t: 'in'; pid: number; b: Uint8Array }
  | { t: 'eof'; pid: number }
  /** The wall-clock limit, while no guest runs: every process is killed (SIGKILL), its trace ended as strace ends it. */
  | { t: 'stop'; reason: string }
  /** Ctrl-C: SIGINT to every guest, as a terminal sends it to its foreground job (Kernel.interrupt). */
  | { t: 'interrupt' };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'spawn'; pid: number; name: string; host: string; service?: boolean }
  | { t: 'exit'; pid: number; exit: ExitInfo }
  | { t: 'out'; pid: number; fd: 1 | 2; b: Uint8Array }
  | { t: 'want'; pid: number }
  | { t: 'trace'; text: string }
  /** A slot of a trace to one file, full, for the host thread to format, write and free (runner/trace-tail.ts). */
  | { t: 'tracebuf'; slot: number; length: number }
  /** One line for socklab's stderr: a --net=real policy refusal, a published port. */
  | { t: 'notice'; text: string }
  | { t: 'published'; realPort: number; host: string; port: number }
  /** threadCpuNs: the CPU time this run took on the worker's thread (Linux: /proc/thread-self/schedstat). */
  | { t: 'done'; result: RunResult; threadCpuNs?: number }
  /** kind: which refusal of the run's input the message is; without one, a socklab failure. */
  | { t: 'fail'; message: string; kind?: FailKind };

/**
 * An error that ended a run in the worker, by kind, so that the host thread throws the same class again
 * (the CLI's exit status and an API caller's instanceof depend on it): 'module', a ModuleError (the
 * module was refused before it ran); 'inject', an InjectError (an --inject rule the run cannot apply,
 * such as an errno a component's calls cannot carry).
 */
export type FailKind = 'module' | 'inject';

/**
 * Shared counters: [0] bytes of output acknowledged by the host (BigInt64),
 * int32 slot 2: wake-up sequence for Atomics.wait, slot 3: pid now running.
 */
export const SHARED_BYTES = 16;
export const ACK = 0;
export const SEQ = 2;
export const RUNNING = 3;
/** Output the worker may have in flight before it waits for the host to catch up. */
export const OUTPUT_WINDOW = 8 << 20;
