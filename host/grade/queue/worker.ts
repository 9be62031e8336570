// `socklab worker --queue redis://HOST:PORT`: takes grading jobs from the
// queue and grades each with the same code as local batch mode (GradingLanes:
// a grading thread per job under way, kept for the next jobs with its kernel
// workers and caches warm, the spec's limits, the same time budget),
// then stores the result in Redis. All state is in Redis, so a worker can be
// restarted (or killed) at any time: BullMQ sees the job's lock expire and
// hands the job to another worker. A job is graded once: the worker grading
// it holds a claim (claimKey) naming its connection (by name: the same across
// reconnects), and a second delivery waits for a live holder's result,
// grading the job only if the holder is gone for good. A worker whose
// connection dropped takes its jobs' locks and claims back when it is again
// connected. A result is written once (SET NX under the job's id, the hash of
// spec, submission and options), so even a job graded twice (a holder cut
// off from Redis longer than the grace given to it) is counted once.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
import { claimKey, connectRedis, doneKey, gradingsKey, KEEP_SECONDS, QUEUE_NAME, resultKey, socklabVersion, type Claim, type GradeJob, type Graded, type GradeResult, type QueueAddress } from './protocol.js';

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
/**
 * A job's first step, in one round trip: its stored result if there is one;
 * else the claim (SET NX), counted in the job's gradings; else who holds it.
 */
const CLAIM = `local r = redis.call('GET', KEYS[1])
if r then return {'stored', r} end
if redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2], 'NX') then
  local n = redis.call('INCR', KEYS[3]) redis.call('EXPIRE', KEYS[3], ARGV[3]) return {'claimed', tostring(n)}
end
return {'held', redis.call('GET', KEYS[2]) or ''}`;
/** Replaces claim ARGV[1] (a dead worker's) with ARGV[2], counted in the job's gradings: their count, or 0 if the claim was no longer that one. */
const TAKE_OVER = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) local n = redis.call('INCR', KEYS[2]) redis.call('EXPIRE', KEYS[2], ARGV[4]) return n
end return 0`;
/** Stores result ARGV[1] unless one is stored (1 if this one was), then releases the claim as RELEASE does: one round trip. */
const FINISH = `local first = redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX')
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
redis.call('LPUSH', KEYS[3], '1') redis.call('EXPIRE', KEYS[3], ARGV[4]) if first then return 1 end return 0`;
/** Deletes claim ARGV[1] if it is still ours, and wakes the deliveries waiting on it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end redis.call('LPUSH', KEYS[2], '1') redis.call('EXPIRE', KEYS[2], ARGV[2]) return 1`;
/**
 * After a reconnect, for a job this worker still grades: renews its BullMQ
 * lock (token ARGV[1]), or takes it again if it expired meanwhile and no
 * stalled-job check has handed the job on yet (still in the active list),
 * as BullMQ's own lock renewal does (SREM from the stalled set); puts the
 * claim back if Redis lost it (restarted without saving). Returns 1 with the
 * lock, 0 without, -1 when another worker holds the claim (it took the job over).
 */
const KEEP = `local kept = 0
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] or (not cur and redis.call('LPOS', KEYS[2], ARGV[3])) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) redis.call('SREM', KEYS[3], ARGV[3]) kept = 1
end
local c = redis.call('GET', KEYS[4])
if not c then redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5]) elseif c ~= ARGV[4] then return -1 end
return kept`;

export interface WorkerOptions {
  concurrency?: number;
  /** ms a job's lock lasts without renewal: a dead worker's job is handed on after about this long (default 30 s). */
  lockMs?: number;
  log: (line: string) => void;
}

/** Runs until SIGINT/SIGTERM; resolves when stopped. */
export async function runWorker(addr: QueueAddress, opts: WorkerOptions): Promise<void> {
  const me = `${hostname()}:${process.pid}`;
  // The name of this process's connections, the same after every reconnect: what its claims name.
  // The random part: a restarted worker (another process, maybe the same pid) is not the one that claimed.
  const client = `socklab-worker:${me.replace(/[^\x21-\x7e]/g, '_')}:${randomBytes(6).toString('hex')}`;
  const mine = JSON.stringify({ worker: me, client } satisfies Claim);
  const redis = await connectRedis(addr, { persistent: true, name: client });
  // The scripts go by their SHA (EVALSHA), their text only once per connection.
  const scripts = { claim: [CLAIM, 3], takeOver: [TAKE_OVER, 2], finish: [FINISH, 3], release: [RELEASE, 2], keep: [KEEP, 4] } as const;
  for (const [name, [lua, numberOfKeys]] of Object.entries(scripts)) redis.defineCommand(`socklab_${name}`, { lua, numberOfKeys });
  const run = (name: keyof typeof scripts, ...args: (string | number)[]): Promise<unknown> =>
    (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[`socklab_${name}`]!(...args);
  const version = socklabVersion();
  const concurrency = opts.concurrency ?? availableParallelism();
  const lockMs = opts.lockMs ?? 30_000;
  // How long a holder not connected to Redis is given to come back before its job is graded again: a
  // reconnect takes at most 2 s once Redis answers (connectRedis), so 10 s is ample; never more than a lock.
  const graceMs = Math.min(10_000, lockMs);
  // For the worker's life: a job reuses the grading threads (and their kernel workers) of the jobs before it.
  // Without --concurrency, one run per core: a job alone on the worker runs its tests in parallel.
  const lanes = new GradingLanes(concurrency, opts.concurrency ?? availableParallelism());
  // Up before the first job: the grading threads and their kernel workers.
  await lanes.warm();
  /** The jobs this worker grades now, by id: their BullMQ lock tokens. */
  const held = new Map<string, string>();
  let keepLocks: () => Promise<void> = async () => {};
  let down = false;
  let dropped = false;
  redis.on('error', (e: Error) => {
    if (!down) opts.log(`Redis at ${addr.shown} unreachable (${e.message}); retrying`);
    down = true;
  });
  // A connection closed cleanly (Redis shut down, CLIENT KILL) may give no error.
  redis.on('close', () => {
    dropped = true;
  });
  redis.on('ready', () => {
    if (down) opts.log(`Redis at ${addr.shown} reachable again`);
    down = false;
    if (dropped) void keepLocks().catch(() => {});
    dropped = false;
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

  /** A connection named as claim `c` says is connected (only a second delivery asks: rare). */
  const alive = async (c: Claim): Promise<boolean> => {
    const list = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'normal'));
    return list.split('\n').some((l) => l.includes(` name=${c.client} `));
  };

  /**
   * Claims job `id` for this worker, or, while another live worker holds the
   * claim (this is a second delivery: the job's lock expired while that
   * worker, starved of CPU or cut off from Redis, still graded it), waits for
   * it to finish. Ends with the claim, or with the stored result as soon as
   * there is one. A claim whose worker is gone (killed) and stays gone for
   * graceMs is taken over.
   */
  const claimOrWait = async (id: string, name: string): Promise<{ gradings: number } | { stored: GradeResult }> => {
    let blocking: Redis | undefined;
    let told = '';
    let goneSince: number | undefined;
    try {
      for (;;) {
        const [what, value] = (await run('claim', resultKey(id), claimKey(id), gradingsKey(id), mine, CLAIM_SECONDS, KEEP_SECONDS)) as [string, string];
        if (what === 'stored') return { stored: JSON.parse(value) as GradeResult };
        if (what === 'claimed') return { gradings: Number(value) };
        if (value === '') continue; // released since: its result, if stored, is read above
        const holder = JSON.parse(value) as Claim;
        let wait = WAIT_SECONDS;
        if (await alive(holder)) goneSince = undefined;
        else {
          goneSince ??= Date.now();
          if (Date.now() - goneSince >= graceMs) {
            const n = Number(await run('takeOver', claimKey(id), gradingsKey(id), value, mine, CLAIM_SECONDS, KEEP_SECONDS));
            if (n > 0) {
              opts.log(`${name} (job ${id}) was left by ${holder.worker}, which is gone: grading it here`);
              return { gradings: n };
            }
            continue;
          }
          // Not connected now: killed, or its connection dropped and it is on its way back.
          wait = 1;
        }
        const say = goneSince === undefined
          ? `waiting for ${holder.worker} to finish ${name} (job ${id}) rather than grade it twice`
          : `waiting for ${holder.worker}, not connected to Redis, to come back and finish ${name} (job ${id})`;
        if (told !== say) opts.log(say);
        told = say;
        if (!blocking) {
          blocking = redis.duplicate();
          blocking.on('error', () => {});
        }
        await blocking.blpop(doneKey(id), wait);
      }
    } finally {
      blocking?.disconnect();
    }
  };

  const grade = async (job: Job<GradeJob>, token?: string): Promise<Graded> => {
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
      return { jobId: id, worker: claimed.stored.worker };
    }
    if (token) held.set(id, token);
    let released = false;
    try {
      const r = await gradeClaimed(job, claimed.gradings);
      // The result stored and the claim released at once.
      const first = Number(await run('finish', resultKey(id), claimKey(id), doneKey(id), JSON.stringify(r), KEEP_SECONDS, mine, DONE_SECONDS));
      released = true;
      opts.log(`graded ${d.name} (job ${id}): ${r.result.score}/${r.result.maxScore}${first ? '' : ' (another worker had stored it first; kept theirs)'}`);
      return { jobId: id, worker: me };
    } finally {
      held.delete(id);
      // Redis lost: the claim stays, and is taken over once no connection of this worker is there.
      if (!released) await run('release', claimKey(id), doneKey(id), mine, DONE_SECONDS).catch(() => {});
    }
  };

  const gradeClaimed = async (job: Job<GradeJob>, gradings: number): Promise<GradeResult> => {
    const d = job.data;
    const id = job.id!;
    // gradings: the times this job was started by any worker (Redis's count), 1 unless a worker was lost mid-job.
    opts.log(`grading ${d.name} (job ${id}, attempt ${job.attemptsStarted}, grading ${gradings})`);
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
      return { jobId: id, result, files: readTree(out, (rel) => REFERENCE_MODULE.test(rel)), worker: me };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  const worker = new Worker<GradeJob, Graded>(QUEUE_NAME, grade, {
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
  // Back from a dropped connection: the jobs under way keep their locks (renewed at once, or taken again if
  // they expired and no stalled-job check handed them on yet) and their claims.
  keepLocks = async () => {
    for (const [id, token] of held) {
      const keys = [`${worker.toKey(id)}:lock`, worker.keys.active!, worker.keys.stalled!, claimKey(id)];
      const kept = Number(await run('keep', ...keys, token, lockMs, id, mine, CLAIM_SECONDS));
      if (kept < 0) opts.log(`job ${id} was taken over while this worker was cut off from Redis: it is graded twice, its result counted once`);
      else if (kept === 0) opts.log(`job ${id} was handed on while this worker was cut off from Redis: its next delivery waits for this grading`);
    }
  };
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
