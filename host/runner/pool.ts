// A pool of kernel workers (runner/worker.ts) reused from run to run: what
// grading uses, where a submission's tests and the next submissions run one
// after another. A worker costs a thread start and the import of the whole
// kernel (tens of ms each, more than a small test's run) and keeps its
// compiled modules (cached by content hash), so reusing it is most of the
// speed of batch grading. The worker starts every run from a fresh state
// (worker.ts, reset()); a worker that timed out, failed or exited is
// terminated and never reused, and one that ran `maxRuns` runs is replaced,
// so a slow leak cannot build up.
//
// Runs here capture or discard output (no host stdin, no 'inherit'), the
// modes grading and benchmarks use; run() in run.ts stays the one for
// interactive runs. The outcome is built exactly as run() builds it.
import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitInfo } from '../kernel/process.js';
import { RUNNING, SHARED_BYTES, ACK, SEQ, type FromWorker, type ToWorker } from './protocol.js';
import type { RunSpec } from './spec.js';
import { ModuleError } from '../loader/module.js';
import type { ProcessOutcome, RunOptions, RunOutcome } from './run.js';

/** Capture mode keeps output in memory: cap it unless the caller chose a limit (as run() does). */
const DEFAULT_CAPTURE_LIMIT = 64 << 20;

export interface PoolOptions {
  /** Workers at most (runs beyond wait for one). Default 1. */
  size?: number;
  /** Runs one worker does before it is replaced by a fresh one. Default 200. */
  maxRuns?: number;
}

export type PooledRunOptions = Omit<RunOptions, 'output' | 'onPublished'> & { output?: 'capture' | 'discard' };

function workerUrl(): URL {
  const here = import.meta.url;
  // Under a TypeScript loader (vitest) this file is host/runner/pool.ts; the worker must be compiled JS.
  if (here.endsWith('.ts')) return new URL(here.replace(/\/host\/runner\/pool\.ts$/, '/dist/host/runner/worker.js'));
  return new URL('./worker.js', here);
}

interface Slot {
  worker: Worker;
  runs: number;
}

export class RunnerPool {
  private readonly size: number;
  private readonly maxRuns: number;
  private readonly idle: Slot[] = [];
  private live = 0;
  private readonly waiting: ((s: Slot) => void)[] = [];
  private closed = false;
  /** Workers started and runs made, for benchmarks and tests. */
  readonly stats = { workersStarted: 0, runs: 0 };

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 1);
    this.maxRuns = Math.max(1, opts.maxRuns ?? 200);
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the runner pool is closed'));
    const s = this.idle.pop();
    if (s) {
      s.worker.ref();
      return Promise.resolve(s);
    }
    if (this.live < this.size) {
      this.live++;
      this.stats.workersStarted++;
      const worker = new Worker(fileURLToPath(workerUrl()), { stdout: false, stderr: false, resourceLimits: { stackSizeMb: 8 } });
      return Promise.resolve({ worker, runs: 0 });
    }
    return new Promise((r) => this.waiting.push(r));
  }

  /** `reusable`: the run ended cleanly, the worker is idle and may take another run. */
  private release(s: Slot, reusable: boolean): void {
    if (!reusable || this.closed || s.runs >= this.maxRuns) {
      s.worker.unref();
      void s.worker.terminate();
      this.live--;
      const next = this.waiting.shift();
      if (next && !this.closed) void this.acquire().then(next);
      return;
    }
    const next = this.waiting.shift();
    if (next) return next(s);
    // An idle worker must not keep the process alive.
    s.worker.unref();
    this.idle.push(s);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    this.live -= all.length;
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  /** As run() in 'capture' (default) or 'discard' mode, in a pooled worker. */
  async run(opts: PooledRunOptions): Promise<RunOutcome> {
    const slot = await this.acquire();
    slot.runs++;
    this.stats.runs++;
    return runIn(slot.worker, opts, (reusable) => this.release(slot, reusable));
  }
}

function runIn(worker: Worker, opts: PooledRunOptions, release: (reusable: boolean) => void): Promise<RunOutcome> {
  const mode = opts.output ?? 'capture';
  const spec: RunSpec = { ...opts };
  delete (spec as PooledRunOptions).output;
  delete (spec as PooledRunOptions).onOutput;
  if (mode === 'capture' && spec.maxOutput === undefined) spec.maxOutput = DEFAULT_CAPTURE_LIMIT;

  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const acked = new BigInt64Array(shared, 0, 1);
  const i32 = new Int32Array(shared);
  const ack = (n: number): void => {
    Atomics.add(acked, ACK, BigInt(n));
    Atomics.add(i32, SEQ, 1);
    Atomics.notify(i32, SEQ);
  };
  const procs = new Map<number, { name: string; host: string; service: boolean; out: Buffer[]; err: Buffer[] }>();
  const traceChunks: string[] = [];
  const exited = new Map<number, ExitInfo>();
  const notices: string[] = [];

  return new Promise<RunOutcome>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (o: RunOutcome | Error, reusable: boolean): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      release(reusable);
      if (o instanceof Error) reject(o);
      else resolve(o);
    };
    const outcome = (status: number, exits: Map<number, ExitInfo>, extra: Partial<RunOutcome>, elapsedNs: number): RunOutcome => {
      const processes = [...procs].map(([pid, p]): ProcessOutcome => {
        const exit = exits.get(pid) ?? exited.get(pid) ?? { status, signal: 'SIGKILL' as const, reason: extra.limit ?? 'killed' };
        return {
          pid,
          name: p.name,
          host: p.host,
          exit,
          stdout: Buffer.concat(p.out).toString('utf8'),
          stderr: Buffer.concat(p.err).toString('utf8'),
          ...(p.service ? { service: true as const } : {}),
          ...(exit.service === 'running' ? { stillRunning: true as const } : {}),
        };
      });
      const trace = traceChunks.length ? { trace: traceChunks.join('') } : {};
      return { status, processes, stdout: processes[0]?.stdout ?? '', stderr: processes[0]?.stderr ?? '', elapsedNs, ...trace, ...(notices.length ? { notices } : {}), ...extra };
    };

    let ready = false;
    const startTimer = (): void => {
      if (opts.timeoutMs === undefined) return;
      timer = setTimeout(() => {
        const pid = Atomics.load(i32, RUNNING);
        const who = procs.get(pid);
        const names = [...new Set(spec.processes.map((p) => (typeof p.module === 'string' ? basename(p.module) : p.name ?? 'guest.wasm')))].join(', ');
        const doing = !ready ? `; socklab was still preparing ${names} (checking and transforming it${spec.fuel !== undefined ? ' for --fuel' : ''})` : who ? `; ${who.name} (pid ${pid}) was running` : '';
        const limit = `time limit exceeded: the run took longer than ${opts.timeoutMs! / 1000} s of wall-clock time${doing}`;
        // The guest may be spinning: this worker is stopped, never reused.
        finish(outcome(124, new Map(), { limit }, 0), false);
      }, opts.timeoutMs);
    };
    if (opts.timeoutCoversLoading) startTimer();

    const onMessage = (m: FromWorker): void => {
      switch (m.t) {
        case 'ready':
          ready = true;
          if (!opts.timeoutCoversLoading) startTimer();
          break;
        case 'spawn':
          procs.set(m.pid, { name: m.name, host: m.host, service: m.service === true, out: [], err: [] });
          break;
        case 'exit':
          exited.set(m.pid, m.exit);
          break;
        case 'out': {
          const b = Buffer.from(m.b.buffer, m.b.byteOffset, m.b.length);
          opts.onOutput?.(m.pid, m.fd, b);
          const p = procs.get(m.pid);
          if (mode === 'capture') (m.fd === 1 ? p?.out : p?.err)?.push(b);
          ack(b.length);
          break;
        }
        case 'trace':
          traceChunks.push(m.text);
          break;
        case 'notice':
          notices.push(m.text);
          break;
        case 'published':
        case 'want':
          // No --publish and no host stdin in pooled runs (see PooledRunOptions).
          break;
        case 'done': {
          const exits = new Map(m.result.processes.map((p) => [p.pid, p.exit]));
          finish(outcome(m.result.status, exits, { ...(m.result.deadlock ? { deadlock: m.result.deadlock } : {}), ...(m.result.idle ? { idle: m.result.idle } : {}), ...(m.result.limit ? { limit: m.result.limit } : {}), ...(m.result.network ? { network: m.result.network } : {}) }, m.result.elapsedNs), true);
          break;
        }
        case 'fail':
          finish(m.refused ? new ModuleError(m.message) : new Error(m.message), false);
          break;
      }
    };
    const onError = (e: unknown): void => finish(e instanceof Error ? e : new Error(String(e)), false);
    const onExit = (code: number): void => finish(new Error(`socklab worker exited unexpectedly (code ${code})`), false);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ t: 'start', spec, shared } satisfies ToWorker);
  });
}

/** One pool per thread for grading: its size is how many runs of this thread may go at once. */
let shared: RunnerPool | undefined;
export function gradingPool(size = 1): RunnerPool {
  shared ??= new RunnerPool({ size });
  return shared;
}
