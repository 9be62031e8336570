// What a submitter and a worker agree on (docs/grading.md, "Beyond one
// machine"): the queue's name, the Redis keys, a job and its result, and
// how to reach Redis. A job carries everything a worker needs except the
// spec bundle, which is stored once in Redis under its content hash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { packageRoot } from '../../toolchain/clang.js';
import type { Format } from '../writers/index.js';
import type { Visibility } from '../spec.js';
import type { SubmissionResult } from '../results.js';

export const QUEUE_NAME = 'socklab-grade';
/** The spec bundle (SpecBundle as JSON) under its content hash. */
export const specKey = (hash: string): string => `socklab:spec:${hash}`;
/** A finished job's result (GradeResult as JSON), written once (SET NX) by the worker that graded it. */
export const resultKey = (jobId: string): string => `socklab:result:${jobId}`;
/**
 * Who is grading job `jobId` (a Claim as JSON), set (NX) by the worker that
 * starts grading it and deleted when it stops: a second delivery of the job
 * (its lock expired while its worker still graded it) waits for that worker
 * instead of grading it again.
 */
export const claimKey = (jobId: string): string => `socklab:grading:${jobId}`;
/** A list the grading worker pushes to when it stops (result stored, or given up): wakes the deliveries waiting on the claim. */
export const doneKey = (jobId: string): string => `socklab:graded:${jobId}`;
/** How long results and spec bundles stay in Redis: enough for any grading run, bounded memory after. */
export const KEEP_SECONDS = 14 * 24 * 3600;

/** How many times job `jobId` was started (a claim taken or taken over): 1 for a job graded once. */
export const gradingsKey = (jobId: string): string => `socklab:gradings:${jobId}`;

/**
 * A worker's claim on a job. The worker is alive while a connection named
 * `client` (CLIENT SETNAME, its own for the process's life, set again on
 * every reconnect) is connected: a SIGKILL closes it at once, a worker
 * starved of CPU keeps it, and a worker whose connection dropped is alive
 * again as soon as it is back.
 */
export interface Claim {
  worker: string;
  client: string;
}

/**
 * Files by relative path (with /): a file that is UTF-8 text (sources,
 * results, traces) as its text, any other (modules) as { base64 }. Text
 * travels as it is: no base64 to make and undo, a third smaller in Redis.
 */
export type Files = Record<string, string | { base64: string }>;

/** The spec's directory: the spec file, included tests, reference programs, checks, the model solution. */
export interface SpecBundle {
  /** The spec file, relative to the bundle. */
  specFile: string;
  files: Files;
}

export interface GradeJob {
  /** The socklab version that made the job: a worker with another one refuses it. */
  socklab: string;
  specHash: string;
  /** The submission's name (its directory's): results are named after it. */
  name: string;
  submissionHash: string;
  /**
   * The submission's files themselves, as read by the grader's bounded copy
   * (copySubmission: regular files only, at most 1000 files, 4 MiB each,
   * 64 MiB in all). Files rather than a shared path: workers need no shared
   * storage, and a worker sees only the submission it grades.
   */
  files: Files;
  /**
   * What that bounded copy left out (a symlink, a FIFO, a file over the
   * limits), by relative path -> the one line that says why, in the order
   * found: the worker names them in the feedback exactly as local mode does.
   */
  refused?: [string, string][];
  formats: Format[];
  reveal: Visibility[];
  seeds?: number[];
  only?: string[];
}

export interface GradeResult {
  jobId: string;
  result: SubmissionResult;
  /** OUT/NAME/ as the worker wrote it: results.json, prairielearn.json, junit.xml, replay/, build/. */
  files: Files;
  /** host:pid of the worker that graded it. */
  worker: string;
}

/** What a job completes with in BullMQ (its return value, also in the 'completed' event): the result itself is only under resultKey. */
export interface Graded {
  jobId: string;
  /** host:pid of the worker that graded it. */
  worker: string;
}

let version: string | undefined;
export function socklabVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** Redis cannot be reached, or was lost: one line, exit status 2. */
export class QueueUnreachableError extends Error {}
/** A bad --queue value. */
export class QueueUrlError extends Error {}

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  /** As given, without a password. */
  shown: string;
}

export function parseQueueUrl(url: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(`--queue: ${url} is not a URL (redis://HOST:PORT[/DB])`);
  }
  if (u.protocol !== 'redis:') throw new QueueUrlError(`--queue: ${url}: only redis://HOST:PORT[/DB] is supported`);
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText ? Number(dbText) : 0;
  if (!Number.isInteger(db) || db < 0) throw new QueueUrlError(`--queue: ${url}: the database is a number (redis://HOST:PORT/DB)`);
  return { host: u.hostname || 'localhost', port, db, shown: `redis://${u.hostname || 'localhost'}:${port}${db ? `/${db}` : ''}` };
}

/**
 * Connects to Redis and checks it answers. `persistent` (workers): reconnect
 * forever once connected; otherwise (submitters) give up after a few tries,
 * and `onLost` is told. `name`: the connection's (and its duplicates') name.
 */
export async function connectRedis(addr: QueueAddress, opts: { persistent: boolean; onLost?: (why: string) => void; name?: string }): Promise<Redis> {
  let lastError = '';
  let connected = false;
  const options: RedisOptions = {
    host: addr.host,
    port: addr.port,
    db: addr.db,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    // ioredis names each new connection (CLIENT SETNAME) before it is ready, so the name survives reconnects.
    ...(opts.name ? { connectionName: opts.name } : {}),
    retryStrategy: (times) => {
      if (!connected) return null;
      if (opts.persistent) return Math.min(times * 200, 2000);
      return times <= 5 ? times * 200 : null;
    },
  };
  const redis = new Redis(options);
  redis.on('error', (e: Error) => {
    lastError = e.message;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new QueueUnreachableError(`cannot reach Redis at ${addr.shown}: ${lastError || (e instanceof Error ? e.message : String(e))}`);
  }
  connected = true;
  redis.on('end', () => opts.onLost?.(`lost the connection to Redis at ${addr.shown}${lastError ? ` (${lastError})` : ''}`));
  return redis;
}
