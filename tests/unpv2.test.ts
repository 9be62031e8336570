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

async function same(name: string, opts: { sort?: boolean; contains?: string } = {}): Promise<void> {
  const want = native(name);
  const o = await runGuest(name);
  expect(want.status, want.stderr).toBe(0);
  if (opts.contains) expect(want.stdout).toContain(opts.contains);
  expect(o.status, o.stderr).toBe(want.status);
  expect(lines(o.stdout, !!opts.sort)).toEqual(lines(want.stdout, !!opts.sort));
  expect(o.stderr).toBe(want.stderr);
}

describe('UNP vol. 2 against their gcc builds', () => {
  // Only the client (the parent) prints: its output is in order on both.
  it('ch. 4.3 mainpipe: a file server over two pipes', () => same('unp2_mainpipe', { contains: "no_such_file: can't open, No such file or directory\n" }));
  it('ch. 4.6 mainfifo: the same over two FIFOs', () => same('unp2_mainfifo', { contains: '-- mkfifo again: -1 File exists\n' }));
});
