// sigwait, sigwaitinfo and sigtimedwait (docs/abi.md, host/kernel/sigcalls.ts
// rtSigtimedwait): diff_sigwait prints what each call got; the gcc build's
// output on this machine is the reference (its trace is compared in
// strace-diff.test.ts).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

const bin = tempDir('socklab-sigwait-');

describe('sigwait against Linux', () => {
  it('diff_sigwait prints what the gcc build prints', async () => {
    needs('gcc');
    const exe = join(bin, 'diff_sigwait');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'diff_sigwait.c')]);
    const r = spawnSync(exe, [], { cwd: bin, encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const o = await runGuest('diff_sigwait');
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(r.stdout);
    expect(o.stdout).toContain('sigwait: 0 sig=1\n');
    expect(o.stdout).toContain('sigtimedwait interrupted: -1 Interrupted system call\nalarms=1 usr1_handled=0\n');
  });

  it('takes a signal that comes during the wait, with its sender in the siginfo, on the virtual clock', async () => {
    const o = await runGuest('diff_sigwait', [], { trace: { classes: ['rt_sigtimedwait', 'kill'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    const ls = (o.trace ?? '').split('\n').map((l) => l.replace(/ <\d+\.\d+>$/, '').replace(/ +=/, ' ='));
    expect(ls).toContain('[pid 1] rt_sigtimedwait([HUP USR1 TERM],  <unfinished ...>');
    expect(ls).toContain('[pid 1] <... rt_sigtimedwait resumed>{si_signo=SIGHUP, si_code=SI_USER, si_pid=2, si_uid=0}, NULL, 8) = 1 (SIGHUP)');
    expect(ls).toContain('[pid 1] rt_sigtimedwait([HUP USR1 TERM], NULL, {tv_sec=0, tv_nsec=200000000}, 8) = -1 EAGAIN (Resource temporarily unavailable)');
    // A sigsetsize other than 8: EINVAL, the set shown as an address (strace decodes it only at the kernel's size).
    expect(ls.some((l) => /^\[pid 1\] rt_sigtimedwait\(0x[0-9a-f]+, NULL, \{tv_sec=0, tv_nsec=0\}, 4\) = -1 EINVAL \(Invalid argument\)$/.test(l))).toBe(true);
  });
});
