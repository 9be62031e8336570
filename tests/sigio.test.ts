// Signal-driven I/O in the trace (issue #16): fcntl's owner and signal
// commands, O_ASYNC as strace's FASYNC, the ioctl forms, and the SIGURG /
// SIGIO deliveries with the siginfo strace prints (SI_KERNEL for plain
// SIGIO and SIGURG; POLL_* with si_band and si_fd after F_SETSIG). The
// program's output is compared with a native run by differential.test.ts.
import { describe, expect, it } from 'vitest';
import { runGuest } from './helpers.js';

const clean = (trace: string): string[] => trace.split('\n').map((l) => l.replace(/^\[pid \d+\] \d+\.\d+ /, '').replace(/ <\d+\.\d+>$/, '').replace(/ {2,}= /, ' = ').replace(/<[^>]*>/g, ''));

describe('signal-driven I/O', () => {
  it('traces fcntl F_SETOWN/F_SETSIG/O_ASYNC, the ioctls and SIGURG/SIGIO as strace does, the same on every run', async () => {
    const a = await runGuest('diff_sig_async', [], { trace: {} });
    const b = await runGuest('diff_sig_async', [], { trace: {} });
    expect(a.status).toBe(0);
    expect(b.trace).toBe(a.trace);
    const lines = clean(a.trace!);
    for (const l of [
      'fcntl(3, F_GETOWN_EX, {type=F_OWNER_TID, pid=0}) = 0',
      'fcntl(3, F_SETOWN, 1) = 0',
      'fcntl(3, F_SETOWN, -2) = 0',
      'fcntl(3, F_GETOWN_EX, {type=F_OWNER_PGRP, pid=0}) = 0',
      'fcntl(3, F_SETOWN, 2) = -1 ESRCH (No such process)',
      'fcntl(99, F_SETOWN, 1) = -1 EBADF (Bad file descriptor)',
      'fcntl(3, F_SETOWN_EX, {type=0x7 /* F_OWNER_??? */, pid=1}) = -1 EINVAL (Invalid argument)',
      'fcntl(3, F_SETSIG, 65) = -1 EINVAL (Invalid argument)',
      'fcntl(3, F_SETSIG, SIGUSR1) = 0',
      'fcntl(3, F_GETSIG) = 10 (SIGUSR1)',
      'ioctl(3, FIOSETOWN, [1]) = 0',
      'ioctl(3, SIOCGPGRP, [1]) = 0',
      'fcntl(3, F_SETFL, O_RDWR|FASYNC) = 0',
      'fcntl(3, F_GETFL) = 0x2002 (flags O_RDWR|FASYNC)',
      'ioctl(3, FIOASYNC, [0]) = 0',
      'ioctl(4, FIOGETOWN, 0x' ,
      '--- SIGIO {si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3} ---',
      '--- SIGURG {si_signo=SIGURG, si_code=SI_KERNEL} ---',
      '--- SIGIO {si_signo=SIGIO, si_code=SI_KERNEL} ---',
      '--- SIGUSR1 {si_signo=SIGUSR1, si_code=0x1, si_pid=65, si_uid=0, si_int=4, si_ptr=0x4} ---',
    ]) expect(lines.some((x) => x.startsWith(l)), l).toBe(true);
    const j = await runGuest('diff_sig_async', [], { trace: { format: 'jsonl' } });
    expect(j.trace).toContain('"signal":{"signo":"SIGUSR1","code":"POLL_IN","band":65,"fd":4}');
    expect(j.trace).toContain('"signal":{"signo":"SIGURG","code":"SI_KERNEL"}');
  }, 120_000);
});
