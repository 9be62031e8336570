// `socklab worker --queue redis://HOST:PORT`: takes grading jobs from the
// queue and grades each with the same code as local batch mode (GradingLanes:
// a grading thread per job under way, kept for the next jobs with its kernel
// workers and caches warm, the spec's limits, the same time budget),
// then stores the result in Redis. All state is in Redis, so a worker can be
// restarted (or killed) at any time: BullMQ sees the job's lock expire,
// hands the job to another worker, and the result is written at most once
// (SET NX under the job's id, which is the hash of spec, submission and
// options), so a job graded twice is still counted once.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { GradingLanes } from '../batch.js';
import { buildReference } from '../build.js';
import { buildModel } from '../grade.js';
import { GradeSpecError } from '../load.js';
import type { GradingSpec } from '../spec.js';
import { readTree, writeTree } from './files.js';
import { SpecBundleError, specForHash } from './spec-bundle.js';
import { connectRedis, KEEP_SECONDS, QUEUE_NAME, resultKey, socklabVersion, type GradeJob, type GradeResult, type QueueAddress } from './protocol.js';

/** OUT/NAME/build/ref-NAME.wasm: a reference program, as buildReference copies it there. */
const REFERENCE_MODULE = /^build\/ref-[^/]+\.wasm$/;

export interface WorkerOptions {
  concurrency?: number;
  /** ms a job's lock lasts without renewal: a dead worker's job is handed on after about this long (default 30 s). */
  lockMs?: number;
  log: (line: string) => void;
}

/** Runs until SIGINT/SIGTERM; resolves when stopped. */
export async function runWorker(addr: QueueAddress, opts: WorkerOptions): Promise<void> {
  const redis = await connectRedis(addr, { persistent: true });
  const me = `${hostname()}:${process.pid}`;
  const version = socklabVersion();
  const concurrency = opts.concurrency ?? availableParallelism();
  // For the worker's life: a job reuses the grading threads (and their kernel workers) of the jobs before it.
  // Without --concurrency, one run per core: a job alone on the worker runs its tests in parallel.
  const lanes = new GradingLanes(concurrency, opts.concurrency ?? availableParallelism());
  // Up before the first job: the grading threads and their kernel workers.
  await lanes.warm();
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) opts.log(`Redis at ${addr.shown} unreachable (${e.message}); retrying`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) opts.log(`Redis at ${addr.shown} reachable again`);
    down = false;
  });

  // Once per spec and worker process, as local batch mode does once per run: the spec unpacked and
  // loaded, the reference programs built (checked against the cache: hashing their sources and the SDK),
  // the model solution built and handed to the grading threads. A failure is not kept: the next job tries again.
  const specs = new Map<string, Promise<{ spec: GradingSpec; model: Record<string, string> | undefined }>>();
  const prepared = (hash: string): Promise<{ spec: GradingSpec; model: Record<string, string> | undefined }> => {
    let p = specs.get(hash);
    if (!p) {
      p = (async () => {
        const spec = await specForHash(redis, hash);
        await buildReference(spec);
        const model = await buildModel(spec).catch(() => undefined); // fails in the grading thread, as in local mode
        return { spec, model };
      })();
      specs.set(hash, p);
      p.catch(() => specs.delete(hash));
    }
    return p;
  };

  const grade = async (job: Job<GradeJob>): Promise<GradeResult> => {
    const d = job.data;
    const id = job.id!;
    if (d.socklab !== version) {
      opts.log(`refused ${d.name} (job ${id}): made by socklab ${d.socklab}, this worker runs ${version}`);
      throw new UnrecoverableError(`worker ${me} runs socklab ${version} but the job was made by socklab ${d.socklab}: run the same version on the submitting machine and the workers`);
    }
    const done = await redis.get(resultKey(id));
    if (done !== null) {
      opts.log(`already graded ${d.name} (job ${id})`);
      return { ...(JSON.parse(done) as GradeResult), files: {} };
    }
    opts.log(`grading ${d.name} (job ${id}, attempt ${job.attemptsStarted})`);
    let spec;
    let model;
    try {
      ({ spec, model } = await prepared(d.specHash));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof SpecBundleError || e instanceof GradeSpecError) throw new UnrecoverableError(msg);
      throw new UnrecoverableError(`the spec's reference programs do not build: ${msg}`);
    }
    const work = mkdtempSync(join(tmpdir(), 'socklab-job-'));
    try {
      // Only this job's files: a submission never sees another's.
      const dir = join(work, 'submission', d.name);
      writeTree(dir, d.files);
      const out = join(work, 'out', d.name);
      const result = await lanes.grade(spec, d.name, {
        specPath: spec.file, submission: dir, outDir: out, formats: d.formats, reveal: d.reveal, ...(model ? { model } : {}),
        ...(d.seeds ? { seeds: d.seeds } : {}), ...(d.only ? { only: d.only } : {}),
        // What the submitter's bounded copy left out: named in the feedback as local mode names it.
        ...(d.refused?.length ? { refused: d.refused } : {}),
      });
      // The reference programs' modules stay here: the submitter built the same ones and puts its own copies in build/.
      const r: GradeResult = { jobId: id, result, files: readTree(out, (rel) => REFERENCE_MODULE.test(rel)), worker: me };
      const first = await redis.set(resultKey(id), JSON.stringify(r), 'EX', KEEP_SECONDS, 'NX');
      opts.log(`graded ${d.name} (job ${id}): ${r.result.score}/${r.result.maxScore}${first === null ? ' (another worker had stored it first; kept theirs)' : ''}`);
      return { ...r, files: {} };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  const lockMs = opts.lockMs ?? 30_000;
  const worker = new Worker<GradeJob, GradeResult>(QUEUE_NAME, grade, {
    connection: redis,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
    maxStalledCount: 5,
  });
  worker.on('error', () => {}); // connection trouble: reported above, BullMQ retries
  await worker.waitUntilReady();
  opts.log(`waiting for jobs on ${addr.shown} (socklab ${version}, ${concurrency} at once)`);

  await new Promise<void>((stop) => {
    const quit = (): void => {
      opts.log('stopping: finishing the jobs under way');
      stop();
    };
    process.once('SIGINT', quit).once('SIGTERM', quit);
  });
  await worker.close();
  await lanes.close();
  redis.disconnect();
}
