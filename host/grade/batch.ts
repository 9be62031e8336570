// Batch grading: many submissions at once, one per grading thread (each with
// its pool of kernel workers), as many runs at once as cores: with fewer
// submissions than cores, each submission runs several tests at once. A worker
// that crashes, or a submission that overruns its time, ends only that
// submission: its partial result is kept and marked, the pool goes on.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { rmSync } from 'node:fs';
import { buildReference, lightCompiles } from './build.js';
import { holdModel } from './grade.js';
import { checkSubmissionDir } from './submission.js';
import { compileLimits } from './limits.js';
import { totals, type SubmissionResult } from './results.js';
import type { GradingSpec } from './spec.js';
import type { BatchJob, FromBatchWorker, Prepare, Runs, WarmUp } from './batch-worker.js';
import { fileWriter } from './writers/index.js';
import { scoresCsv } from './writers/csv.js';
import { writeAtomic } from './writers/files.js';
import { startSpawnHelper } from '../toolchain/spawner.js';

export interface BatchOptions extends Omit<BatchJob, 'submission' | 'outDir' | 'specPath' | 'runsAtOnce' | 'model'> {
  outDir: string;
  /** Runs at once in all (default: one per core): submissions at once, and, when fewer submissions than that, tests of each at once. */
  jobs?: number;
  /** Told of every finished submission. */
  onResult?: (r: SubmissionResult) => void;
  /**
   * Grading threads kept by the caller from one call to the next (the bench
   * measures a warm batch this way, as a queue worker is warm); `jobs` is
   * then theirs. Default: made for this call and closed at its end.
   */
  lanes?: GradingLanes;
}

/**
 * A submission's wall-clock budget: its runs (each at its time limit when the spec sets no total) and room to
 * build: the source check's preprocessing, the compile and the link, each at most the compile time limit.
 */
function budgetMs(spec: GradingSpec): number {
  const build = Math.max(60_000, 3 * compileLimits(spec).seconds * 1000);
  if (spec.submissionTimeMs !== undefined) return spec.submissionTimeMs + build;
  return spec.tests.reduce((a, t) => a + (t.limits.timeMs ?? 60_000) * t.seeds.length * 2, 60_000 + build);
}

export async function gradeBatch(spec: GradingSpec, submissions: readonly string[], opts: BatchOptions): Promise<SubmissionResult[]> {
  const dirs = submissions.map((s) => resolve(s));
  for (const d of dirs) checkSubmissionDir(d, 'submission');
  const names = dirs.map((d) => basename(d));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two submissions are named ${dup}: their results would share a directory`);
  const runs = Math.max(1, opts.jobs ?? availableParallelism());
  const jobs = Math.min(runs, Math.max(1, dirs.length));
  // Compilers are started by a small helper process, not forked from this one (spawner.ts); the grading threads inherit it.
  await startSpawnHelper();
  // Built once here, so workers find them in the cache instead of racing to build them,
  // and the model solution, which the grading threads are given.
  await buildReference(spec);
  const lanes = opts.lanes ?? new GradingLanes(jobs, runs);
  try {
    // One that does not compile fails in each submission, as it always did (the grading threads try again).
    // Held by the lanes: gone with this call's own, kept for the next call with the caller's. With light
    // compiles (lightCompiles), not awaited here: it builds (in child processes) while the grading threads
    // start, and each job waits for it; heavy ones are built before the threads compile (as many at once as cores).
    const model = lanes.model(spec).catch(() => undefined);
    if (!lightCompiles(spec)) await model;

    const results = new Map<string, SubmissionResult>();
    const testNames = spec.tests.map((t) => t.name);
    const csv = (): void => writeAtomic(join(opts.outDir, 'scores.csv'), scoresCsv([...results.values()], testNames));
    const finish = (r: SubmissionResult): void => {
      results.set(r.submission, r);
      opts.onResult?.(r);
      csv();
    };
    await Promise.all(dirs.map(async (dir, i) => {
      const name = names[i]!;
      const job: BatchJob = {
        formats: opts.formats, reveal: opts.reveal, ...(opts.seeds ? { seeds: opts.seeds } : {}), ...(opts.only ? { only: opts.only } : {}),
        specPath: spec.file, submission: dir, outDir: join(opts.outDir, name),
      };
      finish(await lanes.grade(spec, name, job, model));
    }));
    await model; // with no submission, its build is not left running after this call
    csv();
    return names.map((n) => results.get(n)!);
  } finally {
    if (!opts.lanes) await lanes.close();
  }
}

/** What is left of a submission whose worker died: the tests graded so far, the rest not run. */
function salvage(spec: GradingSpec, name: string, last: SubmissionResult | undefined, why: string): SubmissionResult {
  const tests = last?.tests ?? spec.tests.map((t) => ({ number: t.number, name: t.name, points: t.points, score: 0, verdict: 'not run' as const, visibility: t.visibility, tags: t.tags, output: '', timeMs: 0 }));
  const kept = tests.map((t) => (t.verdict === 'not run' ? { ...t, output: `not run: ${why}` } : t));
  return { assignment: spec.assignment, submission: name, ...totals(kept), output: `Grading stopped: ${why}. Tests graded before that keep their scores.`, tests: kept, complete: false, timeMs: last?.timeMs ?? 0 };
}

/**
 * Submissions a grading thread grades before a fresh one replaces it: it keeps each submission's prepared
 * modules compiled (prepare.ts, the loader's cache in memory), as a kernel worker does for its runs
 * (runner/pool.ts, maxRuns), so what a long-lived queue worker holds stays bounded.
 */
const SUBMISSIONS_PER_THREAD = 100;

/**
 * Grading threads (batch-worker.ts), at most `size` submissions at once,
 * kept from one submission to the next while they behave: each keeps its
 * kernel workers (runner/pool.ts), their compiled modules, the compiler's
 * and the checks' caches warm. A thread that fails, exits or overruns a
 * submission's budget is terminated and replaced. Batch mode makes one for
 * its submissions; a queue worker (grade/queue/worker.ts) one for its life.
 */
export class GradingLanes {
  private readonly idle: Worker[] = [];
  private live = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly file = fileURLToPath(new URL('./batch-worker.js', import.meta.url));
  /** Grading threads started, for benchmarks and tests. */
  threadsStarted = 0;
  /** Submissions each thread has graded. */
  private readonly graded = new WeakMap<Worker, number>();
  /** The model solutions these lanes hold (holdModel), by spec file: released by close(). */
  private readonly models = new Map<string, ReturnType<typeof holdModel>>();
  /** The directories of the model solutions built in these threads (prepare()): kept by a thread for its life, removed by close(). */
  private readonly preparedDirs = new Set<string>();

  /** Runs a lane makes at once (its tests at once): the runs the lanes may make together, shared among them. */
  readonly runsPerLane: number;
  /** The threads grading a submission now, and the runs at once each was last told. */
  private readonly busy = new Map<Worker, number>();

  /** `size` grading threads at most, making `runs` runs at once in all (default: one each). */
  constructor(readonly size: number, private readonly runs = size) {
    this.runsPerLane = Math.max(1, Math.floor(runs / size));
  }

  /**
   * The runs at once a busy lane may make: its share of all the runs among the lanes grading now. A batch's
   * last submissions (or a queue worker's only job) would otherwise leave the idle lanes' cores unused while
   * they run their tests one at a time; a submission's results do not depend on how many of its tests run at
   * once (grade.ts). A new job shrinks the others' share back.
   */
  private share(busy: number): number {
    return Math.max(this.runsPerLane, Math.floor(this.runs / Math.max(1, busy)));
  }

  /** Tells every busy lane its share when it changed. */
  private rebalance(): void {
    const runs = this.share(this.busy.size);
    for (const [w, had] of this.busy) {
      if (had === 0 || had === runs) continue;
      this.busy.set(w, runs);
      w.postMessage({ t: 'runs', runs } satisfies Runs);
    }
  }

  /**
   * Starts every grading thread now, each with its kernel workers, and
   * resolves when they are up: a queue worker does this before it takes a
   * job, so no job pays for them.
   */
  async warm(): Promise<void> {
    const started: Promise<void>[] = [];
    await startSpawnHelper();
    while (this.live < this.size) {
      this.live++;
      this.threadsStarted++;
      const w = new Worker(this.file);
      started.push(new Promise<void>((ok) => {
        const done = (up: boolean): void => {
          w.off('message', onMessage).off('error', onFail).off('exit', onFail);
          if (up) {
            w.unref();
            this.idle.push(w);
          } else {
            void w.terminate();
            this.live--;
          }
          this.waiting.shift()?.();
          ok();
        };
        const onMessage = (m: FromBatchWorker): void => done(m.t === 'warmed');
        const onFail = (): void => done(false);
        w.on('message', onMessage).on('error', onFail).on('exit', onFail);
        w.postMessage({ t: 'warm', runs: this.runsPerLane } satisfies WarmUp);
      }));
    }
    await Promise.all(started);
  }

  /**
   * The model solution's programs, built in this thread and held until
   * close(): one batch holds them through its submissions, a caller that
   * keeps the lanes from batch to batch through all of them. Rejects when
   * it does not compile (the next call tries again).
   */
  model(spec: GradingSpec): Promise<Record<string, string> | undefined> {
    let h = this.models.get(spec.file);
    if (!h) {
      const held = holdModel(spec);
      this.models.set(spec.file, held);
      held.built.catch(() => {
        this.models.delete(spec.file);
        held.release();
      });
      h = held;
    }
    return h.built;
  }

  /** An idle grading thread, or a new one while there are fewer than `size`; waits while all are busy. */
  private async take(): Promise<Worker> {
    while (!this.idle.length && this.live >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    let w = this.idle.pop();
    if (!w) {
      this.live++;
      await startSpawnHelper();
      this.threadsStarted++;
      w = new Worker(this.file);
    }
    w.ref();
    return w;
  }

  /** Gives `w` back, or ends it when `dead` or when it has graded its share; wakes one waiting for a thread. */
  private give(w: Worker, dead: boolean, graded = 0): void {
    const n = (this.graded.get(w) ?? 0) + graded;
    this.graded.set(w, n);
    if (dead || n >= SUBMISSIONS_PER_THREAD) {
      void w.terminate();
      this.live--;
    } else {
      w.unref();
      this.idle.push(w);
    }
    this.waiting.shift()?.();
  }

  /**
   * Grades one submission in a thread of its own; never throws (a dead thread's submission is salvaged).
   * `model`: the model solution's programs (job.model) once built: a thread is taken (and a new one starts)
   * while it builds.
   */
  async grade(spec: GradingSpec, name: string, job: BatchJob, model?: Promise<Record<string, string> | undefined>): Promise<SubmissionResult> {
    const w = await this.take();
    // Counted from now (0: no job yet), so the jobs that start together share the runs from their start.
    this.busy.set(w, 0);
    const m = await model;
    const runs = this.share(this.busy.size);
    this.busy.set(w, runs);
    this.rebalance();
    const { result, dead } = await gradeIn(spec, w, name, { ...job, runsAtOnce: runs, ...(m ? { model: m } : {}) });
    this.busy.delete(w);
    // Lanes still grading take the cores this one leaves, unless a submission is waiting for it.
    const next = this.waiting.length > 0;
    this.give(w, dead, 1);
    if (!next) this.rebalance();
    return result;
  }

  /**
   * Builds the spec's reference programs (into the cache) and its model
   * solution in a grading thread; resolves to the model's modules (undefined
   * when it has none or it does not compile, as buildModel's callers take
   * it), rejects when the reference programs do not build. A queue worker
   * does this rather than building in its main thread: clang runs
   * synchronously there, and a main thread blocked for long cannot renew
   * its jobs' locks, so the jobs would be handed to another worker.
   */
  async prepare(spec: GradingSpec): Promise<Record<string, string> | undefined> {
    const w = await this.take();
    let dead = false;
    try {
      return await new Promise<Record<string, string> | undefined>((done, fail) => {
        const end = (): void => {
          w.off('message', onMessage).off('error', onError).off('exit', onExit);
        };
        const onMessage = (m: FromBatchWorker): void => {
          if (m.t !== 'prepared' && m.t !== 'fail') return;
          end();
          if (m.t === 'prepared') {
            // The thread's own 'exit' handler, which would remove them, does not run when close() terminates it.
            for (const f of Object.values(m.model ?? {})) if (basename(dirname(f)).startsWith('socklab-solution-') && dirname(dirname(f)) === tmpdir()) this.preparedDirs.add(dirname(f));
            done(m.model);
          }
          else fail(new Error(m.message));
        };
        const onError = (e: Error): void => {
          end();
          dead = true;
          fail(e);
        };
        const onExit = (code: number): void => {
          end();
          dead = true;
          fail(new Error(`the grading thread exited (code ${code}) while building the spec's programs`));
        };
        w.on('message', onMessage).on('error', onError).on('exit', onExit);
        w.postMessage({ t: 'prepare', specPath: spec.file } satisfies Prepare);
      });
    } finally {
      this.give(w, dead);
    }
  }

  /** Ends the idle threads (all of them once the caller's gradings are over) and removes the model solutions they held. */
  async close(): Promise<void> {
    const all = this.idle.splice(0);
    this.live -= all.length;
    await Promise.all(all.map((w) => w.terminate()));
    for (const h of this.models.values()) h.release();
    this.models.clear();
    for (const d of this.preparedDirs) rmSync(d, { recursive: true, force: true });
    this.preparedDirs.clear();
  }
}

/** Grades one submission in worker `w`; `dead` says the worker must not be used again. */
function gradeIn(spec: GradingSpec, w: Worker, name: string, job: BatchJob): Promise<{ result: SubmissionResult; dead: boolean }> {
  return new Promise((done) => {
    let last: SubmissionResult | undefined;
    const end = (result: SubmissionResult, dead: boolean): void => {
      clearTimeout(timer);
      w.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (dead) fileWriter(spec, job.outDir, job.formats, { reveal: new Set(job.reveal) })(result);
      done({ result, dead });
    };
    const limit = budgetMs(spec);
    const timer = setTimeout(() => end(salvage(spec, name, last, `the submission took longer than ${Math.round(limit / 1000)} s in all`), true), limit);
    const onMessage = (m: FromBatchWorker): void => {
      if (m.t === 'progress') last = m.result;
      else if (m.t === 'done') end(m.result, false);
      else if (m.t === 'fail') end(salvage(spec, name, last, `the grader failed: ${m.message}`), true);
    };
    const onError = (e: Error): void => end(salvage(spec, name, last, `the grader failed: ${e.message}`), true);
    const onExit = (code: number): void => end(salvage(spec, name, last, `the grading worker exited (code ${code})`), true);
    w.on('message', onMessage).on('error', onError).on('exit', onExit);
    w.postMessage(job);
  });
}
