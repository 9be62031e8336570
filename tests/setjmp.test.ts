// setjmp and longjmp (host/kernel/jmp.ts): diff_setjmp's output is compared with gcc's build by
// differential.test.ts and its trace with strace's by strace-diff.test.ts; here, what no native run shows
// the same way: no trace line of their own, and broken jumps ending the process as a bad pointer would.
import { describe, expect, it } from 'vitest';
import { runGuest } from './helpers.js';

describe('setjmp and longjmp', () => {
  it('are no system calls: the trace shows only the calls around them, and the same run gives the same trace', async () => {
    const opts = { trace: { strSize: 64, time: 'none' as const, library: false } };
    const a = await runGuest('diff_setjmp', [], opts);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toContain('loops 100000, sum 12502500\n');
    expect(a.trace).not.toMatch(/\b(?:_?set|sigset|_?long|siglong)jmp\(/);
    // The jump out of the SIGALRM handler: the read it interrupted (wasi-libc's read is a readv), the signal, siglongjmp's mask.
    expect(a.trace).toMatch(/readv?\(3<pipe:\[\d+\]>, .*= \? ERESTARTSYS.*\n.*--- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---\n.*rt_sigprocmask\(SIG_SETMASK, \[\], NULL, 8\) = 0 /);
    // Only the one handler that returns (SIGUSR2's) makes an rt_sigreturn: the three that jump do not.
    expect(a.trace!.match(/rt_sigreturn\(/g)).toHaveLength(1);
    const b = await runGuest('diff_setjmp', [], opts);
    expect(b.trace).toBe(a.trace);
  });

  it('longjmp with a jmp_buf setjmp never filled ends the process with SIGSEGV', async () => {
    const o = await runGuest('setjmp_bad', ['garbage']);
    expect(o.stdout).toBe('jumping\n');
    expect(o.status).toBe(128 + 11);
    expect(o.processes[0]?.exit.reason).toContain('longjmp with a jmp_buf that setjmp did not fill');
  });

  it('longjmp into a signal handler that has returned ends the process with SIGSEGV', async () => {
    const o = await runGuest('setjmp_bad', ['returned']);
    expect(o.stdout).toBe('jumping\n');
    expect(o.status).toBe(128 + 11);
    expect(o.processes[0]?.exit.reason).toContain('longjmp into a signal handler that has returned');
  });

  it('keeps the newest 1024 saved stacks: a jump to a live one works, one to an older one is refused', async () => {
    const last = await runGuest('setjmp_bad', ['evicted', 'last']);
    expect(last.stdout).toBe('jumping\njumped\n');
    expect(last.status).toBe(0);
    const first = await runGuest('setjmp_bad', ['evicted', 'first']);
    expect(first.stdout).toBe('jumping\n');
    expect(first.status).toBe(128 + 11);
    expect(first.processes[0]?.exit.reason).toContain('(or one of more than 1024 since overwritten)');
  });

  it("raise() is glibc's getpid + tgkill: the handler sees SI_TKILL", async () => {
    const o = await runGuest('setjmp_bad', ['raise'], { trace: { classes: ['getpid', 'tgkill'], strSize: 64, time: 'none', library: false } });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe('si_code -6\n');
    expect(o.trace).toMatch(/getpid\(\) += 1.*\n.*tgkill\(1, 1, SIGUSR2\) += 0.*\n.*--- SIGUSR2 \{si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=1, si_uid=0\} ---/);
  });
});
