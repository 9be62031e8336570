// `npm run bench`'s queue row: submissions per minute through `socklab
// grade --queue` with one local redis-server and one worker process (one
// job per core), next to local batch mode's row. Skipped, with a note,
// when redis-server is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../toolchain/clang.js';
import { loadGradingSpec } from '../load.js';
import type { BenchRow } from '../bench.js';
import { gradeThroughQueue } from './submit.js';
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

export async function queueRows(): Promise<BenchRow[]> {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) return [];
  const root = packageRoot();
  const spec = loadGradingSpec(join(root, 'examples', 'grading', 'echo-udp', 'grading.yaml'));
  const subsDir = join(root, 'tests', 'grading-submissions');
  const subs = readdirSync(subsDir).sort().map((s) => join(subsDir, s));
  const tmp = mkdtempSync(join(tmpdir(), 'socklab-queue-bench-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', tmp, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let worker: ChildProcess | undefined;
  try {
    await lineOf(redis, /Ready to accept connections/);
    worker = spawn(process.execPath, [join(root, 'bin', 'socklab.js'), 'worker', '--queue', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    await lineOf(worker, /waiting for jobs/);
    const t = performance.now();
    await gradeThroughQueue(spec, subs, parseQueueUrl(url), { outDir: join(tmp, 'out'), formats: ['gradescope'], reveal: [] });
    const min = (performance.now() - t) / 60_000;
    return [{ name: `queue grading: the same, through Redis, 1 worker process (${availableParallelism()} at once)`, unit: 'submissions/min', socklab: subs.length / min, note: 'higher is better; batch mode\'s work plus shipping files and results through Redis' }];
  } finally {
    worker?.kill('SIGKILL');
    redis.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
}
