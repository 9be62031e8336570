// UNP vol. 2 (Stevens, IPC) programs, typed from the book's logic as self-contained tests/c/unp2_*.c: each built
// with gcc and run natively (in a temp dir of its own: tmp_dir() for FIFO paths, ftok(".") keys, /dev/shm names
// with the pid), then built with socklab and run; stdout, stderr and the exit status must match. socklab has no
// threads, so the ch. 10/11 producer-consumer programs fork a producer and a consumer instead.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-unpv2-');

function native(name: string): { stdout: string; stderr: string; status: number | null } {
  needs('gcc');
  const r = nativeTmp(work);
  const exe = join(r.cwd, name);
  execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  const p = spawnSync(exe, [], { cwd: r.cwd, env: r.env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  expect(p.error).toBeUndefined();
  return { stdout: r.asTmp(p.stdout), stderr: r.asTmp(p.stderr), status: p.status };
}

/** Lines in order, or sorted where two processes print in the machine's order (a multiset then). */
const lines = (s: string, sort: boolean): string[] => (sort ? s.split('\n').filter(Boolean).sort() : [s]);

/** The native run against socklab runs under each seed (the seed orders the processes' slices). */
async function same(name: string, opts: { sort?: boolean; contains?: string; seeds?: number[] } = {}): Promise<void> {
  const want = native(name);
  expect(want.status, want.stderr).toBe(0);
  if (opts.contains) expect(want.stdout).toContain(opts.contains);
  for (const seed of opts.seeds ?? [1]) {
    const o = await runGuest(name, [], { seed });
    expect(o.status, o.stderr).toBe(want.status);
    expect(lines(o.stdout, !!opts.sort)).toEqual(lines(want.stdout, !!opts.sort));
    expect(o.stderr).toBe(want.stderr);
  }
}

describe('UNP vol. 2 against their gcc builds', () => {
  // Only the client (the parent) prints: its output is in order on both.
  it('ch. 4.3 mainpipe: a file server over two pipes', () => same('unp2_mainpipe', { contains: "no_such_file: can't open, No such file or directory\n" }));
  it('ch. 4.6 mainfifo: the same over two FIFOs', () => same('unp2_mainfifo', { contains: '-- mkfifo again: -1 File exists\n' }));
  it('ch. 6.8 svmsg: one System V queue, multiplexed by message type', () =>
    same('unp2_svmsg', { contains: '-- missing.txt: 1 messages, then 0\n' }));
  // In these only the parent prints, after waiting for the child: in order on both.
  it('ch. 10 prodcons: three POSIX semaphores (sem_init in shared memory, then sem_open), producer forked', () =>
    same('unp2_prodcons', { contains: 'sem_open: 200 items, 0 bad, producer exit 0, mutex 1 nempty 10 nstored 0\n', seeds: [1, 7, 42] }));
  it('ch. 11 prodcons: one System V set of three semaphores, producer forked', () =>
    same('unp2_prodcons_sysv', { contains: '200 items, 0 bad, producer exit 0, mutex 1 nempty 10 nstored 0\n', seeds: [1, 7, 42] }));
  it('ch. 12 incr1/incr2/incr3/dev_zero/map_anon: a counter shared (or not) by parent and child', () =>
    same('unp2_incr', { contains: 'incr_map_anon: parent 500, child exit 0, count 1000\n', seeds: [1, 7, 42] }));
  // The child prints once, while the parent waits for it: in order on both.
  it('ch. 14 svshm: a shmget pattern read by a child, a counter in the segment under two semaphores', () =>
    same('unp2_svshm', { contains: 'child: 0 bad bytes, nattch 3\n', seeds: [1, 7, 42] }));
});
