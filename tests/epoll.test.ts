// epoll, eventfd and timerfd beyond the differential tests (tests/c/diff_epoll_*.c
// compare them with Linux): traces as strace -yy prints them, the call names
// --trace-only and --inject accept, and EPOLLEXCLUSIVE's wake-one with
// callers asleep, which needs an exact schedule only the virtual clock gives.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, run, runGuest } from './helpers.js';
import { traceNames } from '../dist/host/trace/names.js';
import { loadScenario } from '../dist/host/scenario/load.js';

describe('epoll, eventfd and timerfd', () => {
  it('traces epoll calls as strace -yy does', async () => {
    const o = await runGuest('diff_epoll_tcp', [], { trace: { classes: ['epoll_create1', 'epoll_ctl', 'epoll_wait'] } });
    expect(o.status).toBe(0);
    const t = o.trace ?? '';
    expect(t).toMatch(/ epoll_create1\(0\)\s+= 4<anon_inode:\[eventpoll\]> /);
    expect(t).toMatch(/ epoll_ctl\(4<anon_inode:\[eventpoll\]>, EPOLL_CTL_ADD, 3<TCP:\[127\.0\.0\.1:\d+\]>, \{events=EPOLLIN, data=\{u32=3, u64=3\}\}\) = 0 /);
    expect(t).toMatch(/ epoll_wait\(4<anon_inode:\[eventpoll\]>, \[\], 8, 0\) = 0 /);
    expect(t).toMatch(/ epoll_wait\(4<anon_inode:\[eventpoll\]>, \[\{events=EPOLLIN, data=\{u32=3, u64=3\}\}\], 8, 100\) = 1 /);
    expect(t).toMatch(/ epoll_ctl\(4<anon_inode:\[eventpoll\]>, EPOLL_CTL_MOD, 6<TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]>, \{events=EPOLLIN\|EPOLLRDHUP\|EPOLLET, data=\{u32=6, u64=\d+\}\}\) = 0 /);
    expect(t).toMatch(/ epoll_wait\(4<anon_inode:\[eventpoll\]>, \[\{events=EPOLLIN\|EPOLLOUT\|EPOLLRDHUP, data=\{u32=6, u64=\d+\}\}\], 8, 100\) = 1 /);
    // EPOLL_CTL_DEL reads no event: the pointer is shown.
    expect(t).toMatch(/ epoll_ctl\(4<anon_inode:\[eventpoll\]>, EPOLL_CTL_DEL, 6<TCP:\[[^\]]*\]>, 0x[0-9a-f]+\) = 0 /);
    expect(t).not.toMatch(/writev/);
  });

  it('traces eventfd2 and timerfd_* with their flags and itimerspecs', async () => {
    const o = await runGuest('diff_epoll_eventfd_timerfd', [], { trace: { classes: ['eventfd2', 'timerfd_create', 'timerfd_settime', 'timerfd_gettime', 'epoll_pwait'] } });
    expect(o.status).toBe(0);
    const t = o.trace ?? '';
    expect(t).toMatch(/ eventfd2\(0, 0x10 \/\* EFD_\?\?\? \*\/\)\s+= -1 EINVAL \(Invalid argument\) /);
    expect(t).toMatch(/ eventfd2\(2, EFD_SEMAPHORE\|EFD_NONBLOCK\) = 4<anon_inode:\[eventfd\]> /);
    expect(t).toMatch(/ timerfd_create\(CLOCK_PROCESS_CPUTIME_ID, 0\) = -1 EINVAL /);
    expect(t).toMatch(/ timerfd_create\(CLOCK_MONOTONIC, TFD_CLOEXEC\|TFD_NONBLOCK\) = 7<anon_inode:\[timerfd\]> /);
    expect(t).toMatch(/ timerfd_settime\(5<anon_inode:\[timerfd\]>, 0, \{it_interval=\{tv_sec=2, tv_nsec=0\}, it_value=\{tv_sec=5, tv_nsec=0\}\}, NULL\) = 0 /);
    expect(t).toMatch(/ timerfd_settime\(5<anon_inode:\[timerfd\]>, 0, \{it_interval=\{tv_sec=0, tv_nsec=0\}, it_value=\{tv_sec=0, tv_nsec=0\}\}, \{it_interval=\{tv_sec=2, tv_nsec=0\}, it_value=\{tv_sec=4, tv_nsec=\d+\}\}\) = 0 /);
    expect(t).toMatch(/ timerfd_gettime\(5<anon_inode:\[timerfd\]>, \{it_interval=\{tv_sec=0, tv_nsec=0\}, it_value=\{tv_sec=0, tv_nsec=0\}\}\) = 0 /);
    expect(t).toMatch(/ timerfd_settime\(\d+<anon_inode:\[timerfd\]>, TFD_TIMER_ABSTIME, \{it_interval=\{tv_sec=0, tv_nsec=0\}, it_value=\{tv_sec=17672256\d\d, tv_nsec=\d+\}\}, NULL\) = 0 /);
  });

  it('epoll_pwait and epoll_pwait2 wait under their mask: EINTR for a signal it lets through, the old mask back after (strace -yy lines)', async () => {
    const o = await runGuest('diff_epoll_pwait', [], { trace: { classes: ['epoll_pwait', 'epoll_pwait2', '%signal'], time: 'none' } });
    expect(o.status).toBe(0);
    const lines = (o.trace ?? '').split('\n').map((l) => l.replace(/^\[pid \d+\] /, '').replace(/ <\d+\.\d+>$/, '').replace(/ {2,}= /, ' = '));
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    // USR1 pending, let through by the temporary mask: EINTR without sleeping (addresses, as strace prints a failed call), the handler, then the old mask.
    const eintr = at(/^epoll_pwait\(3<anon_inode:\[eventpoll\]>, 0x[0-9a-f]+, 4, -1, 0x[0-9a-f]+, 8\) = -1 EINTR \(Interrupted system call\)$/);
    expect(eintr).toBeGreaterThan(0);
    expect(lines[eintr + 1]).toMatch(/^--- SIGUSR1 /);
    expect(lines.slice(eintr + 2)).toContain('rt_sigprocmask(SIG_SETMASK, NULL, [USR1], 8) = 0');
    expect(lines[at(/^rt_sigreturn/)]).toBe('rt_sigreturn({mask=[USR1 USR2]}) = -1 EINTR (Interrupted system call)');
    // Ready events win over the pending signal; the mask is decoded on success.
    expect(lines).toContain('epoll_pwait(3<anon_inode:[eventpoll]>, [{events=EPOLLIN, data={u32=4, u64=4}}], 4, -1, [], 8) = 1');
    // ALRM only the temporary mask blocks: the wait times out, then the handler runs with the old mask back.
    const timedOut = lines.indexOf('epoll_pwait(3<anon_inode:[eventpoll]>, [], 4, 300, [ALRM], 8) = 0');
    expect(timedOut).toBeGreaterThan(0);
    expect(lines[timedOut + 1]).toMatch(/^--- SIGALRM /);
    expect(lines[timedOut + 3]).toBe('rt_sigreturn({mask=[]}) = 0');
    expect(lines).toContain('epoll_pwait2(3<anon_inode:[eventpoll]>, [], 4, {tv_sec=0, tv_nsec=300000000}, [ALRM], 8) = 0');
    expect(lines).toContainEqual(expect.stringMatching(/^epoll_pwait2\(3<anon_inode:\[eventpoll\]>, 0x[0-9a-f]+, 4, NULL, 0x[0-9a-f]+, 8\) = -1 EINTR /));
    expect(lines).toContain('epoll_pwait(3<anon_inode:[eventpoll]>, [{events=EPOLLIN, data={u32=4, u64=4}}], 4, 0, NULL, 4) = 1');
    expect(lines).toContainEqual(expect.stringMatching(/^epoll_pwait\(-1, 0x[0-9a-f]+, 4, 0, 0x[0-9a-f]+, 4\) = -1 EINVAL /));
    const again = await runGuest('diff_epoll_pwait', [], { trace: { classes: ['epoll_pwait', 'epoll_pwait2', '%signal'], time: 'none' } });
    expect(again.trace).toBe(o.trace);
  });

  it('names the calls for --trace-only and --inject, libc names included', () => {
    for (const n of ['epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'eventfd2', 'timerfd_create', 'timerfd_settime', 'timerfd_gettime']) expect(traceNames(n)).toEqual([n]);
    expect(traceNames('eventfd')).toEqual(['eventfd2']);
  });

  it('injects a fault into epoll_wait by name', async () => {
    const o = await runGuest('diff_epoll_tcp', [], { inject: ['epoll_wait:error=EINTR:when=1'], trace: { classes: ['epoll_wait'] } });
    expect(o.stdout).toMatch(/^idle listener: -1 \(Interrupted system call\)$/m);
    expect(o.trace).toMatch(/ epoll_wait\(4<anon_inode:\[eventpoll\]>, 0x[0-9a-f]+, 8, 0\) = -1 EINTR \(Interrupted system call\) \(INJECTED\)/);
  });

  it('EPOLLEXCLUSIVE: a pipe write wakes the first exclusive instance with a sleeper, not the second', async () => {
    const o = await runGuest('epoll_exclusive');
    expect(o.stdout).toBe('instance 1 (exclusive): 1 event(s)\ninstance 2 (exclusive): 0 event(s)\ninstance 3 (plain): 1 event(s)\n');
  });

  it('the epoll echo example serves every client from one loop and exits through its eventfd', async () => {
    const { spec } = await loadScenario(join(ROOT, 'examples', 'epoll-echo', 'epoll-echo.yaml'));
    const o = await run({ ...spec, timeoutMs: 120_000, trace: { classes: ['epoll_wait'] } });
    expect(o.status).toBe(0);
    expect(o.processes).toHaveLength(9);
    expect(o.processes[0]!.stdout.match(/peer done/g)).toHaveLength(8);
    expect(o.processes[0]!.stdout).toContain('served 8 clients, exiting\n');
    for (const c of o.processes.slice(1)) {
      expect(c.exit.status).toBe(0);
      expect(c.stdout).toMatch(/^echoed: hello from client \d$/m);
    }
    expect(o.trace).toMatch(/epoll_wait\(4<anon_inode:\[eventpoll\]>, \[\{events=EPOLLIN\|EPOLLOUT\|EPOLLRDHUP, data=\{u32=\d+, u64=\d+\}\}/);
  }, 180_000);
});
