// Grading beyond one machine (#19): `socklab grade --queue` and `socklab
// worker` through a real redis-server, one per test (its own port and
// directory, nothing saved), stopped afterwards. Synchronised on events
// (a process's output lines, its exit), never on sleeps.
import { needs } from './tools.js';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { ROOT } from './helpers.js';
import { Collector } from '../dist/host/grade/queue/collect.js';
import { hashFiles, readBounded, writeTree } from '../dist/host/grade/queue/files.js';
import type { GradeResult } from '../dist/host/grade/queue/protocol.js';
import type { SubmissionResult } from '../dist/host/grade/results.js';

const CLI = join(ROOT, 'bin', 'socklab.js');
const SPEC = join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml');
const SUBS = join(ROOT, 'tests', 'grading-submissions');
const ALL = readdirSync(SUBS).sort();
const sub = (n: string): string => join(SUBS, n);

/** A child process whose output is kept as lines, with a way to wait for one. */
class Proc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; done: (l: string) => void }[] = [];
  constructor(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let exit!: (c: number | null) => void;
    this.exited = new Promise((r) => { exit = r; });
    this.child.on('exit', (code) => exit(code));
    for (const s of [this.child.stdout!, this.child.stderr!]) {
      let buf = '';
      s.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          this.line(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
  }
  private line(l: string): void {
    this.lines.push(l);
    this.waiters = this.waiters.filter((w) => (w.re.test(l) ? (w.done(l), false) : true));
  }
  /** The first line (already seen or to come) matching `re`. */
  waitFor(re: RegExp): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((done, fail) => {
      this.waiters.push({ re, done });
      void this.exited.then((c) => fail(new Error(`exited (${c}) before a line matching ${re}:\n${this.lines.join('\n')}`)));
    });
  }
  count(re: RegExp): number {
    return this.lines.filter((l) => re.test(l)).length;
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

const started: Proc[] = [];
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'socklab-queue-test-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL')));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function redis(port?: number): Promise<{ port: number; url: string; proc: Proc }> {
  needs('redis-server');
  const p = port ?? (await freePort());
  const proc = new Proc('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--dir', tmp(), '--save', '', '--appendonly', 'no']);
  started.push(proc);
  await proc.waitFor(/Ready to accept connections/);
  return { port: p, url: `redis://127.0.0.1:${p}`, proc };
}

function socklab(args: string[]): Proc {
  // Each process its own cache: workers on other machines share nothing. And its own temporary directory,
  // removed after the test: a process killed here (SIGKILL) cannot remove what it made there (its model solution).
  const p = new Proc(process.execPath, [CLI, ...args], { TMPDIR: tmp() });
  started.push(p);
  return p;
}
const worker = (url: string, ...more: string[]): Proc => socklab(['worker', '--queue', url, '--concurrency', '1', '--lock-ms', '4000', ...more]);
const submit = (url: string, out: string, subs: string[], ...more: string[]): Proc => socklab(['grade', SPEC, '--submissions', ...subs.map(sub), '--queue', url, '--out', out, ...more]);
const local = (out: string, subs: string[], ...more: string[]): Proc => socklab(['grade', SPEC, '--submissions', ...subs.map(sub), '--out', out, ...more]);

/** Results files with their timing fields blanked: everything else must be identical run to run. */
const untimed = (text: string): string => text.replace(/"execution_time": \d+/g, '"execution_time": 0').replace(/ time="[0-9.]+"/g, ' time="0"');
/** OUT as path -> contents (timing fields aside), the queue's ledger left out. */
function tree(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.queue') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else m.set(r, e.name.endsWith('.wasm') ? `${readFileSync(join(d, e.name)).length} bytes` : untimed(readFileSync(join(d, e.name), 'utf8')));
    }
  };
  walk(dir, '');
  return m;
}
const csvRows = (out: string): string[] => readFileSync(join(out, 'scores.csv'), 'utf8').trim().split('\n').slice(1);

describe("the submitter's collector", () => {
  const result = (name: string, score: number): SubmissionResult => ({
    assignment: 'a', submission: name, score, maxScore: 10, output: '', complete: true, timeMs: 1,
    tests: [{ number: 1, name: 't', points: 10, score, verdict: score === 10 ? 'passed' : 'failed', visibility: 'visible', tags: [], output: '', timeMs: 1 }],
  });
  const delivered = (jobId: string, name: string, score: number, worker: string): GradeResult => ({
    jobId, result: result(name, score), worker, files: { 'results.json': `${worker} ${score}` },
  });

  it('counts and writes a result once per job, however often it is delivered', () => {
    const out = tmp();
    const ref = join(tmp(), 'ref.wasm');
    writeFileSync(ref, 'wasm');
    const told: string[] = [];
    const progress: number[] = [];
    const c = new Collector({
      outDir: out, jobs: [{ id: 'job-a', name: 'alice' }, { id: 'job-b', name: 'bob' }], testNames: ['t'], reference: { server: ref },
      onResult: (r) => told.push(`${r.submission} ${r.score}`), onFailed: (n) => told.push(`${n} failed`), onProgress: (p) => progress.push(p.done),
    });
    expect(c.take('job-a', delivered('job-a', 'alice', 10, 'w1:1'))).toBe(true);
    // The same job again: its completed event seen twice, then a second delivery's result (another worker, another score).
    expect(c.take('job-a', delivered('job-a', 'alice', 10, 'w1:1'))).toBe(false);
    expect(c.take('job-a', delivered('job-a', 'alice', 0, 'w2:2'))).toBe(false);
    // A failure reported after its result, and a result stored under another job's id, count for nothing.
    expect(c.fail('job-a', 'job stalled more than allowable limit')).toBe(false);
    expect(c.take('job-b', delivered('job-a', 'bob', 10, 'w1:1'))).toBe(false);
    expect(c.take('job-x', delivered('job-x', 'mallory', 10, 'w1:1'))).toBe(false);
    expect(told).toEqual(['alice 10']);
    expect(progress).toEqual([1]);
    expect(c.finished()).toBe(false);
    expect(readFileSync(join(out, 'alice', 'results.json'), 'utf8')).toBe('w1:1 10');
    expect(readFileSync(join(out, 'alice', 'build', 'ref-server.wasm'), 'utf8')).toBe('wasm');
    expect(csvRows(out)).toEqual(['alice,10,10,true,10']);
    expect(existsSync(join(out, 'mallory'))).toBe(false);

    expect(c.take('job-b', delivered('job-b', 'bob', 0, 'w2:2'))).toBe(true);
    expect(c.take('job-b', delivered('job-b', 'bob', 10, 'w1:1'))).toBe(false);
    expect(told).toEqual(['alice 10', 'bob 0']);
    expect(progress).toEqual([1, 2]);
    expect(c.finished()).toBe(true);
    expect(c.all().map((r) => `${r.submission} ${r.score}`)).toEqual(['alice 10', 'bob 0']);
    expect(csvRows(out)).toEqual(['alice,10,10,true,10', 'bob,0,10,true,0']);

    // A rerun: the ledger's results are kept once, and a late delivery of the same job is not counted again.
    const again = new Collector({ outDir: out, jobs: [{ id: 'job-a', name: 'alice' }], testNames: ['t'], reference: {}, onResult: (r) => told.push(`kept ${r.submission}`) });
    const ledger = JSON.parse(readFileSync(again.ledger('alice'), 'utf8')) as { jobId: string; result: SubmissionResult };
    expect(again.keep(ledger)).toBe(true);
    expect(again.keep(ledger)).toBe(false);
    expect(again.take('job-a', delivered('job-a', 'alice', 0, 'w2:2'))).toBe(false);
    expect(told.slice(2)).toEqual(['kept alice']);
    expect(again.finished()).toBe(true);
  });
});

describe("a job's files", () => {
  it('travel as text when UTF-8 and in base64 otherwise, read through the bounded copy and written back byte for byte', () => {
    const src = tmp();
    writeFileSync(join(src, 'a.c'), 'int main(void) { return 0; } /* é */\n');
    const binary = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0xff, 0xfe, 0x80]);
    mkdirSync(join(src, 'build'));
    writeFileSync(join(src, 'build', 'm.wasm'), binary);
    symlinkSync('/etc/passwd', join(src, 'link'));
    const { files, refused } = readBounded(src);
    expect(files).toEqual({ 'a.c': 'int main(void) { return 0; } /* é */\n', 'build/m.wasm': { base64: binary.toString('base64') } });
    expect([...refused.keys()]).toEqual(['link']);
    const back = join(tmp(), 'back');
    writeTree(back, files);
    expect(readFileSync(join(back, 'a.c'), 'utf8')).toBe('int main(void) { return 0; } /* é */\n');
    expect(readFileSync(join(back, 'build', 'm.wasm')).equals(binary)).toBe(true);
    // The same characters as text and as base64 are two different files.
    expect(hashFiles({ x: 'AAEC' })).not.toBe(hashFiles({ x: { base64: 'AAEC' } }));
    expect(() => writeTree(back, { '../out': 'x' })).toThrow(/leaves its directory/);
  });
});

describe('grading through a queue', () => {
  it('two workers and one submitter write what local batch mode writes', async () => {
    const r = await redis();
    // This test runs local batch mode beside the two workers on the same cores: a lock short enough for the
    // stalled-job test below would expire often while a starved worker still grades (the job's second
    // delivery then waits for that worker: see the stopped-worker test below); 30 s keeps such hand-offs rare.
    const [w1, w2] = [worker(r.url, '--lock-ms', '30000'), worker(r.url, '--lock-ms', '30000')];
    await Promise.all([w1.waitFor(/waiting for jobs/), w2.waitFor(/waiting for jobs/)]);
    const [qOut, lOut] = [tmp(), tmp()];
    const s = submit(r.url, qOut, ALL);
    const l = local(lOut, ALL, '--jobs', '1');
    expect(await s.exited).toBe(0);
    expect(await l.exited).toBe(0);
    expect(s.lines).toContain(`${ALL.length} jobs queued on ${r.url}`);
    // Not a terminal: one plain line per submission.
    for (const n of ALL) expect(s.count(new RegExp(`^  ${n} +\\d+/75`))).toBe(1);
    // never_exits loops until its CPU (fuel) limit or the wall-clock limit stops it, whichever comes
    // first: on a loaded machine that differs run to run, local or not. Its verdicts must agree.
    const flaky = (m: Map<string, string>): Map<string, string> => new Map([...m].filter(([k]) => !k.startsWith('never_exits/')));
    expect(flaky(tree(qOut))).toEqual(flaky(tree(lOut)));
    const verdicts = (out: string): string[] => (JSON.parse(readFileSync(join(out, 'never_exits', 'results.json'), 'utf8')) as { tests: { status: string; score: number }[] }).tests.map((t) => `${t.status} ${t.score}`);
    expect(verdicts(qOut)).toEqual(verdicts(lOut));
    // Both workers took part, each submission graded once (by name: a job whose lock expired under a starved
    // worker is re-delivered, and its second delivery takes the first's result) and counted once (above).
    const graded = [...w1.lines, ...w2.lines].flatMap((x) => /^socklab worker: graded (\S+) /.exec(x)?.[1] ?? []);
    expect(graded.sort()).toEqual(ALL);
    expect(w1.count(/graded /)).toBeGreaterThan(0);
    expect(w2.count(/graded /)).toBeGreaterThan(0);
  }, 900_000);

  it('a worker killed mid-job loses nothing: the job is handed on and graded once', async () => {
    const r = await redis();
    const subs = ['correct', 'short_write', 'leaked_fds'];
    const victim = worker(r.url);
    await victim.waitFor(/waiting for jobs/);
    const out = tmp();
    const s = submit(r.url, out, subs, '--only', 'tcp');
    const line = await victim.waitFor(/^socklab worker: grading (\S+)/);
    const killed = /grading (\S+)/.exec(line)![1]!;
    await victim.stop('SIGKILL');
    const rescuer = worker(r.url);
    expect(await s.exited).toBe(0);
    expect(rescuer.count(new RegExp(`grading ${killed} `))).toBe(1);
    expect(rescuer.count(/^socklab worker: graded /)).toBe(subs.length);
    const rows = csvRows(out);
    expect(rows.map((x) => x.split(',')[0]).sort()).toEqual([...subs].sort());
    expect(rows.every((x) => x.split(',')[3] === 'true')).toBe(true);
    expect(rows.find((x) => x.startsWith('correct,'))).toMatch(/^correct,(\d+),\1,true/);
    for (const n of subs) expect(s.count(new RegExp(`^  ${n} `))).toBe(1);
  }, 900_000);

  it('a worker starved past its lock: the job is handed on, and its second delivery waits instead of grading again', async () => {
    const r = await redis();
    const first = worker(r.url);
    await first.waitFor(/waiting for jobs/);
    const out = tmp();
    const s = submit(r.url, out, ['correct'], '--only', 'tcp');
    await first.waitFor(/^socklab worker: grading correct /);
    // Stopped, not killed: its connection to Redis stays open, as a worker starved of CPU keeps it, but it
    // renews no lock, so the job is handed on when its lock expires.
    first.child.kill('SIGSTOP');
    const second = worker(r.url);
    await second.waitFor(/^socklab worker: waiting for \S+ to finish correct /);
    first.child.kill('SIGCONT');
    expect(await s.exited).toBe(0);
    await second.waitFor(/^socklab worker: already graded correct /);
    expect(first.count(/^socklab worker: graded correct /)).toBe(1);
    expect(second.count(/^socklab worker: grading /)).toBe(0);
    expect(second.count(/^socklab worker: graded /)).toBe(0);
    expect(s.count(/^ {2}correct /)).toBe(1);
    expect(csvRows(out)).toEqual([expect.stringMatching(/^correct,(\d+),\1,true/)]);
  }, 900_000);

  it("a worker whose connection drops mid-job keeps its job: a second delivery waits for it, and the job is graded once", async () => {
    const r = await redis();
    const admin = new Redis({ host: '127.0.0.1', port: r.port, lazyConnect: true });
    await admin.connect();
    try {
      const first = worker(r.url);
      await first.waitFor(/waiting for jobs/);
      const out = tmp();
      const s = submit(r.url, out, ['correct'], '--only', 'tcp');
      await first.waitFor(/^socklab worker: grading correct .*grading 1\)$/);
      // Stopped so that it is still mid-job, then cut off: every connection named after it is closed by Redis.
      first.child.kill('SIGSTOP');
      const ids = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'normal')).split('\n').flatMap((l) => (new RegExp(` name=socklab-worker:\\S+:${first.child.pid}:`).test(l) ? [/^id=(\d+)/.exec(l)![1]!] : []));
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(await admin.call('CLIENT', 'KILL', 'ID', id)).toBe(1);
      // Its lock expires (it renews nothing while stopped); the job is handed to a second worker, which
      // finds the first one's claim, its holder not connected: it gives it time to come back.
      const second = worker(r.url);
      await second.waitFor(/^socklab worker: (waiting for \S+, not connected to Redis, to come back and finish correct|grading correct)/);
      first.child.kill('SIGCONT');
      await first.waitFor(/^socklab worker: Redis at .* reachable again$/);
      expect(await s.exited).toBe(0);
      expect(second.count(/^socklab worker: grading /)).toBe(0);
      await second.waitFor(/^socklab worker: already graded correct /);
      expect(first.count(/^socklab worker: graded correct /)).toBe(1);
      expect(second.count(/^socklab worker: waiting for \S+ to finish correct /)).toBe(1);
      // The count Redis keeps of gradings started, by any worker: one.
      const counted = await admin.keys('socklab:gradings:*');
      expect(counted).toHaveLength(1);
      expect(await admin.get(counted[0]!)).toBe('1');
      expect(s.count(/^ {2}correct /)).toBe(1);
      expect(csvRows(out)).toEqual([expect.stringMatching(/^correct,(\d+),\1,true/)]);
    } finally {
      admin.disconnect();
    }
  }, 900_000);

  it('a worker started after the submitter picks up the waiting jobs; another version is refused', async () => {
    const r = await redis();
    const out = tmp();
    const s = submit(r.url, out, ['correct', 'no_compile'], '--only', 'echoes one client');
    await s.waitFor(/2 jobs queued/);
    const w = worker(r.url);
    expect(await s.exited).toBe(0);
    expect(csvRows(out)).toEqual([expect.stringMatching(/^correct,10,10,true,10,/), expect.stringMatching(/^no_compile,0,10,true,0,/)]);
    expect(w.count(/^socklab worker: graded /)).toBe(2);

    // A job made by another socklab version: refused with a message saying why.
    const connection = { host: '127.0.0.1', port: r.port };
    const q = new Queue('socklab-grade', { connection });
    const ev = new QueueEvents('socklab-grade', { connection, lastEventId: '0' });
    await ev.waitUntilReady();
    const failed = new Promise<string>((done) => ev.on('failed', ({ failedReason }) => done(failedReason)));
    await q.add('grade', { socklab: '0.0.0-other', specHash: '0'.repeat(64), name: 'x', submissionHash: '', files: {}, formats: ['gradescope'], reveal: [] });
    expect(await failed).toMatch(/runs socklab \d+\.\d+\.\d+ but the job was made by socklab 0\.0\.0-other/);
    await w.waitFor(/refused x .*0\.0\.0-other/);
    await Promise.all([q.close(), ev.close()]);
  }, 900_000);

  it('files left out of a submission are named in its feedback exactly as in local mode', async () => {
    const r = await redis();
    const w = worker(r.url);
    await w.waitFor(/waiting for jobs/);
    // One submission with an extra symlink (graded, with the note), one whose source is a symlink (a compile error).
    const subsDir = tmp();
    const extra = join(subsDir, 'extra_link');
    cpSync(sub('correct'), extra, { recursive: true });
    symlinkSync('/etc/passwd', join(extra, 'notes.txt'));
    const linked = join(subsDir, 'linked_source');
    cpSync(sub('correct'), linked, { recursive: true });
    rmSync(join(linked, 'udp_client.c'));
    symlinkSync(join(sub('correct'), 'udp_client.c'), join(linked, 'udp_client.c'));
    const [qOut, lOut] = [tmp(), tmp()];
    const only = ['--only', 'echoes one client'];
    const s = socklab(['grade', SPEC, '--submissions', extra, linked, '--queue', r.url, '--out', qOut, ...only]);
    const l = socklab(['grade', SPEC, '--submissions', extra, linked, '--out', lOut, ...only]);
    expect(await s.exited).toBe(0);
    expect(await l.exited).toBe(0);
    expect(tree(qOut)).toEqual(tree(lOut));
    const output = (out: string, n: string): { output: string; score: number } => JSON.parse(readFileSync(join(out, n, 'results.json'), 'utf8')) as { output: string; score: number };
    expect(output(qOut, 'extra_link').output).toMatch(/Some files of the submission were not used .*\n {2}notes\.txt: not a regular file \(a symbolic link\)/);
    expect(output(qOut, 'extra_link').score).toBe(10);
    expect(output(qOut, 'linked_source').output).toMatch(/udp_client\.c: not a regular file \(a symbolic link\)/);
    expect(output(qOut, 'linked_source').score).toBe(0);
    expect(JSON.stringify(tree(qOut))).not.toMatch(/root:/);
  }, 900_000);

  it('Redis unreachable: one line, exit status 2', async () => {
    const port = await freePort();
    const s = submit(`redis://127.0.0.1:${port}`, tmp(), ['correct']);
    const w = socklab(['worker', '--queue', `redis://127.0.0.1:${port}`]);
    expect(await s.exited).toBe(2);
    expect(await w.exited).toBe(2);
    expect(s.lines.filter((l) => l.startsWith('socklab grade:'))).toEqual([`socklab grade: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);
    expect(w.lines).toEqual([`socklab worker: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);
  }, 120_000);

  it('Redis stopped mid-run: a clear error, and a rerun grades only the rest', async () => {
    const r = await redis();
    const subs = ['correct', 'no_compile', 'short_write'];
    const w = worker(r.url);
    await w.waitFor(/waiting for jobs/);
    const out = tmp();
    const s = submit(r.url, out, subs, '--only', 'tcp');
    const first = (await s.waitFor(/^ {2}\S+ +\d+\/\d+/)).trim().split(/\s+/)[0]!;
    await r.proc.stop('SIGTERM');
    expect(await s.exited).toBe(2);
    const err = s.lines.filter((l) => l.startsWith('socklab grade:'));
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^socklab grade: lost the connection to Redis at ${r.url}.*: \\d of 3 submissions graded, their results are in ${out}; run the same command again to grade the rest$`));

    // Redis again (empty: nothing was saved); the worker reconnects by itself.
    await redis(r.port);
    const again = submit(r.url, out, subs, '--only', 'tcp');
    expect(await again.exited).toBe(0);
    expect(again.lines.join('\n')).toMatch(/jobs queued on .*, [1-3] graded before \(kept\)/);
    expect(w.count(new RegExp(`^socklab worker: grading ${first} `))).toBe(1);
    expect(csvRows(out).map((x) => x.split(',')[0])).toEqual(subs);
    for (const n of subs) expect(again.count(new RegExp(`^  ${n} `))).toBe(1);
  }, 900_000);
});
