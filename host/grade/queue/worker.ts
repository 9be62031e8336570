// `socklab worker --queue redis://HOST:PORT`: takes grading jobs from the
// queue and grades each with the same code as local batch mode (GradingLanes:
// a grading thread per job under way, kept for the next jobs with its kernel
// workers and caches warm, the spec's limits, the same time budget),
// then stores the result in Redis. All state is in Redis, so a worker can be
// restarted (or killed) at any time: BullMQ sees the job's lock expire and
// hands the job to another worker. A job is graded once: the worker grading
// it holds a claim (claimKey) tied to its Redis connection, and a second
// delivery waits for a live holder's result, grading the job only if the
// holder is gone. A result is written once (SET NX under the job's id, the
// hash of spec, submission and options), so even a job graded twice (a
// holder that lost Redis mid-job) is counted once.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { GradingLanes } from '../batch.js';
import { GradeSpecError } from '../load.js';
import type { GradingSpec } from '../spec.js';
import { readTree, writeTree } from './files.js';
import { SpecBundleError, specForHash } from './spec-bundle.js';
import type { Redis } from 'ioredis';
import { claimKey, connectRedis, doneKey, KEEP_SECONDS, QUEUE_NAME, resultKey, socklabVersion, type Claim, type GradeJob, type GradeResult, type QueueAddress } from './protocol.js';

/** OUT/NAME/build/ref-NAME.wasm: a reference program, as buildReference copies it there. */
const REFERENCE_MODULE = /^build\/ref-[^/]+\.wasm$/;

/** A claim outlives its worker only when Redis lost the delete (the worker lost Redis mid-job): bounded, and a dead holder's claim is taken over anyway. */
const CLAIM_SECONDS = 24 * 3600;
/**
 * How long a delivery waiting on a claim blocks before it checks again that
 * the holder is alive. The holder's push wakes it at once; this only bounds
 * how late a holder that died without closing its connection is noticed.
 */
const WAIT_SECONDS = 5;
/** The wake-up list outlives a release only for a delivery between two checks of it: it then finds the result anyway. */
const DONE_SECONDS = 600;
/** Replaces claim ARGV[1] (a dead worker's) with ARGV[2]: 1 if it was still that one. */
const TAKE_OVER = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;
/** Deletes claim ARGV[1] if it is still ours, and wakes the deliveries waiting on it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end redis.call('LPUSH', KEYS[2], '1') redis.call('EXPIRE', KEYS[2], ARGV[2]) return 1`;

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
  // the model solution built and handed to the grading threads. Built in a grading thread (lanes.prepare):
  // this thread must stay free to renew the locks of the jobs under way. A failure is not kept: the next job tries again.
  const specs = new Map<string, Promise<{ spec: GradingSpec; model: Record<string, string> | undefined }>>();
  const prepared = (hash: string): Promise<{ spec: GradingSpec; model: Record<string, string> | undefined }> => {
    let p = specs.get(hash);
    if (!p) {
      p = (async () => {
        const spec = await specForHash(redis, hash);
        return { spec, model: await lanes.prepare(spec) };
      })();
      specs.set(hash, p);
      p.catch(() => specs.delete(hash));
    }
    return p;
  };

  const runIdOf = (info: string): string => /^run_id:(\w+)/m.exec(info)?.[1] ?? '';
  /** This worker's claim: its connection as Redis knows it now (it changes when the connection is made again). */
  const identity = async (): Promise<Claim> => {
    const [client, info] = await Promise.all([redis.call('CLIENT', 'ID'), redis.info('server')]);
    return { worker: me, runId: runIdOf(info), client: Number(client) };
  };
  const alive = async (c: Claim): Promise<boolean> => {
    if (runIdOf(await redis.info('server')) !== c.runId) return false;
    return String(await redis.call('CLIENT', 'LIST', 'ID', String(c.client))).trim() !== '';
  };

  /**
   * Claims job `id` for this worker, or, while another live worker holds the
   * claim (this is a second delivery: the job's lock expired while that
   * worker, starved of CPU, still graded it), waits for it to finish. Ends
   * with the claim, or with the stored result as soon as there is one. A
   * claim whose worker is gone (killed) is taken over.
   */
  const claimOrWait = async (id: string, name: string): Promise<{ claim: string } | { stored: GradeResult }> => {
    let blocking: Redis | undefined;
    let told = false;
    try {
      for (;;) {
        const stored = await redis.get(resultKey(id));
        if (stored !== null) return { stored: JSON.parse(stored) as GradeResult };
        const mine = JSON.stringify(await identity());
        if ((await redis.set(claimKey(id), mine, 'EX', CLAIM_SECONDS, 'NX')) === 'OK') return { claim: mine };
        const held = await redis.get(claimKey(id));
        if (held === null) continue; // released since: its result, if stored, is read above
        const holder = JSON.parse(held) as Claim;
        if (!(await alive(holder))) {
          if ((await redis.eval(TAKE_OVER, 1, claimKey(id), held, mine, CLAIM_SECONDS)) === 1) {
            opts.log(`${name} (job ${id}) was left by ${holder.worker}, which is gone: grading it here`);
            return { claim: mine };
          }
          continue;
        }
        if (!told) opts.log(`waiting for ${holder.worker} to finish ${name} (job ${id}) rather than grade it twice`);
        told = true;
        if (!blocking) {
          blocking = redis.duplicate();
          blocking.on('error', () => {});
        }
        await blocking.blpop(doneKey(id), WAIT_SECONDS);
      }
    } finally {
      blocking?.disconnect();
    }
  };

  const grade = async (job: Job<GradeJob>): Promise<GradeResult> => {
    const d = job.data;
    const id = job.id!;
    if (d.socklab !== version) {
      opts.log(`refused ${d.name} (job ${id}): made by socklab ${d.socklab}, this worker runs ${version}`);
      throw new UnrecoverableError(`worker ${me} runs socklab ${version} but the job was made by socklab ${d.socklab}: run the same version on the submitting machine and the workers`);
    }
    // A second delivery of a job graded (or being graded) elsewhere completes with the stored result.
    const claimed = await claimOrWait(id, d.name);
    if ('stored' in claimed) {
      opts.log(`already graded ${d.name} (job ${id}) by ${claimed.stored.worker}`);
      return { ...claimed.stored, files: {} };
    }
    try {
      return await gradeClaimed(job);
    } finally {
      // Redis lost: the claim stays, and is taken over once this connection (its client id) is gone.
      await redis.eval(RELEASE, 2, claimKey(id), doneKey(id), claimed.claim, DONE_SECONDS).catch(() => {});
    }
  };

  const gradeClaimed = async (job: Job<GradeJob>): Promise<GradeResult> => {
    const d = job.data;
    const id = job.id!;
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
    // A lock lasts lockMs from its last renewal. BullMQ's renewal timer fires every lockRenewTime/2 and
    // renews a lock older than that, so a lock is renewed at most lockRenewTime after the last time:
    // with lockMs/4, this thread may be late (starved of CPU, Redis slow to answer) by 3/4 of lockMs
    // before a job it still grades is handed on (the BullMQ default, lockMs/2, allows half).
    lockDuration: lockMs,
    lockRenewTime: Math.max(200, Math.floor(lockMs / 4)),
    // A job is handed on at the first check after its lock expired: a dead worker's job within 1.5 lockMs.
    stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
    // Each stall is a worker lost mid-job (or starved past its lock, whose second delivery then waits on
    // its claim): handed on up to 3 times; a job that kills every worker that takes it fails after that.
    maxStalledCount: 3,
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
