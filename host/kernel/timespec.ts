// struct timespec as guests pass it (wasi-libc on wasm32: i64 tv_sec; i32
// tv_nsec; 16 bytes with padding), read the way Linux checks it.
import { E, Errno } from '../abi/errno.js';
import type { Process } from './process.js';

export const TIMESPEC = 16;

/** The timespec at ptr in ns: EFAULT outside memory, EINVAL unless tv_sec >= 0 and 0 <= tv_nsec < 1e9. */
export function readTimespec(p: Process, ptr: number): bigint {
  p.mem.check(ptr, TIMESPEC);
  const sec = p.mem.i64(ptr);
  const nsec = p.mem.i32(ptr + 8);
  if (sec < 0n || nsec < 0 || nsec >= 1e9) throw new Errno(E.EINVAL);
  return sec * 1_000_000_000n + BigInt(nsec);
}

/**
 * A timeout given as a timespec pointer (ppoll, pselect6, epoll_pwait2):
 * NULL waits forever (-1); past what the virtual clock can count it is as
 * good as none (Linux clamps to KTIME_MAX).
 */
export function timespecTimeout(p: Process, ptr: number): number {
  if (!ptr) return -1;
  const ns = readTimespec(p, ptr);
  return ns > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(ns);
}
