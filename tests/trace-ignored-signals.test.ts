// Signals a process ignores show in the trace as strace shows them (checked
// against `strace -f -yy` of tests/c/trace_ignored_signals.c built with gcc):
// ptrace reports ignored signals, so strace prints each child's SIGCHLD and
// an ignored SIGPIPE, and a wait the signal came in ends "= ? ERESTARTSYS"
// (ERESTARTNOHAND for select) and starts again. The program sees nothing of
// it, as on Linux untraced: where ptrace would change its results (epoll_wait's
// EINTR) the call goes on and the signal shows after it.
import { describe, expect, it } from 'vitest';
import { guest } from './helpers.js';
import { wellNested } from './trace-nesting.js';
import { run } from '../dist/host/api.js';

const PROG = guest('trace_ignored_signals');
const chld = (pid: number, status: number): string =>
  `[pid 1] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=${pid}, si_uid=0, si_status=${status}, si_utime=0, si_stime=0} ---`;

describe('ignored signals in the trace', () => {
  it('shows each SIGCHLD and the SIGPIPE, and the waits they came in as strace does', async () => {
    const o = await run({ processes: [{ module: PROG }], trace: { time: 'none' } });
    expect(o.status).toBe(0);
    // What the program sees is Linux's without a tracer: nothing interrupted, the whole timeouts passed.
    expect(o.stdout).toBe('accept: a connection\nselect: 0\nepoll_wait: 0\npoll: 0\npoll, no timeout: 1\nnanosleep: 0\nwasi sleep: 0 after 5 ms\nwrite: -1 Broken pipe\nreaped 9\n');
    const trace = o.trace!;
    expect(wellNested(trace)).toEqual([]);
    const own = trace.split('\n').filter((l) => l.startsWith('[pid 1]') && !/writev\(1<|fcntl\(1</.test(l)).map((l) => l.replace(/ <\d+\.\d+>$/, ''));
    const from = (head: string, n: number): string[] => {
      const i = own.findIndex((l) => l.startsWith(head));
      expect(i, head).toBeGreaterThanOrEqual(0);
      return own.slice(i, i + n);
    };
    expect(from('[pid 1] accept(', 6)).toEqual([
      '[pid 1] accept(3<TCP:[127.0.0.1:41904]>, NULL, NULL <unfinished ...>',
      '[pid 1] <... accept resumed>)           = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      chld(2, 0),
      '[pid 1] accept(3<TCP:[127.0.0.1:41904]>, NULL, NULL <unfinished ...>',
      '[pid 1] <... accept resumed>)           = 4<TCP:[127.0.0.1:41904->127.0.0.1:41905]>',
      chld(3, 0),
    ]);
    expect(from('[pid 1] select(', 4)).toEqual([
      '[pid 1] select(4, [3<TCP:[127.0.0.1:41904]>], NULL, NULL, {tv_sec=1, tv_usec=0} <unfinished ...>',
      '[pid 1] <... select resumed>)           = ? ERESTARTNOHAND (To be restarted if no handler)',
      chld(4, 3),
      // Restarted with the time left that Linux wrote back as it interrupted the call.
      '[pid 1] select(4, [3<TCP:[127.0.0.1:41904]>], NULL, NULL, {tv_sec=0, tv_usec=998999}) = 0 (Timeout)',
    ]);
    expect(from('[pid 1] epoll_wait(', 3)).toEqual([
      '[pid 1] epoll_wait(4<anon_inode:[eventpoll]>,  <unfinished ...>',
      '[pid 1] <... epoll_wait resumed>[], 1, 500) = 0',
      chld(5, 4),
    ]);
    // poll with a timeout and a sleep go on through a restart block: strace shows restart_syscall.
    expect(from('[pid 1] poll(', 4)).toEqual([
      '[pid 1] poll([{fd=3<TCP:[127.0.0.1:41904]>, events=POLLIN}], 1, 200 <unfinished ...>',
      '[pid 1] <... poll resumed>)             = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      chld(6, 5),
      '[pid 1] restart_syscall(<... resuming interrupted poll ...>) = 0',
    ]);
    expect(from('[pid 1] poll([{fd=3<TCP:[127.0.0.1:41904]>, events=POLLIN}], 1, -1', 5)).toEqual([
      '[pid 1] poll([{fd=3<TCP:[127.0.0.1:41904]>, events=POLLIN}], 1, -1 <unfinished ...>',
      '[pid 1] <... poll resumed>)             = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      chld(7, 7),
      '[pid 1] restart_syscall(<... resuming interrupted poll ...> <unfinished ...>',
      '[pid 1] <... restart_syscall resumed>)  = 1',
    ]);
    expect(from('[pid 1] clock_nanosleep(', 4)).toEqual([
      '[pid 1] clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=5000000},  <unfinished ...>',
      '[pid 1] <... clock_nanosleep resumed>{tv_sec=0, tv_nsec=3999000}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      chld(9, 6),
      '[pid 1] restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0',
    ]);
    // wasi-libc's sleep (poll_oneoff on one clock) as Linux's clock_nanosleep with a NULL rem, the whole 5 ms slept (stdout).
    const wasiSleep = own.indexOf('[pid 1] <... clock_nanosleep resumed>NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)');
    expect(wasiSleep).toBeGreaterThan(0);
    expect(own.slice(wasiSleep - 1, wasiSleep + 3)).toEqual([
      '[pid 1] clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=5000000},  <unfinished ...>',
      '[pid 1] <... clock_nanosleep resumed>NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      chld(10, 8),
      '[pid 1] restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0',
    ]);
    expect(from('[pid 1] write(5<', 2)).toEqual([
      '[pid 1] write(5<UNIX-STREAM:[1000005->1000006]>, "x", 1) = -1 EPIPE (Broken pipe)',
      '[pid 1] --- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=1, si_uid=0} ---',
    ]);
    // Each child's exit line comes before its parent's SIGCHLD.
    for (const pid of [2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const lines = trace.split('\n');
      expect(lines.findIndex((l) => l.startsWith(`[pid ${pid}] `) && l.includes('+++ exited with'))).toBeLessThan(lines.findIndex((l) => l.includes(`si_pid=${pid},`)));
    }
  });

  it('records them as signal events in JSONL, the interrupted wait as a call that returned ERESTARTSYS', async () => {
    const o = await run({ processes: [{ module: PROG }], trace: { format: 'jsonl' } });
    const events = o.trace!.trimEnd().split('\n').map((l) => JSON.parse(l) as { pid: number; call?: string; signal?: { name?: string; signo?: number }; errno?: string; ret?: unknown });
    const own = events.filter((e) => e.pid === 1);
    expect(own.filter((e) => e.signal !== undefined).map((e) => JSON.stringify(e.signal))).toHaveLength(10);
    const accepts = own.filter((e) => e.call === 'accept');
    expect(accepts).toHaveLength(3); // the interrupted one, its restart, and the one after poll
    expect(JSON.stringify(accepts[0])).toContain('ERESTARTSYS');
  });
});
