// poll(2) and select(2) over any fd (files, stdio, pipes, sockets) through
// OpenFile.poll() and each file's wait queue; timeouts through the process's
// deadline, so a woken call re-runs and re-checks, Linux wait-loop style.
import { E, Errno } from '../abi/errno.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, type OpenFile } from './file.js';
import type { Process } from './process.js';
import { BLOCKED, syscall, type SyscallDef } from './syscall.js';
import { waitWithSigmask, type Sleep } from './sigcalls.js';
import { timespecTimeout } from './timespec.js';
import type { WaitQueue } from './wait.js';

/** A zero-timeout poll of a file with outside state (a real socket) first lets the host catch up: OpenFile.hostSync. */
function hostSync(p: Process, each: (f: (file: OpenFile) => void) => void): number | undefined {
  let r: number | undefined;
  each((file) => (r ??= file.hostSync?.(p)));
  return r;
}

function pollMask(f: OpenFile): number {
  return f.poll();
}

export function doPoll(p: Process, fdsPtr: number, nfds: number, timeout: number, readyOut: number): number {
  return pollFds(p, fdsPtr, nfds, timeout < 0 ? -1 : timeout * 1e6, readyOut, (queues, deadline) => p.block(queues, deadline));
}

/** poll's body, for poll and ppoll: timeoutNs < 0 waits forever; `sleep` blocks; `signal` (ppoll) may end a call that found nothing ready. */
function pollFds(p: Process, fdsPtr: number, nfds: number, timeoutNs: number, readyOut: number, sleep: Sleep, signal?: () => number | undefined): number {
  if (nfds < 0 || nfds > p.fds.limit) return E.EINVAL;
  // NULL is EFAULT as on Linux, where page 0 is never mapped (in linear memory it is an address).
  if (fdsPtr === 0 && nfds > 0) return E.EFAULT;
  p.mem.check(fdsPtr, nfds * 8);
  p.mem.check(readyOut, 4);
  if (timeoutNs === 0 && p.kernel.hostSyncs) {
    const r = hostSync(p, (f) => {
      for (let i = 0; i < nfds; i++) {
        const fd = p.mem.i32(fdsPtr + i * 8);
        if (fd >= 0 && p.fds.has(fd)) f(p.fds.file(fd));
      }
    });
    if (r !== undefined) return r;
  }
  let ready = 0;
  const queues: WaitQueue[] = [];
  for (let i = 0; i < nfds; i++) {
    const a = fdsPtr + i * 8;
    const fd = p.mem.i32(a);
    const events = p.mem.u16(a + 4);
    let rev = 0;
    if (fd >= 0) {
      if (!p.fds.has(fd)) rev = POLLNVAL;
      else {
        const f = p.fds.file(fd);
        rev = pollMask(f) & (events | POLLERR | POLLHUP | POLLNVAL);
        if (!rev) queues.push(f.waitq);
      }
    }
    p.mem.setU16(a + 6, rev);
    if (rev) ready++;
  }
  if (!ready && signal) {
    const r = signal();
    if (r !== undefined) return r;
  }
  if (ready || timeoutNs === 0) {
    p.mem.setI32(readyOut, ready);
    return 0;
  }
  const deadline = p.deadline(timeoutNs);
  if (deadline >= 0 && p.timedOut()) {
    p.mem.setI32(readyOut, 0);
    return 0;
  }
  return sleep(queues, deadline);
}

/** wasi-libc's fd_set: size_t count; int fds[FD_SETSIZE]. */
const FD_SETSIZE = 1024;
function readSet(p: Process, ptr: number): number[] {
  if (!ptr) return [];
  const n = p.mem.u32(ptr);
  if (n > FD_SETSIZE) throw new Errno(E.EINVAL);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(p.mem.i32(ptr + 4 + i * 4));
  return out;
}
function writeSet(p: Process, ptr: number, fds: number[]): void {
  if (!ptr) return;
  p.mem.setU32(ptr, fds.length);
  fds.forEach((fd, i) => p.mem.setI32(ptr + 4 + i * 4, fd));
}

export function doSelect(p: Process, nfds: number, rPtr: number, wPtr: number, xPtr: number, tvPtr: number, readyOut: number): number {
  if (nfds < 0) return E.EINVAL;
  p.mem.check(readyOut, 4);
  let timeoutNs = -1;
  if (tvPtr) {
    const sec = Number(p.mem.i64(tvPtr));
    const usec = Number(p.mem.i64(tvPtr + 8));
    if (sec < 0 || usec < 0) return E.EINVAL;
    timeoutNs = sec * 1e9 + usec * 1e3;
  }
  const r = selectFds(p, nfds, rPtr, wPtr, xPtr, timeoutNs, readyOut, (queues, deadline) => p.block(queues, deadline));
  if (r !== BLOCKED) writeLeftTv(p, tvPtr, timeoutNs);
  return r;
}

/** Linux's select writes the time left back to its timeval (glibc's select() hands it on): a loop reusing it counts down. */
function writeLeftTv(p: Process, ptr: number, timeoutNs: number): void {
  if (!ptr || timeoutNs <= 0) return;
  const left = Math.max(0, p.callStart + timeoutNs - p.kernel.clock.now());
  p.mem.setI64(ptr, BigInt(Math.floor(left / 1e9)));
  p.mem.setI64(ptr + 8, BigInt(Math.floor((left % 1e9) / 1e3)));
}

/** select interrupted by a handler: the time left is written as the call ends with EINTR. */
export function selectLeftOnInterrupt(p: Process, args: readonly number[]): void {
  const ptr = args[4]!;
  if (!ptr) return;
  try {
    writeLeftTv(p, ptr, Number(p.mem.i64(ptr)) * 1e9 + Number(p.mem.i64(ptr + 8)) * 1e3);
  } catch {
    /* an unreadable timeout failed the call before it slept */
  }
}

/** select's body, for select and pselect6 (see pollFds). */
function selectFds(p: Process, nfds: number, rPtr: number, wPtr: number, xPtr: number, timeoutNs: number, readyOut: number, sleep: Sleep, signal?: () => number | undefined): number {
  if (nfds < 0) return E.EINVAL;
  p.mem.check(readyOut, 4);
  // core_sys_select: n is cut to the fd array's size, so descriptors past it are neither checked nor watched.
  const n = Math.min(nfds, p.fds.maxFds);
  const given = [readSet(p, rPtr), readSet(p, wPtr), readSet(p, xPtr)];
  const sets = given.map((s) => s.filter((fd) => fd < n));
  // The kernel writes back whole 64-bit words up to n; bits in the words past them stay as the caller set them.
  const words = Math.ceil(n / 64) * 64;
  const kept = given.map((s) => s.filter((fd) => fd >= words));
  for (const set of sets) for (const fd of set) if (!p.fds.has(fd)) return E.EBADF;
  if (timeoutNs === 0 && p.kernel.hostSyncs) {
    const r = hostSync(p, (f) => {
      for (const set of sets) for (const fd of set) f(p.fds.file(fd));
    });
    if (r !== undefined) return r;
  }
  const want = [POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI];
  const out: number[][] = [[], [], []];
  const queues: WaitQueue[] = [];
  let ready = 0;
  sets.forEach((set, k) => {
    for (const fd of set) {
      const f = p.fds.file(fd);
      if (pollMask(f) & want[k]!) {
        out[k]!.push(fd);
        ready++;
      } else queues.push(f.waitq);
    }
  });
  const finish = (): number => {
    writeSet(p, rPtr, out[0]!.concat(kept[0]!));
    writeSet(p, wPtr, out[1]!.concat(kept[1]!));
    writeSet(p, xPtr, out[2]!.concat(kept[2]!));
    p.mem.setI32(readyOut, ready);
    return 0;
  };
  if (!ready && signal) {
    const r = signal();
    if (r !== undefined) return r;
  }
  if (ready || timeoutNs === 0) return finish();
  const deadline = p.deadline(timeoutNs);
  if (deadline >= 0 && p.timedOut()) return finish();
  return sleep(queues, deadline);
}

/**
 * poll_select_finish: the raw call writes the time left back to the timeout
 * (the SDK's wrappers, like glibc's, pass a copy), except for a zero one.
 */
function writeLeft(p: Process, ptr: number, timeoutNs: number): void {
  if (!ptr || timeoutNs <= 0) return;
  const left = Math.max(0, p.callStart + timeoutNs - p.kernel.clock.now());
  p.mem.setI64(ptr, BigInt(Math.floor(left / 1e9)));
  p.mem.setI32(ptr + 8, left % 1e9);
}

/**
 * ppoll's and pselect6's check when nothing is ready: a signal the temporary
 * mask lets through, pending already, ends the call before the timeout is
 * looked at (even a zero one), as Linux's do_poll/do_select do: traced as
 * ERESTARTNOHAND, EINTR once its handler has run under that mask.
 */
function signalled(p: Process): () => number | undefined {
  return () => {
    if (p.signals.deliverable() === undefined) return undefined;
    // Dispatch interrupts the call once it is recorded as blocked (leftOnInterrupt writes the time left).
    const r = p.block([]);
    if (r === BLOCKED) p.interruptAfterBlock = true;
    return r;
  };
}

/** ppoll(fds, nfds, tmo_p, sigmask, sigsetsize): poll with a timespec and a temporary signal mask. */
function ppoll(p: Process, fdsPtr: number, nfds: number, tsPtr: number, maskPtr: number, size: number, readyOut: number): number {
  const timeoutNs = timespecTimeout(p, tsPtr);
  let polled = false;
  const r = waitWithSigmask(p, maskPtr, size, () => {
    polled = true;
    return pollFds(p, fdsPtr, nfds, timeoutNs, readyOut, (queues, deadline) => p.block(queues, deadline), signalled(p));
  });
  if (polled && r !== BLOCKED) writeLeft(p, tsPtr, timeoutNs);
  return r;
}

/** pselect6's sixth argument, struct { const sigset_t *ss; size_t ss_len; } (wasm32: two u32). */
function pselect6(p: Process, nfds: number, rPtr: number, wPtr: number, xPtr: number, tsPtr: number, sigPtr: number, readyOut: number): number {
  let maskPtr = 0;
  let size = 0;
  if (sigPtr) {
    p.mem.check(sigPtr, 8);
    maskPtr = p.mem.u32(sigPtr);
    size = p.mem.u32(sigPtr + 4);
  }
  const timeoutNs = timespecTimeout(p, tsPtr);
  let selected = false;
  const r = waitWithSigmask(p, maskPtr, size, () => {
    selected = true;
    return selectFds(p, nfds, rPtr, wPtr, xPtr, timeoutNs, readyOut, (queues, deadline) => p.block(queues, deadline), signalled(p));
  });
  if (selected && r !== BLOCKED) writeLeft(p, tsPtr, timeoutNs);
  return r;
}

/** A handler interrupted the wait: the time left is written as the call ends (ERESTARTNOHAND). */
const leftOnInterrupt = (tsIndex: number) => (p: Process, args: readonly number[]): void => {
  const ptr = args[tsIndex]!;
  try {
    writeLeft(p, ptr, timespecTimeout(p, ptr));
  } catch {
    /* an unreadable timeout failed the call before it slept */
  }
};

const S = 'socklab';
/** ppoll and pselect6 (their handlers wait under a temporary mask, see waitWithSigmask). */
export const pollSigSyscalls: readonly SyscallDef[] = [
  { ...syscall(S, 'ppoll', { strace: 'ppoll', classes: ['desc'], params: ['fds:pollfds', 'nfds:u32', 'tmo:timespec', 'sigmask:sigset_sized', 'sigsetsize:len', 'ready:ret'], mayBlock: true }, ppoll), onInterrupt: leftOnInterrupt(2) },
  { ...syscall(S, 'pselect6', { strace: 'pselect6', classes: ['desc'], params: ['nfds:i32', 'readfds:fdset', 'writefds:fdset', 'exceptfds:fdset', 'timeout:timespec', 'sigmask:pselect_sigmask', 'ready:ret'], mayBlock: true }, pselect6), onInterrupt: leftOnInterrupt(4) },
];
