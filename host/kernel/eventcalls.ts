// The event-loop calls (socklab imports, docs/abi.md): epoll_create,
// epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2
// (kernel/epoll.ts; the temporary signal mask: sigcalls.ts),
// eventfd2 (kernel/eventfd.ts), timerfd_create, timerfd_settime and
// timerfd_gettime (kernel/timerfd.ts), with Linux's checks in Linux's order.
import { E, Errno } from '../abi/errno.js';
import type { Process } from './process.js';
import { syscall, type SyscallDef } from './syscall.js';
import { EPOLL, EPOLL_CLOEXEC, EPOLL_CTL, EPOLLEXCLUSIVE_OK_BITS, EpollFile, wouldLoop } from './epoll.js';
import { EFD, EventFd } from './eventfd.js';
import { TFD, TIMERFD_CLOCKS, TimerFd } from './timerfd.js';
import { FileType, type OpenFile } from './file.js';
import { waitWithSigmask, type Sleep } from './sigcalls.js';
import { readTimespec, timespecTimeout, TIMESPEC } from './timespec.js';
import { signalfdSyscalls } from './signalfd.js';

/** struct epoll_event as x86-64 packs it: u32 events; u64 data (12 bytes). */
export const EPOLL_EVENT_SIZE = 12;
/** Linux's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
const EP_MAX_EVENTS = Math.floor(0x7fffffff / EPOLL_EVENT_SIZE);

function install(p: Process, f: OpenFile, cloexec: boolean, out: number): number {
  const fd = p.fds.install(f, { cloexec });
  p.mem.setI32(out, fd);
  return 0;
}

function epollCreate1(p: Process, flags: number, out: number): number {
  p.mem.check(out, 4);
  if (flags & ~EPOLL_CLOEXEC) return E.EINVAL;
  return install(p, new EpollFile(), (flags & EPOLL_CLOEXEC) !== 0, out);
}

/** Files epoll cannot watch (file_can_poll is false): regular files and directories. */
function canPoll(f: OpenFile): boolean {
  return f.filetype !== FileType.RegularFile && f.filetype !== FileType.Directory && !f.noEpoll;
}

function epollCtl(p: Process, epfd: number, op: number, fd: number, evPtr: number): number {
  let events = 0;
  let data = 0n;
  if (op === EPOLL_CTL.ADD || op === EPOLL_CTL.MOD) {
    // NULL is EFAULT as on Linux, where page 0 is never mapped (in linear memory it is an address).
    if (evPtr === 0) return E.EFAULT;
    p.mem.check(evPtr, EPOLL_EVENT_SIZE);
    events = p.mem.u32(evPtr);
    data = p.mem.u64(evPtr + 4);
  }
  const ep = p.fds.file(epfd);
  const target = p.fds.file(fd);
  if (!canPoll(target)) return E.EPERM;
  if (ep === target || !(ep instanceof EpollFile)) return E.EINVAL;
  const hasEvent = op === EPOLL_CTL.ADD || op === EPOLL_CTL.MOD;
  if (hasEvent && events & EPOLL.EPOLLEXCLUSIVE) {
    if (op === EPOLL_CTL.MOD) return E.EINVAL;
    if (target instanceof EpollFile || events & ~EPOLLEXCLUSIVE_OK_BITS) return E.EINVAL;
  }
  if (op === EPOLL_CTL.ADD && target instanceof EpollFile && wouldLoop(ep, target)) return E.ELOOP;
  const it = ep.find(fd, target);
  switch (op) {
    case EPOLL_CTL.ADD:
      if (it) return E.EEXIST;
      ep.add(fd, target, events, data);
      return 0;
    case EPOLL_CTL.DEL:
      if (!it) return E.ENOENT;
      ep.remove(it);
      return 0;
    case EPOLL_CTL.MOD:
      if (!it) return E.ENOENT;
      if (it.exclusive) return E.EINVAL;
      ep.modify(it, events, data);
      return 0;
    default:
      return E.EINVAL;
  }
}

/**
 * ep_poll: ready events are returned even with a signal pending; a zero
 * timeout never sleeps; otherwise the call sleeps on the instance's queue
 * until an event, the deadline (timeoutNs < 0: none) or a signal.
 */
function epollWait(p: Process, epfd: number, evPtr: number, max: number, timeoutNs: number, out: number, sleep: Sleep): number {
  if (max <= 0 || max > EP_MAX_EVENTS) return E.EINVAL;
  if (evPtr === 0) return E.EFAULT;
  p.mem.check(evPtr, max * EPOLL_EVENT_SIZE);
  p.mem.check(out, 4);
  const ep = p.fds.file(epfd);
  if (!(ep instanceof EpollFile)) return E.EINVAL;
  const got = ep.collect(max);
  got.forEach((e, i) => {
    p.mem.setU32(evPtr + i * EPOLL_EVENT_SIZE, e.events);
    p.mem.setU64(evPtr + i * EPOLL_EVENT_SIZE + 4, e.data);
  });
  if (!got.length && timeoutNs === 0 && p.kernel.hostSyncs) {
    // As poll(0): what a real peer already sent may still be in the host kernel (OpenFile.hostSync).
    const r = ep.hostSync(p);
    if (r !== undefined) return r;
  }
  if (got.length || timeoutNs === 0) {
    p.mem.setI32(out, got.length);
    return 0;
  }
  const deadline = p.deadline(timeoutNs);
  if (deadline >= 0 && p.timedOut()) {
    p.mem.setI32(out, 0);
    return 0;
  }
  return sleep([ep.sleepers], deadline);
}

/** epoll_wait's and epoll_pwait's timeout: milliseconds, negative for none. */
const msTimeout = (ms: number): number => (ms < 0 ? -1 : ms * 1e6);

function eventfd2(p: Process, initval: number, flags: number, out: number): number {
  p.mem.check(out, 4);
  if (flags & ~(EFD.EFD_SEMAPHORE | EFD.EFD_NONBLOCK | EFD.EFD_CLOEXEC)) return E.EINVAL;
  const f = new EventFd(BigInt(initval >>> 0), (flags & EFD.EFD_SEMAPHORE) !== 0);
  f.nonblock = (flags & EFD.EFD_NONBLOCK) !== 0;
  return install(p, f, (flags & EFD.EFD_CLOEXEC) !== 0, out);
}

function timerfdCreate(p: Process, clockid: number, flags: number, out: number): number {
  p.mem.check(out, 4);
  if (!TIMERFD_CLOCKS.has(clockid) || flags & ~(TFD.TFD_NONBLOCK | TFD.TFD_CLOEXEC)) return E.EINVAL;
  const f = new TimerFd(p.kernel, clockid);
  f.nonblock = (flags & TFD.TFD_NONBLOCK) !== 0;
  return install(p, f, (flags & TFD.TFD_CLOEXEC) !== 0, out);
}

/** itimerspec: interval, then value, each a timespec. */
function writeItimerspec(p: Process, ptr: number, v: { value: bigint; interval: bigint }): void {
  const put = (o: number, ns: bigint): void => {
    p.mem.setI64(o, ns / 1_000_000_000n);
    p.mem.setI32(o + 8, Number(ns % 1_000_000_000n));
    p.mem.setI32(o + 12, 0);
  };
  put(ptr, v.interval);
  put(ptr + TIMESPEC, v.value);
}
function timerfdOf(p: Process, fd: number): TimerFd {
  const f = p.fds.file(fd);
  if (!(f instanceof TimerFd)) throw new Errno(E.EINVAL);
  return f;
}

function timerfdSettime(p: Process, fd: number, flags: number, newPtr: number, oldPtr: number): number {
  // The syscall copies new_value in first (get_itimerspec64): NULL is EFAULT before anything else.
  if (newPtr === 0) return E.EFAULT;
  p.mem.check(newPtr, 2 * TIMESPEC);
  if (oldPtr) p.mem.check(oldPtr, 2 * TIMESPEC);
  if (flags & ~(TFD.TFD_TIMER_ABSTIME | TFD.TFD_TIMER_CANCEL_ON_SET)) return E.EINVAL;
  const interval = readTimespec(p, newPtr);
  const value = readTimespec(p, newPtr + TIMESPEC);
  const t = timerfdOf(p, fd);
  const old = t.set(value, interval, (flags & TFD.TFD_TIMER_ABSTIME) !== 0);
  if (oldPtr) writeItimerspec(p, oldPtr, old);
  return 0;
}

function timerfdGettime(p: Process, fd: number, curPtr: number): number {
  const t = timerfdOf(p, fd);
  p.mem.check(curPtr, 2 * TIMESPEC);
  writeItimerspec(p, curPtr, t.get());
  return 0;
}

const S = 'socklab';
export const eventSyscalls: readonly SyscallDef[] = [
  syscall(S, 'epoll_create', { strace: 'epoll_create', classes: ['desc'], params: ['size:i32', 'fd:ret_fd'] }, (p: Process, size: number, out: number) => {
    p.mem.check(out, 4);
    if (size <= 0) return E.EINVAL;
    return install(p, new EpollFile(), false, out);
  }),
  syscall(S, 'epoll_create1', { strace: 'epoll_create1', classes: ['desc'], params: ['flags:epoll_flags', 'fd:ret_fd'] }, epollCreate1),
  syscall(S, 'epoll_ctl', { strace: 'epoll_ctl', classes: ['desc'], params: ['epfd:fd', 'op:epoll_op', 'fd:fd', 'event:epoll_event'] }, epollCtl),
  syscall(S, 'epoll_wait', { strace: 'epoll_wait', classes: ['desc'], params: ['epfd:fd', 'events:epoll_events_out', 'maxevents:i32', 'timeout:i32', 'n:ret'], mayBlock: true },
    (p: Process, epfd: number, evPtr: number, max: number, timeout: number, out: number) => waitWithSigmask(p, 0, 0, (sleep) => epollWait(p, epfd, evPtr, max, msTimeout(timeout), out, sleep))),
  // strace decodes the mask when the call returns, its address when the call failed: sigset_out prints it so.
  syscall(S, 'epoll_pwait', { strace: 'epoll_pwait', classes: ['desc'], params: ['epfd:fd', 'events:epoll_events_out', 'maxevents:i32', 'timeout:i32', 'sigmask:sigset_out', 'sigsetsize:len', 'n:ret'], mayBlock: true },
    (p: Process, epfd: number, evPtr: number, max: number, timeout: number, mask: number, size: number, out: number) =>
      waitWithSigmask(p, mask, size, (sleep) => epollWait(p, epfd, evPtr, max, msTimeout(timeout), out, sleep))),
  syscall(S, 'epoll_pwait2', { strace: 'epoll_pwait2', classes: ['desc'], params: ['epfd:fd', 'events:epoll_events_out', 'maxevents:i32', 'timeout:timespec', 'sigmask:sigset_out', 'sigsetsize:len', 'n:ret'], mayBlock: true },
    (p: Process, epfd: number, evPtr: number, max: number, tsPtr: number, mask: number, size: number, out: number) => {
      const timeoutNs = timespecTimeout(p, tsPtr);
      return waitWithSigmask(p, mask, size, (sleep) => epollWait(p, epfd, evPtr, max, timeoutNs, out, sleep));
    }),
  syscall(S, 'eventfd2', { strace: 'eventfd2', classes: ['desc'], params: ['initval:u32', 'flags:efd_flags', 'fd:ret_fd'] }, eventfd2),
  syscall(S, 'timerfd_create', { strace: 'timerfd_create', classes: ['desc'], params: ['clockid:clockid', 'flags:tfd_flags', 'fd:ret_fd'] }, timerfdCreate),
  syscall(S, 'timerfd_settime', { strace: 'timerfd_settime', classes: ['desc'], params: ['fd:fd', 'flags:tfd_settime_flags', 'new:itimerspec', 'old:itimerspec_out'] }, timerfdSettime),
  syscall(S, 'timerfd_gettime', { strace: 'timerfd_gettime', classes: ['desc'], params: ['fd:fd', 'curr:itimerspec_out'] }, timerfdGettime),
  ...signalfdSyscalls,
];
