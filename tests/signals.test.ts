// Signals in the trace (issue #13, items 8 and 9): deliveries from the
// siginfo the kernel passes, rt_sigreturn after a handler, interrupted calls
// as strace shows them, the signal calls' arguments decoded; and with
// handlers, forks and timers the same run gives the same trace, byte for byte.
import { describe, expect, it } from 'vitest';
import { runGuest } from './helpers.js';

/** Lines without pid prefix, timestamps, durations and the padding before " = " (strace's column 40). */
const clean = (trace: string): string[] => trace.split('\n').map((l) => l.replace(/^\[pid \d+\] \d+\.\d+ /, '').replace(/ <\d+\.\d+>$/, '').replace(/ {2,}= /, ' = '));

describe('signals in the trace', () => {
  it('a forking server reaping on SIGCHLD: the same trace on every run, text and JSONL', async () => {
    const a = await runGuest('diff_sig_echo', [], { trace: {} });
    const b = await runGuest('diff_sig_echo', [], { trace: {} });
    expect(a.status).toBe(0);
    expect(b.trace).toBe(a.trace);
    const lines = clean(a.trace!);
    expect(lines).toContain('rt_sigaction(SIGCHLD, {sa_handler=0x1, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x4}, NULL, 8) = 0');
    expect(lines.some((l) => /^<\.\.\. accept resumed>0x[0-9a-f]+, \[16\]\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)$/.test(l))).toBe(true);
    expect(lines).toContain('--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---');
    // accept restarted: rt_sigreturn hands back its x86-64 number, as strace shows.
    expect(lines).toContain('rt_sigreturn({mask=[]}) = 43');
    expect(lines).toContain('rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0');
    expect(lines.some((l) => l.startsWith('rt_sigsuspend([], 8') || l.startsWith('<... rt_sigsuspend resumed>) = ? ERESTARTNOHAND'))).toBe(true);
    expect(lines).toContain('rt_sigreturn({mask=[CHLD]}) = -1 EINTR (Interrupted system call)');
    const j1 = await runGuest('diff_sig_echo', [], { trace: { format: 'jsonl' } });
    const j2 = await runGuest('diff_sig_echo', [], { trace: { format: 'jsonl' } });
    expect(j2.trace).toBe(j1.trace);
    expect(j1.trace).toContain('"signal":{"signo":"SIGCHLD","code":"CLD_EXITED","pid":2,"status":0}');
  }, 120_000);

  it('kill, raise, sigprocmask, alarm and a child killed by SIGTERM, as strace prints them', async () => {
    const o = await runGuest('diff_sig_basic', [], { trace: {} });
    expect(o.status).toBe(0);
    const lines = clean(o.trace!);
    expect(lines).toContain('kill(1, SIGUSR1) = 0');
    expect(lines).toContain('--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=1, si_uid=0} ---');
    // The handler's own write does not change what kill returned.
    expect(lines).toContain('rt_sigreturn({mask=[]}) = 0');
    expect(lines).toContain('rt_sigprocmask(SIG_BLOCK, [USR1], [], 8) = 0');
    expect(lines).toContain('rt_sigpending([USR1], 8) = 0');
    expect(lines).toContain('alarm(1) = 5');
    expect(lines).toContain('--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---');
    expect(lines).toContain('pause() = ? ERESTARTNOHAND (To be restarted if no handler)');
    expect(lines).toContain('rt_sigaction(SIGUSR2, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER|SA_RESETHAND, sa_restorer=0x6}, 8) = 0');
    expect(lines).toContain('kill(3, SIGTERM) = 0');
    expect(lines).toContain('--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---');
    expect(lines).toContain('+++ killed by SIGTERM +++');
    expect(lines).toContain('kill(1, 1000) = -1 EINVAL (Invalid argument)');
  }, 120_000);

  it('setitimer and an interrupted sleep', async () => {
    const o = await runGuest('diff_sig_sleep', [], { trace: {} });
    const lines = clean(o.trace!);
    expect(lines).toContain('setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=300000}}, NULL) = 0');
    expect(lines).toContain('clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=0}, {tv_sec=1, tv_nsec=700001000}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)');
    expect(lines).toContain('rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)');
  }, 120_000);
});
