// A batch worker: grades the submissions the main thread sends, one at a
// time, and reports each result as it grows (so a worker that dies leaves
// its latest partial result behind).
import { parentPort } from 'node:worker_threads';
import { loadGradingSpec } from './load.js';
import { buildModel, gradeSubmission } from './grade.js';
import { buildReference } from './build.js';
import { gradingPool } from '../runner/pool.js';
import { fileWriter, type Format } from './writers/index.js';
import type { Visibility } from './spec.js';
import type { SubmissionResult } from './results.js';

export interface BatchJob {
  specPath: string;
  submission: string;
  outDir: string;
  formats: Format[];
  reveal: Visibility[];
  seeds?: number[];
  only?: string[];
  /** Files left out before the submission reached `submission` (queue mode), as GradeOptions.refused. */
  refused?: [string, string][];
  /** Runs this thread makes at once: the size of its kernel-worker pool, so its tests at once (default 1). */
  runsAtOnce?: number;
  /** The model solution's programs, built once by the main thread (buildModel). */
  model?: Record<string, string>;
}
/** Before any job: start this thread's kernel workers (`runs` of them) and answer 'warmed'. */
export interface WarmUp {
  t: 'warm';
  runs: number;
}
/**
 * Before a spec's first job in a queue worker: build its reference programs (into the cache) and its model
 * solution here, off the queue worker's main thread (clang runs synchronously), and answer 'prepared'.
 */
export interface Prepare {
  t: 'prepare';
  specPath: string;
}
/** While a job runs: make `runs` runs at once from now on (its lane's share of the runs, which grows when other lanes are idle). */
export interface Runs {
  t: 'runs';
  runs: number;
}
export type FromBatchWorker =
  | { t: 'warmed' }
  | { t: 'prepared'; model?: Record<string, string> }
  | { t: 'progress'; result: SubmissionResult }
  | { t: 'done'; result: SubmissionResult }
  | { t: 'fail'; message: string };

const port = parentPort!;
port.on('message', (job: BatchJob | WarmUp | Prepare | Runs) => {
  if ('t' in job && job.t === 'runs') {
    gradingPool(job.runs);
    return;
  }
  if ('t' in job && job.t === 'warm') {
    gradingPool(job.runs).warm();
    port.postMessage({ t: 'warmed' } satisfies FromBatchWorker);
    return;
  }
  if ('t' in job) {
    const { specPath } = job;
    void (async () => {
      try {
        const spec = loadGradingSpec(specPath);
        await buildReference(spec);
        // A model solution that does not compile fails in each submission, as in local mode.
        const model = await buildModel(spec).catch(() => undefined);
        port.postMessage({ t: 'prepared', ...(model ? { model } : {}) } satisfies FromBatchWorker);
      } catch (e) {
        port.postMessage({ t: 'fail', message: e instanceof Error ? e.message : String(e) } satisfies FromBatchWorker);
      }
    })();
    return;
  }
  // Its kernel workers start now (a new thread's first job), while the submission compiles.
  gradingPool(job.runsAtOnce ?? 1).warm();
  void (async () => {
    try {
      const spec = loadGradingSpec(job.specPath);
      const files = fileWriter(spec, job.outDir, job.formats, { reveal: new Set(job.reveal) });
      const result = await gradeSubmission(spec, job.submission, {
        outDir: job.outDir,
        ...(job.seeds ? { seeds: job.seeds } : {}),
        ...(job.only ? { only: job.only } : {}),
        ...(job.refused?.length ? { refused: job.refused } : {}),
        pool: gradingPool(job.runsAtOnce ?? 1),
        ...(job.model ? { model: job.model } : {}),
        write: (r) => {
          files(r);
          if (!r.complete) port.postMessage({ t: 'progress', result: r } satisfies FromBatchWorker);
        },
      });
      port.postMessage({ t: 'done', result } satisfies FromBatchWorker);
    } catch (e) {
      port.postMessage({ t: 'fail', message: e instanceof Error ? e.message : String(e) } satisfies FromBatchWorker);
    }
  })();
});
