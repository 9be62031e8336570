// `npm run bench`'s queue rows: submissions per minute through `socklab
// grade --queue` with one local redis-server (its own free port and temp
// directory) and 1, 2 and 4 worker processes, each beside local batch mode
// measured in the same minutes, with the queue's overhead per job, in wall
// time and in CPU time (every process: submitter, workers and the compilers
// they start, redis-server; on a loaded machine the CPU time is the
// steadier figure). The sample submissions are graded several times over
// (SOCKLAB_QUEUE_BENCH_SUBS, default 27: 3 rounds of 9), so a worker's
// first job does not dominate. When redis-server is not installed, one
// row says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../toolchain/clang.js';
import { loadGradingSpec } from '../load.js';
import type { BenchRow } from '../bench.js';
import { gradeThroughQueue } from './submit.js';
import { gradeBatch } from '../batch.js';
import { parseQueueUrl } from './protocol.js';

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

/** CPU ms of process `pid` and of its children waited for (Linux /proc; 0 elsewhere). */
function cpuMs(pid: number | 'self'): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime, stime, cutime, cstime: fields 14-17, in clock ticks (100 per second on Linux).
    return [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0) * 10;
  } catch {
    return 0;
  }
}

/** Local batch mode and the queue, one after another in this run, on the same submissions. */
export async function queueRows(): Promise<BenchRow[]> {
  const cores = availableParallelism();
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    return [{ name: 'queue grading: through Redis (1, 2, 4 worker processes)', unit: 'submissions/min', socklab: 0, note: 'not measured: redis-server is not installed (apt-get install redis-server)' }];
  }
  const root = packageRoot();
  const spec = loadGradingSpec(join(root, 'examples', 'grading', 'echo-udp', 'grading.yaml'));
  const subsDir = join(root, 'tests', 'grading-submissions');
  const samples = readdirSync(subsDir).sort();
  const tmp = mkdtempSync(join(tmpdir(), 'socklab-queue-bench-'));
  const count = Math.max(1, Number(process.env.SOCKLAB_QUEUE_BENCH_SUBS ?? 3 * samples.length) || 3 * samples.length);
  const subs = Array.from({ length: count }, (_, i) => {
    const name = samples[i % samples.length]!;
    const d = join(tmp, 'submissions', `${name}-${Math.floor(i / samples.length) + 1}`);
    cpSync(join(subsDir, name), d, { recursive: true });
    return d;
  });
  const rows: BenchRow[] = [];
  const perMin = (ms: number): number => subs.length / (ms / 60_000);
  try {
    // The baseline, measured here so that the overhead compares runs minutes apart, not a whole bench apart.
    let t = performance.now();
    let c = cpuMs('self');
    await gradeBatch(spec, subs, { outDir: join(tmp, 'local'), formats: ['gradescope'], reveal: [], jobs: cores });
    const local = performance.now() - t;
    const localCpu = cpuMs('self') - c;
    rows.push({ name: `queue grading baseline: local batch mode, ${subs.length} submissions, ${cores} at once`, unit: 'submissions/min', socklab: perMin(local), note: `higher is better; the queue rows below compare with this one; CPU ${(localCpu / subs.length).toFixed(0)} ms per submission` });
    for (const n of [1, 2, 4]) {
      // The same number of submissions at once on this machine as local mode (at least one per process).
      const concurrency = Math.max(1, Math.floor(cores / n));
      const port = await freePort();
      const url = `redis://127.0.0.1:${port}`;
      const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', tmp, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
      const workers: ChildProcess[] = [];
      try {
        await lineOf(redis, /Ready to accept connections/);
        for (let i = 0; i < n; i++) workers.push(spawn(process.execPath, [join(root, 'bin', 'socklab.js'), 'worker', '--queue', url, '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'ignore'] }));
        await Promise.all(workers.map((w) => lineOf(w, /waiting for jobs/)));
        const before = [...workers, redis].map((p) => cpuMs(p.pid!));
        c = cpuMs('self');
        t = performance.now();
        await gradeThroughQueue(spec, subs, parseQueueUrl(url), { outDir: join(tmp, `queue-${n}`), formats: ['gradescope'], reveal: [] });
        const q = performance.now() - t;
        const qCpu = cpuMs('self') - c + [...workers, redis].reduce((a, p, i) => a + cpuMs(p.pid!) - before[i]!, 0);
        const overhead = (q - local) / subs.length;
        const cpuOverhead = (qCpu - localCpu) / subs.length;
        rows.push({
          name: `queue grading: through Redis, ${n} worker process${n > 1 ? 'es' : ''} (${concurrency} at once each)`,
          unit: 'submissions/min', socklab: perMin(q),
          note: `higher is better; the queue's overhead: ${overhead.toFixed(0)} ms per job, ${((100 * overhead) / (local / subs.length)).toFixed(1)}% of a local submission's time (target < 5%); CPU ${(qCpu / subs.length).toFixed(0)} ms per job, ${cpuOverhead.toFixed(0)} ms (${((100 * cpuOverhead) / (localCpu / subs.length)).toFixed(1)}%) more than local`,
        });
      } finally {
        for (const w of workers) w.kill('SIGKILL');
        redis.kill('SIGKILL');
      }
    }
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
