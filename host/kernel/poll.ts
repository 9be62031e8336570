// poll(2) and select(2) over any fd (files, stdio, pipes, sockets) through
// OpenFile.poll() and each file's wait queue; timeouts through the process's
// deadline, so a woken call re-runs and re-checks, Linux wait-loop style.
import { E, Errno } from '../abi/errno.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, type OpenFile } from './file.js';
import type { Process } from './process.js';
import type { WaitQueue } from './wait.js';

function pollMask(f: OpenFile): number {
  return f.poll();
}

export function doPoll(p: Process, fdsPtr: number, nfds: number, timeout: number, readyOut: number): number {
  if (nfds < 0 || nfds > p.fds.limit) return E.EINVAL;
  p.mem.check(fdsPtr, nfds * 8);
  p.mem.check(readyOut, 4);
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
  if (ready || timeout === 0) {
    p.mem.setI32(readyOut, ready);
    return 0;
  }
  const deadline = p.deadline(timeout < 0 ? -1 : timeout * 1e6);
  if (deadline >= 0 && p.timedOut()) {
    p.mem.setI32(readyOut, 0);
    return 0;
  }
  return p.block(queues, deadline);
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
  if (nfds < 0 || nfds > FD_SETSIZE) return E.EINVAL;
  p.mem.check(readyOut, 4);
  let timeoutNs = -1;
  if (tvPtr) {
    const sec = Number(p.mem.i64(tvPtr));
    const usec = Number(p.mem.i64(tvPtr + 8));
    if (sec < 0 || usec < 0) return E.EINVAL;
    timeoutNs = sec * 1e9 + usec * 1e3;
  }
  const sets = [readSet(p, rPtr), readSet(p, wPtr), readSet(p, xPtr)].map((s) => s.filter((fd) => fd < nfds));
  for (const set of sets) for (const fd of set) if (!p.fds.has(fd)) return E.EBADF;
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
    writeSet(p, rPtr, out[0]!);
    writeSet(p, wPtr, out[1]!);
    writeSet(p, xPtr, out[2]!);
    p.mem.setI32(readyOut, ready);
    return 0;
  };
  if (ready || timeoutNs === 0) return finish();
  const deadline = p.deadline(timeoutNs);
  if (deadline >= 0 && p.timedOut()) return finish();
  return p.block(queues, deadline);
}
