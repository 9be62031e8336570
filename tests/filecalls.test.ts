// times(2) and <sys/sysmacros.h> (tests/c/diff_times.c): the program's output
// under socklab is the native gcc build's; times' EFAULT; tests/strace-diff.test.ts
// compares the trace lines.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const work = tempDir('socklab-filecalls-');

describe('times and sysmacros', () => {
  it('print what the native build prints', async () => {
    needs('gcc');
    const exe = join(work, 'diff_times');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'diff_times.c')]);
    const t = nativeTmp(work);
    const native = execFileSync(exe, { cwd: t.cwd, env: t.env, encoding: 'utf8', timeout: 20_000 });
    expect(native).toMatch(/^CLK_TCK 100\ntms 0 0 0 0\nboot offset visible: yes\n/);
    expect(native).toMatch(/\/dev\/null 1:3\n/);
    const o = await runGuest('diff_times');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(native);
  });

  it('times: ticks from Linux 64-bit INITIAL_JIFFIES at HZ 250, moving with the virtual clock; EFAULT on a bad buffer', async () => {
    const o = await runGuest('diff_times', [], { trace: { classes: ['times'], strSize: 32, time: 'none', library: false } });
    const lines = (o.trace ?? '').split('\n').filter((l) => l.includes('times('));
    // (2^32 - 300 * 250) jiffies * 100 / 250 at the run's start; 30 ticks later after the 0.3 s sleep.
    expect(lines[0]).toMatch(/times\(\{tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0\}\) += 1717956918 </);
    expect(lines[2]).toMatch(/times\(NULL\) += 1717956948 </);
    const bad = await runGuest('diff_times', ['fault'], { trace: { classes: ['times'], strSize: 32, time: 'none', library: false } });
    expect(bad.stdout).toBe('bad buffer: -1 Bad address\n');
    expect(bad.trace).toMatch(/times\(0xfffffff0\) += -1 EFAULT \(Bad address\)/);
  });

  it("times: tms_utime is the process's fuel under --fuel", async () => {
    const o = await runGuest('diff_times', ['spin'], { fuel: 1e12 });
    expect(o.stdout).toBe('utime>0 yes stime 0\n');
    const plain = await runGuest('diff_times', ['spin']);
    expect(plain.stdout).toBe('utime>0 no stime 0\n');
  });
});
