// `npm run bench`'s queue rows (issue #19): grading through `socklab grade
// --queue` with one local redis-server (its own free port and temp
// directory) and 1, 2 and 4 worker processes, each beside local batch mode
// making the SAME number of runs at once, measured in the same minutes.
//
// What is compared, and why:
// - Every submission is a distinct program (distinctCopies), so each one is
//   compiled and prepared (Asyncify, fuel) as a real student's is; identical
//   copies would be served from the module cache the first one fills, and
//   whichever mode ran first would pay for the others.
// - A process pays fixed costs once: its start (Node, the module graph,
//   BullMQ), then the warm-up of its first jobs (JIT of the kernel, loading
//   and JIT-compiling Binaryen, building the model solution). They are
//   reported apart, per process, because they do not grow with the number
//   of jobs: a worker lives for a whole course. So each mode grades a
//   warm-up round (the samples once per process: each worker process is as
//   warm as local mode's one process), then the measured round on the same,
//   now warm, processes and threads (batch mode keeps its grading threads
//   across the rounds, BatchOptions.lanes). The per-job overhead is the
//   measured round's CPU per job against local batch mode's.
// - Why once per process: V8 shares compiled WebAssembly (Binaryen, which
//   prepares every student module in the kernel workers) between the threads
//   of one process, not between processes. Each worker process tiers it up
//   on its own, over its first jobs; with the samples spread over 4 processes
//   that was still going on in the measured round (+150 ms of kernel-worker
//   CPU per job at 2 processes), a cost of the process's start, not of its
//   jobs.
// - CPU time counts every process (submitter, workers and the compilers
//   they start, redis-server): on a loaded machine it is the steadier
//   figure; wall time gives submissions per minute.
// When redis-server is not installed, one row says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../toolchain/clang.js';
import { loadGradingSpec } from '../load.js';
import { cpuMs, distinctCopies, type BenchRow } from '../bench.js';
import { gradeThroughQueue } from './submit.js';
import { gradeBatch, GradingLanes } from '../batch.js';
import { parseQueueUrl } from './protocol.js';
import type { GradingSpec } from '../spec.js';

const freePort = (): Promise<number> =>
  new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

/** Resolves when `child` prints a line matching `re`. */
const lineOf = (child: ChildProcess, re: RegExp): Promise<void> =>
  new Promise((done, fail) => {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (re.test(buf)) done();
    });
    child.on('exit', (c) => fail(new Error(`exited (${c}) before printing ${re}: ${buf}`)));
  });

/** One round: wall ms and CPU ms (every process counted) for `jobs` submissions. */
interface Round {
  jobs: number;
  wall: number;
  cpu: number;
  /** CPU ms of the queue's own work (queue mode): the submitter, redis-server, the workers' main threads (BullMQ, the job's files and result). */
  own?: number;
}
interface Measured {
  warm: Round;
  run: Round;
  /** Processes that paid the fixed costs. */
  processes: number;
  /** CPU ms of each process from its spawn until it takes jobs (queue workers). */
  startCpu?: number;
  /** Wall ms until every worker took jobs. */
  startWall?: number;
}

const perJob = (r: Round): number => r.cpu / r.jobs;
const perMin = (r: Round): number => r.jobs / (r.wall / 60_000);
/** CPU ms of the warm-up round beyond what its jobs cost once warm, per process. */
const warmUp = (m: Measured): number => (m.warm.cpu - m.warm.jobs * perJob(m.run)) / m.processes;
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const pct = (a: number, b: number): string => `${a >= b ? '+' : ''}${((100 * (a - b)) / b).toFixed(1)}%`;

async function timed(cpuOf: () => number, f: () => Promise<unknown>, jobs: number, ownOf?: () => number): Promise<Round> {
  const c = cpuOf();
  const o = ownOf?.() ?? 0;
  const t = performance.now();
  await f();
  return { jobs, wall: performance.now() - t, cpu: cpuOf() - c, ...(ownOf ? { own: ownOf() - o } : {}) };
}

/** CPU ms of one thread of process `pid` (its main thread: tid = pid). */
function threadCpuMs(pid: number, tid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

interface Setup {
  spec: GradingSpec;
  samplesDir: string;
  tmp: string;
  warmJobs: number;
  jobs: number;
}

/** Local batch mode with `runs` at once, its grading threads kept across the two rounds. */
async function measureLocal(s: Setup, runs: number): Promise<Measured> {
  const lanes = new GradingLanes(runs, runs);
  const grade = (tag: string, n: number): Promise<Round> => {
    const subs = distinctCopies(s.samplesDir, n, join(s.tmp, 'submissions'), `local${runs}-${tag}`);
    return timed(() => cpuMs('self'), () => gradeBatch(s.spec, subs, { outDir: join(s.tmp, `local${runs}-${tag}`), formats: ['gradescope'], reveal: [], jobs: runs, lanes }), n);
  };
  try {
    return { warm: await grade('warm', s.warmJobs), run: await grade('run', s.jobs), processes: 1 };
  } finally {
    await lanes.close();
  }
}

/** `procs` worker processes with `concurrency` each, fed by this process through one redis-server. */
async function measureQueue(s: Setup, procs: number, concurrency: number): Promise<Measured> {
  const root = packageRoot();
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', s.tmp, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const workers: ChildProcess[] = [];
  try {
    await lineOf(redis, /Ready to accept connections/);
    const t = performance.now();
    for (let i = 0; i < procs; i++) workers.push(spawn(process.execPath, [join(root, 'bin', 'socklab.js'), 'worker', '--queue', url, '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'ignore'] }));
    await Promise.all(workers.map((w) => lineOf(w, /waiting for jobs/)));
    const startWall = performance.now() - t;
    const startCpu = workers.reduce((a, w) => a + cpuMs(w.pid!), 0) / procs;
    const all = [...workers, redis];
    const cpuOf = (): number => cpuMs('self') + all.reduce((a, p) => a + cpuMs(p.pid!), 0);
    // The submitter's whole process is the queue's (it only enqueues and collects); a worker's grading threads, kernel workers and compilers are local mode's work.
    const ownOf = (): number => cpuMs('self') + cpuMs(redis.pid!) + workers.reduce((a, w) => a + threadCpuMs(w.pid!, w.pid!), 0);
    const grade = (tag: string, n: number): Promise<Round> => {
      const subs = distinctCopies(s.samplesDir, n, join(s.tmp, 'submissions'), `queue${procs}-${tag}`);
      return timed(cpuOf, () => gradeThroughQueue(s.spec, subs, parseQueueUrl(url), { outDir: join(s.tmp, `queue${procs}-${tag}`), formats: ['gradescope'], reveal: [] }), n, ownOf);
    };
    return { warm: await grade('warm', s.warmJobs * procs), run: await grade('run', s.jobs), processes: procs, startCpu, startWall };
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    redis.kill('SIGKILL');
  }
}

/** Local batch mode and the queue, one after another in this run, on submissions of the same kinds. */
export async function queueRows(): Promise<BenchRow[]> {
  const cores = availableParallelism();
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    return [{ name: 'queue grading: through Redis (1, 2, 4 worker processes)', unit: 'submissions/min', socklab: 0, note: 'not measured: redis-server is not installed (apt-get install redis-server)' }];
  }
  const root = packageRoot();
  const samplesDir = join(root, 'tests', 'grading-submissions');
  const samples = readdirSync(samplesDir).length;
  const jobs = Math.max(1, Number(process.env.SOCKLAB_QUEUE_BENCH_SUBS ?? 2 * samples) || 2 * samples);
  const tmp = mkdtempSync(join(tmpdir(), 'socklab-queue-bench-'));
  const s: Setup = { spec: loadGradingSpec(join(root, 'examples', 'grading', 'echo-udp', 'grading.yaml')), samplesDir, tmp, warmJobs: samples, jobs };
  // Worker processes and runs at once in each: as many runs at once as cores, or one each when there are more processes than cores.
  const setups = [1, 2, 4].map((procs) => ({ procs, concurrency: Math.max(1, Math.floor(cores / procs)) }));
  const rows: BenchRow[] = [];
  try {
    const local = new Map<number, Measured>();
    for (const runs of new Set(setups.map((q) => q.procs * q.concurrency))) {
      const m = await measureLocal(s, runs);
      local.set(runs, m);
      rows.push({
        name: `queue grading baseline: local batch mode, ${runs} at once, ${jobs} submissions (warm)`, unit: 'submissions/min', socklab: perMin(m.run),
        note: `higher is better; CPU ${ms(perJob(m.run))} per submission; fixed cost, once per process: warm-up ${ms(warmUp(m))} CPU (grading threads, JIT, Binaryen, the model solution); the first ${m.warm.jobs} (cold) at ${perMin(m.warm).toFixed(1)}/min`,
      });
    }
    for (const { procs, concurrency } of setups) {
      const q = await measureQueue(s, procs, concurrency);
      const runs = procs * concurrency;
      const l = local.get(runs)!;
      rows.push({
        name: `queue grading: through Redis, ${procs} worker process${procs > 1 ? 'es' : ''} x ${concurrency} (${runs} at once), ${jobs} submissions (warm)`,
        unit: 'submissions/min', socklab: perMin(q.run),
        note: `higher is better; per job against local batch mode with ${runs} at once (target < 5%): CPU ${ms(perJob(q.run))}, ${pct(perJob(q.run), perJob(l.run))}, of which the queue's own work (submitter, redis-server, workers' main threads) ${ms(q.run.own! / q.run.jobs)}; wall ${pct(q.run.wall, l.run.wall)}. Fixed cost per worker process: start ${ms(q.startCpu!)} CPU (${(q.startWall! / 1000).toFixed(1)} s until all took jobs), warm-up ${ms(warmUp(q))} CPU`,
      });
    }
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
