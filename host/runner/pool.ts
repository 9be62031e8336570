// A pool of kernel workers (runner/worker.ts) reused from run to run: what
// grading uses, where a submission's tests and the next submissions run one
// after another. A worker costs a thread start and the import of the whole
// kernel (tens of ms each, more than a small test's run) and keeps its
// compiled modules (cached by content hash), so reusing it is most of the
// speed of batch grading. The worker starts every run from a fresh state
// (worker.ts, reset()); a worker that timed out, failed or exited is
// terminated and never reused, and one that ran `maxRuns` runs is replaced,
// so a slow leak cannot build up. The pool listens to each worker's 'exit'
// and 'error' for the worker's whole life, not only during a run: a worker
// that ends while idle (killed, out of memory) leaves the idle set at once
// and the next run starts a fresh one, instead of posting to a dead thread
// and waiting for ever.
//
// Runs here capture or discard output (no host stdin, no 'inherit'), the
// modes grading and benchmarks use; run() in run.ts stays the one for
// interactive runs. Both drive a run with driveRun() (run.ts): the same
// messages, timeout and outcome.
import type { Worker } from 'node:worker_threads';
import { driveRun, newWorker, type RunOptions, type RunOutcome } from './run.js';

export interface PoolOptions {
  /** Workers at most (runs beyond wait for one). Default 1. */
  size?: number;
  /** Runs one worker does before it is replaced by a fresh one. Default 200. */
  maxRuns?: number;
}

export type PooledRunOptions = Omit<RunOptions, 'output' | 'onPublished'> & { output?: 'capture' | 'discard' };

interface Slot {
  worker: Worker;
  runs: number;
  /** Its thread ended ('exit' seen): never handed out again. */
  dead: boolean;
  /** No longer counted in `live` (terminated by the pool, or dead while idle). */
  retired: boolean;
}

export class RunnerPool {
  private _size: number;
  private readonly maxRuns: number;
  private readonly idle: Slot[] = [];
  private live = 0;
  private readonly waiting: ((s: Slot) => void)[] = [];
  private closed = false;
  /** Workers started and runs made, for benchmarks and tests. */
  readonly stats = { workersStarted: 0, runs: 0 };

  constructor(opts: PoolOptions = {}) {
    this._size = Math.max(1, opts.size ?? 1);
    this.maxRuns = Math.max(1, opts.maxRuns ?? 200);
  }

  /** Runs this pool makes at once (its workers at most). */
  get size(): number {
    return this._size;
  }

  /**
   * Changes how many runs go at once: more starts workers for runs that
   * wait; fewer ends idle workers now and busy ones as their runs end.
   */
  resize(size: number): void {
    this._size = Math.max(1, size);
    this.serveWaiting();
    while (this.idle.length && this.live > this._size) {
      const s = this.idle.pop()!;
      void s.worker.terminate();
      this.retire(s);
    }
  }

  /** Starts workers up to the pool's size now, idle, so the first runs do not wait for a thread and the kernel's import. */
  warm(): void {
    while (!this.closed && this.live < this._size) {
      const s = this.spawn();
      s.worker.unref();
      this.idle.push(s);
    }
  }

  private spawn(): Slot {
    this.live++;
    this.stats.workersStarted++;
    const worker = newWorker();
    const s: Slot = { worker, runs: 0, dead: false, retired: false };
    // For the worker's whole life: a run's own listeners (driveRun) report a death during the run; these
    // take a worker that died idle out of the pool. An 'error' is always followed by 'exit'; listening to
    // it here also keeps an idle worker's error from becoming this process's uncaught exception.
    worker.on('error', () => {});
    worker.once('exit', () => {
      s.dead = true;
      const i = this.idle.indexOf(s);
      if (i < 0) return; // busy: its run ends with an error and release() retires it; or already retired
      this.idle.splice(i, 1);
      this.retire(s);
      this.serveWaiting();
    });
    return s;
  }

  /** Stops counting `s` as one of the pool's workers (once, whoever notices first). */
  private retire(s: Slot): void {
    if (s.retired) return;
    s.retired = true;
    this.live--;
  }

  /** Starts workers for runs that wait, while there is room. */
  private serveWaiting(): void {
    while (!this.closed && this.waiting.length && this.live < this._size) this.waiting.shift()!(this.spawn());
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the runner pool is closed'));
    const s = this.idle.pop();
    if (s) {
      s.worker.ref();
      return Promise.resolve(s);
    }
    if (this.live < this._size) return Promise.resolve(this.spawn());
    return new Promise((r) => this.waiting.push(r));
  }

  /** `reusable`: the run ended cleanly, the worker is idle and may take another run. */
  private release(s: Slot, reusable: boolean): void {
    if (!reusable || s.dead || this.closed || s.runs >= this.maxRuns || this.live > this._size) {
      s.worker.unref();
      void s.worker.terminate();
      this.retire(s);
      this.serveWaiting();
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
    all.forEach((s) => this.retire(s));
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  /** @internal For tests: the workers idle now, the next one a run takes last. */
  idleWorkers(): readonly Worker[] {
    return this.idle.map((s) => s.worker);
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
  // No host stdin in pooled runs (a process that reads it gets nothing); the outcome is run()'s own.
  return driveRun(worker, { ...opts, output: opts.output ?? 'capture' }, release, { hostStdin: false });
}

/**
 * One pool per thread for grading: its size is how many runs of this thread
 * may go at once (a submission's tests run in parallel up to it). `size`,
 * when given, resizes the pool.
 */
let shared: RunnerPool | undefined;
export function gradingPool(size?: number): RunnerPool {
  shared ??= new RunnerPool({ size: size ?? 1 });
  if (size !== undefined && size !== shared.size) shared.resize(size);
  return shared;
}
