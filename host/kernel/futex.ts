// futex(2): FUTEX_WAIT, FUTEX_WAKE and their _BITSET forms, with
// FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME, as kernel/futex/ has them
// (docs/abi.md). The SDK's semaphores (guest/c/src/semaphore.c) sleep here
// only when contended, as glibc's do. A futex is keyed as Linux keys it: a
// private one by (process, address); a shared one in a MAP_SHARED mapping by
// the mapping's region or file and the offset (mman.ts's sharedKey), so
// processes that map it at any address meet; any other by (process, address).
// Waiters queue per key in FIFO order and a wake takes the oldest first.
// The word is read from the caller's memory: during its slice that is the
// live copy of every shared region it maps (mman.ts), and a waker's stores
// reach the woken process before that one runs again.
import { E } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import type { Process } from './process.js';
import { WaitQueue } from './wait.js';
import { Slot } from './slots.js';
import { readTimespec } from './timespec.js';
import { SLEEPING } from './signals.js';

/** The commands by strace's names (op & FUTEX_CMD_MASK); socklab implements WAIT, WAKE and their BITSET forms, the rest ENOSYS. */
export const FUTEX_CMDS: Readonly<Record<number, string>> = {
  0: 'FUTEX_WAIT', 1: 'FUTEX_WAKE', 2: 'FUTEX_FD', 3: 'FUTEX_REQUEUE', 4: 'FUTEX_CMP_REQUEUE', 5: 'FUTEX_WAKE_OP', 6: 'FUTEX_LOCK_PI',
  7: 'FUTEX_UNLOCK_PI', 8: 'FUTEX_TRYLOCK_PI', 9: 'FUTEX_WAIT_BITSET', 10: 'FUTEX_WAKE_BITSET', 11: 'FUTEX_WAIT_REQUEUE_PI',
  12: 'FUTEX_CMP_REQUEUE_PI', 13: 'FUTEX_LOCK_PI2',
};
export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_LOCK_PI2 = 13;
export const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

/** A process sleeping in FUTEX_WAIT: its own queue, woken by a FUTEX_WAKE of its key whose bitset meets its own. */
interface Waiter {
  readonly p: Process;
  readonly key: string;
  readonly bitset: number;
  readonly queue: WaitQueue;
  woken: boolean;
}

/** Per kernel: the waiters of each key, oldest first (Linux's hash bucket chain for that key). */
const tables = new WeakMap<object, Map<string, Waiter[]>>();
const tableOf = (p: Process): Map<string, Waiter[]> => {
  let t = tables.get(p.kernel);
  if (t === undefined) tables.set(p.kernel, (t = new Map()));
  return t;
};
/** The waiter of the call in progress (its FUTEX_WAIT across suspensions). */
const WAITER = new Slot<Waiter>('futex');

/** The key of the word at addr (Linux's get_futex_key): EINVAL off a 4-byte boundary. */
function keyOf(p: Process, addr: number, priv: boolean): string {
  const shared = priv ? undefined : p.mman?.sharedKey(addr);
  return shared ?? `p${p.pid}@${addr}`;
}

/** Whether w still sleeps in the call that queued it (a signal, a timeout or an exit ended that call otherwise). */
const live = (w: Waiter): boolean => w.p.state === 'blocked' && w.p.callSlot(WAITER) === w;

function dequeue(p: Process, w: Waiter): void {
  const t = tableOf(p);
  const ws = t.get(w.key);
  if (ws === undefined) return;
  const i = ws.indexOf(w);
  if (i >= 0) ws.splice(i, 1);
  if (!ws.length) t.delete(w.key);
}

/** futex_wake: up to n (at least one, as Linux counts) of key's waiters whose bitset meets `bitset`, oldest first. */
function wake(p: Process, key: string, n: number, bitset: number): number {
  const t = tableOf(p);
  const ws = t.get(key);
  if (ws === undefined) return 0;
  let woken = 0;
  for (let i = 0; i < ws.length; ) {
    const w = ws[i]!;
    if (!live(w)) {
      ws.splice(i, 1);
      continue;
    }
    if (!(w.bitset & bitset)) {
      i++;
      continue;
    }
    ws.splice(i, 1);
    w.woken = true;
    w.queue.wake();
    if (++woken >= n) break;
  }
  if (!ws.length) t.delete(key);
  return woken;
}

/** A woken, timed-out or spuriously rewound FUTEX_WAIT. */
function resume(p: Process, w: Waiter, out: number): number {
  if (w.woken) {
    p.setCallSlot(WAITER, undefined);
    p.mem.setU32(out, 0);
    return 0;
  }
  if (p.timedOut()) {
    dequeue(p, w);
    p.setCallSlot(WAITER, undefined);
    return E.ETIMEDOUT;
  }
  return p.block([w.queue], p.callDeadline);
}

/**
 * futex(uaddr, op, val, timeout, uaddr2, val3) with the count of woken
 * waiters written to out (0 for a wait), in Linux's order of checks:
 * FUTEX_CLOCK_REALTIME only with FUTEX_WAIT_BITSET (ENOSYS), the timeout
 * (EFAULT, EINVAL), an empty bitset (EINVAL), the address's alignment
 * (EINVAL) and memory (EFAULT), then the word (EAGAIN if it is not val).
 */
function futex(p: Process, uaddr: number, op: number, val: number, timeout: number, _uaddr2: number, val3: number, out: number): number {
  uaddr >>>= 0;
  const w = p.callSlot(WAITER);
  if (w !== undefined) return resume(p, w, out);
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const priv = (op & FUTEX_PRIVATE_FLAG) !== 0;
  if (op & FUTEX_CLOCK_REALTIME && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) return E.ENOSYS;
  p.mem.check(out, 4);
  if (cmd === FUTEX_WAIT || cmd === FUTEX_WAIT_BITSET) {
    // FUTEX_WAIT's timeout is relative (CLOCK_MONOTONIC); FUTEX_WAIT_BITSET's absolute, on the clock op names.
    let deadline = -1;
    if (timeout) {
      const ns = readTimespec(p, timeout);
      const k = p.kernel;
      if (cmd === FUTEX_WAIT) deadline = ns > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : p.deadline(Number(ns));
      else {
        const now = op & FUTEX_CLOCK_REALTIME ? k.clock.wall() : BigInt(k.clock.now());
        const left = ns - now;
        deadline = p.callDeadline = left > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : p.callStart + Math.max(0, Number(left));
      }
    }
    const bitset = cmd === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3 >>> 0;
    if (!bitset) return E.EINVAL;
    if (uaddr % 4) return E.EINVAL;
    const key = keyOf(p, uaddr, priv);
    if (p.mem.u32(uaddr) !== val >>> 0) return E.EAGAIN;
    const nw: Waiter = { p, key, bitset, queue: new WaitQueue(), woken: false };
    const t = tableOf(p);
    // Waiters whose wait ended otherwise (a signal, an exit) go as the next one queues, or at the next wake.
    const ws = (t.get(key) ?? []).filter(live);
    t.set(key, ws);
    ws.push(nw);
    p.setCallSlot(WAITER, nw);
    // Linux: a wait with a timeout ends -ERESTART_RESTARTBLOCK under a signal (EINTR once a handler ran), one without -ERESTARTSYS.
    if (deadline >= 0) p.setCallSlot(SLEEPING, true);
    return p.block([nw.queue], deadline);
  }
  if (cmd === FUTEX_WAKE || cmd === FUTEX_WAKE_BITSET) {
    const bitset = cmd === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3 >>> 0;
    if (!bitset) return E.EINVAL;
    if (uaddr % 4) return E.EINVAL;
    const key = keyOf(p, uaddr, priv);
    // A shared futex's page must be there (get_user_pages); a private one's address is only a number.
    if (!priv) p.mem.check(uaddr, 4);
    p.mem.setU32(out, wake(p, key, val | 0, bitset));
    return 0;
  }
  return E.ENOSYS;
}

const S = 'socklab';
export const futexSyscalls: readonly SyscallDef[] = [
  syscall(S, 'futex', { strace: 'futex', classes: [], params: ['uaddr:ptr', 'op:futex_op', 'val:u32', 'timeout:futex_timeout', 'uaddr2:futex_uaddr2', 'val3:futex_val3', 'n:ret'] }, futex),
];
