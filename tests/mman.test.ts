// mmap and MAP_SHARED across fork (host/kernel/mman.ts, guest/c/src/mman.c): a counter in shared memory that
// a parent and its forked children add to in turn (MAP_SHARED|MAP_ANONYMOUS, /dev/zero, a file) ends as the
// native gcc build's does; MAP_PRIVATE memory stays each process's own; the trace of a run is the same for the
// same seed; diff_mmap (file mappings, copy-on-write, errnos) prints what the native build prints
// (tests/strace-diff.test.ts compares its strace lines).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { guest, nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-mman-');

/** The native build's output of tests/c/NAME.c run with args in its own directory. */
function native(name: string, args: string[]): string {
  needs('gcc');
  const run = nativeTmp(work);
  const exe = join(run.cwd, name);
  execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
  return execFileSync(exe, args, { cwd: run.cwd, env: run.env, encoding: 'utf8' });
}

/** What mman_counter prints: three children add 1000 each before the parent doubles, then five turns of +1/+10. */
const COUNTER = [
  'after child 0: 2002 (own 0)',
  'after child 1: 6004 (own 0)',
  'after child 2: 14008 (own 0)',
  'turn 0: 14019',
  'turn 1: 14030',
  'turn 2: 14041',
  'turn 3: 14052',
  'turn 4: 14063',
];

describe('mmap', () => {
  it.each([['anon'], ['zero'], ['file']])('a MAP_SHARED counter (%s) is shared by a parent and its forked children', async (mode) => {
    const o = await runGuest('mman_counter', [mode]);
    expect(o.status).toBe(0);
    const want = [...COUNTER, ...(mode === 'file' ? ['file holds: 14063'] : []), 'final: 14063', ''].join('\n');
    expect(o.stdout).toBe(want);
    expect(native('mman_counter', [mode])).toBe(want);
  });

  it('traces mmap as strace does and gives the same trace for the same seed', async () => {
    const opts = { seed: 7, trace: { classes: ['mmap', 'munmap', 'clone', 'wait4'], strSize: 64, time: 'none' as const, library: false } };
    const a = await runGuest('mman_counter', ['anon'], opts);
    const b = await runGuest('mman_counter', ['anon'], opts);
    expect(a.trace).toBe(b.trace);
    const t = (a.trace ?? '').replace(/ <[\d.]+>$/gm, '');
    expect(t).toMatch(/^\[pid 1\] mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_SHARED\|MAP_ANONYMOUS, -1, 0\) += 0x[0-9a-f]+000$/m);
    expect(t).toMatch(/^\[pid 1\] mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) += 0x[0-9a-f]+000$/m);
    expect(t).toMatch(/^\[pid 1\] munmap\(0x[0-9a-f]+000, 4096\) += 0$/m);
    const z = await runGuest('mman_counter', ['zero'], opts);
    expect(z.trace).toMatch(/mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_SHARED, 3<\/dev\/zero<char 1:5>>, 0\) += 0x/);
  });

  it("APUE 14.8's copy through mappings, and a child's store that its exit writes back to the file", async () => {
    const want = 'copied 100000 bytes, equal: 1\nafter the child: child was here / mapping: child was here\n';
    const o = await runGuest('mman_copy');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(want);
    expect(native('mman_copy', [])).toBe(want);
  });

  it("a child's store to a shared region outlives its exec, which drops the child's mappings", async () => {
    const want = "exec'd image runs\nchild status 0, counter 5\nparent store: 9\n";
    const progs = mkdtempSync(join(work, 'progs-'));
    copyFileSync(guest('mman_exec'), join(progs, 'mman_exec'));
    const o = await runGuest('mman_exec', ['/progs/mman_exec'], { mounts: [{ host: progs, guest: '/progs', readonly: true }] });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(want);
    needs('gcc');
    const run = nativeTmp(work);
    const exe = join(run.cwd, 'mman_exec');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'mman_exec.c')]);
    expect(execFileSync(exe, [exe], { encoding: 'utf8' })).toBe(want);
  });

  it('a partly unmapped shared region stays shared in the pages each process still maps', async () => {
    const o = await runGuest('mman_partial');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe('a B\na C\n');
    expect(native('mman_partial', [])).toBe(o.stdout);
  });

  it('diff_mmap prints what the native build prints', async () => {
    const n = native('diff_mmap', []);
    const o = await runGuest('diff_mmap');
    expect(o.status).toBe(0);
    expect(n).toContain('read after a shared store: SHAREDuv\n');
    expect(n).toContain('file after a private store: abcdefghij\n');
    expect(n).toContain('mapping after pwrite: SHAREDuvwritten\n');
    expect(o.stdout).toBe(n);
  });
});
