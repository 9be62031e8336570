// `socklab grade SPEC --submissions DIR... --queue redis://HOST:PORT`:
// enqueues one job per submission, waits for the workers (socklab worker)
// to grade them, and writes what local batch mode writes: OUT/NAME/ per
// submission and OUT/scores.csv. What is done is kept in OUT/.queue/NAME.json
// (keyed by the job's id): a rerun after a failure (Redis lost, the
// submitter killed) grades only the rest.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { buildReference } from '../build.js';
import { checkSubmissionDir } from '../submission.js';
import type { GradingSpec } from '../spec.js';
import type { SubmissionResult } from '../results.js';
import type { BatchOptions } from '../batch.js';
import { Collector, type Done } from './collect.js';
import { hashFiles, readBounded } from './files.js';
import { makeSpecBundle, storeSpecBundle } from './spec-bundle.js';
import { connectRedis, QueueUnreachableError, QUEUE_NAME, resultKey, socklabVersion, type GradeJob, type Graded, type GradeResult, type QueueAddress } from './protocol.js';

export interface QueueBatchOptions extends Omit<BatchOptions, 'jobs'> {
  /** Told how many are done, whenever one finishes (or was found done). */
  onProgress?: (p: { done: number; total: number; failed: number }) => void;
  /** Told of a submission no worker could grade (another socklab version, a spec the worker cannot use). */
  onFailed?: (name: string, why: string) => void;
  /** Told once every job is in the queue. */
  onQueued?: (queued: number, alreadyDone: number) => void;
}

export class QueueJobsFailed extends Error {}

export async function gradeThroughQueue(spec: GradingSpec, submissions: readonly string[], addr: QueueAddress, opts: QueueBatchOptions): Promise<SubmissionResult[]> {
  const dirs = submissions.map((s) => resolve(s));
  for (const d of dirs) checkSubmissionDir(d, 'submission');
  const names = dirs.map((d) => basename(d));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two submissions are named ${dup}: their results would share a directory`);
  // A spec whose reference programs do not build fails here, before anything is queued.
  const reference = await buildReference(spec);
  const { bundle, hash: specHash } = makeSpecBundle(spec, [opts.outDir]);
  const version = socklabVersion();

  const jobs = dirs.map((dir, i): { id: string; data: GradeJob } => {
    const name = names[i]!;
    const { files, refused } = readBounded(dir);
    const left = [...refused];
    // What was left out is part of what is graded (it changes the feedback): part of the hash too.
    const submissionHash = left.length ? hashFiles(files, JSON.stringify(left)) : hashFiles(files);
    const data: GradeJob = {
      socklab: version, specHash, name, submissionHash, files, ...(left.length ? { refused: left } : {}), formats: opts.formats, reveal: opts.reveal,
      ...(opts.seeds ? { seeds: opts.seeds } : {}), ...(opts.only ? { only: opts.only } : {}),
    };
    const id = createHash('sha256').update(JSON.stringify([version, specHash, name, submissionHash, data.formats, data.reveal, data.seeds ?? null, data.only ?? null])).digest('hex').slice(0, 40);
    return { id, data };
  });

  const collector = new Collector({
    outDir: opts.outDir, jobs: jobs.map((j) => ({ id: j.id, name: j.data.name })), testNames: spec.tests.map((t) => t.name), reference,
    ...(opts.onResult ? { onResult: opts.onResult } : {}), ...(opts.onFailed ? { onFailed: opts.onFailed } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });

  // Done in an earlier run: kept, not queued again.
  let alreadyDone = 0;
  for (const { id, data } of jobs) {
    const f = collector.ledger(data.name);
    if (!existsSync(f)) continue;
    const prev = JSON.parse(readFileSync(f, 'utf8')) as Done;
    if (prev.jobId === id && collector.keep(prev)) alreadyDone++;
  }
  const waiting = jobs.filter((j) => !collector.settled(j.id));
  if (!waiting.length) {
    collector.csv();
    opts.onQueued?.(0, alreadyDone);
    return collector.all();
  }

  let lost: (why: string) => void = () => {};
  let gone = false;
  const lostP = new Promise<never>((_, reject) => {
    lost = (why) => {
      gone = true;
      reject(new QueueUnreachableError(why));
    };
  });
  lostP.catch(() => {});
  const redis = await connectRedis(addr, { persistent: false, onLost: (why) => lost(why) });
  const queue = new Queue<GradeJob, Graded>(QUEUE_NAME, { connection: redis });
  // From the stream's start: a job finishing before the first blocking read is seen too (ids not ours are ignored).
  const events = new QueueEvents(QUEUE_NAME, { connection: redis.duplicate(), lastEventId: '0' });
  queue.on('error', () => {});
  events.on('error', () => {});
  let wake: () => void = () => {};

  /** Takes the stored result of job `id`; the collector counts it once however often it is delivered. */
  const collect = async (id: string): Promise<void> => {
    if (collector.settled(id)) return;
    const text = await redis.get(resultKey(id));
    if (text !== null && collector.take(id, JSON.parse(text) as GradeResult)) wake();
  };
  const fail = (id: string, why: string): void => {
    if (collector.fail(id, why)) wake();
  };

  try {
    events.on('completed', ({ jobId }) => void collect(jobId).catch(() => {}));
    events.on('failed', ({ jobId, failedReason }) => fail(jobId, failedReason));
    await Promise.race([events.waitUntilReady(), lostP]);
    await Promise.race([
      (async () => {
        await storeSpecBundle(redis, specHash, bundle);
        for (const { id, data } of waiting) {
          // A job that failed before (another socklab version, ...) is tried again; one waiting, active or done is kept.
          if ((await queue.getJobState(id)) === 'failed') await queue.remove(id);
          await queue.add('grade', data, { jobId: id, attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: false });
        }
      })(),
      lostP,
    ]);
    opts.onQueued?.(waiting.length, alreadyDone);
    // Jobs finished before we listened (a rerun, a fast worker): their results are already stored.
    // Checked again now and then: events are the fast path, this makes a missed one harmless.
    const reconcile = async (): Promise<void> => {
      for (const { id } of waiting) {
        if (collector.settled(id)) continue;
        await collect(id);
        if (collector.settled(id)) continue;
        // The state alone (the job's data, its files, is not fetched): the reason only for a failed one.
        if ((await queue.getJobState(id)) === 'failed') fail(id, (await queue.getJob(id))?.failedReason ?? 'failed');
      }
    };
    await Promise.race([reconcile(), lostP]);
    let checking = false;
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      void reconcile().catch(() => {}).finally(() => { checking = false; });
    }, 10_000);
    try {
      while (!collector.finished()) await Promise.race([new Promise<void>((r) => { wake = r; }), lostP]);
    } finally {
      clearInterval(timer);
    }
  } catch (e) {
    if (e instanceof QueueUnreachableError) {
      collector.csv();
      const n = collector.graded;
      throw new QueueUnreachableError(`${e.message}: ${n} of ${jobs.length} submissions graded, their results are in ${opts.outDir}; run the same command again to grade the rest`);
    }
    throw e;
  } finally {
    const closing = Promise.allSettled([events.close(), queue.close()]);
    if (gone) {
      // close() also stops BullMQ's own retry loops, but with Redis gone it may wait for replies
      // that never come; with no socket or timer left Node would end the process with exit 13 (an
      // unsettled await) before our one-line message. So it gets two seconds, then the sockets go.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closing, new Promise<void>((r) => { timer = setTimeout(r, 2000); })]);
      clearTimeout(timer);
      for (const c of [events, queue]) void c.disconnect().catch(() => {});
    } else await closing;
    redis.disconnect();
  }
  collector.csv();
  const failed = collector.failed;
  if (failed.size) {
    throw new QueueJobsFailed(`${failed.size} of ${jobs.length} submissions were not graded:\n${[...failed].map(([n, why]) => `  ${n}: ${why}`).join('\n')}`);
  }
  return collector.all();
}
