// The blocking discipline every read/write-like call shares: try the
// non-blocking primitive; if it would block, fail with EAGAIN on an
// O_NONBLOCK fd, or after SO_RCVTIMEO/SO_SNDTIMEO, else suspend on the
// file's wait queue and retry when woken.
import { E } from '../abi/errno.js';
import { WOULD_BLOCK, type OpenFile } from '../kernel/file.js';
import type { Process } from '../kernel/process.js';
import { BLOCKED } from '../kernel/syscall.js';

/** Runs op; returns its byte count, or a negative errno as -errno, or BLOCKED. */
export function blockingIo(p: Process, f: OpenFile, dir: 'read' | 'write', dontwait: boolean, op: () => number): number {
  const n = op();
  if (n !== WOULD_BLOCK) return n;
  if (f.nonblock || dontwait) return -E.EAGAIN;
  const t = f.timeoutNs?.(dir) ?? -1;
  const deadline = p.deadline(t);
  if (deadline >= 0 && p.timedOut()) return -E.EAGAIN;
  const r = p.block([f.waitq], deadline);
  // Not BLOCKED: a signal interrupted the call after progress kept elsewhere (Process.block); nothing was moved here.
  return r === BLOCKED ? r : -r;
}

export { BLOCKED };
