// POSIX record locks, fcntl(F_GETLK / F_SETLK / F_SETLKW), as Linux's
// fs/locks.c keeps them: per inode, a list of byte ranges each held by an
// owner, the fd table (files_struct) of the process that set it, so a lock is
// not inherited across fork and goes away when its process closes ANY fd of
// the file (locks_remove_posix) or exits. Read locks of several owners may
// overlap; a write lock conflicts with every other owner's lock. An owner's
// own locks merge and split as ranges change (posix_lock_inode).
import { E, Errno } from '../abi/errno.js';
import type { OpenFile } from './file.js';
import type { FdTable } from './fdtable.js';
import type { Process } from './process.js';
import { WaitQueue } from './wait.js';

export const F_RDLCK = 0;
export const F_WRLCK = 1;
export const F_UNLCK = 2;
/** OFFSET_MAX: a lock to the end of the file (l_len 0). */
const OFFSET_MAX = 0x7fffffffffffffffn;
/** MAX_DEADLK_ITERATIONS: how far posix_locks_deadlock follows the chain of waiters. */
const MAX_DEADLK_ITERATIONS = 10;

interface Lock {
  owner: FdTable;
  /** tgid of the process that set it: F_GETLK's l_pid. */
  pid: number;
  type: typeof F_RDLCK | typeof F_WRLCK;
  start: bigint;
  /** Inclusive; OFFSET_MAX to the end of the file. */
  end: bigint;
}

/** One inode's locks, and the F_SETLKW callers waiting for a change. */
class InodeLocks {
  locks: Lock[] = [];
  readonly waitq = new WaitQueue();
}

/** A kernel's locks by inode (a MemFile's node object, or "dev:ino" of a host file), and who waits for whom. */
export class LockTable {
  readonly inodes = new Map<unknown, InodeLocks>();
  /** Owners asleep in F_SETLKW, and the owner of the lock each waits for (Linux's blocked_hash, for posix_locks_deadlock). */
  readonly waiting = new Map<FdTable, { p: Process; blocker: FdTable; q: WaitQueue }>();
}

/** struct flock as the guest gave it (the ABI's layout, docs/abi.md), and as a range. */
export interface Flock {
  type: number;
  whence: number;
  start: bigint;
  len: bigint;
}

const TABLES = new WeakMap<object, LockTable>();

function inodeKey(f: OpenFile): unknown {
  const node = (f as { node?: unknown }).node;
  if (typeof node === 'object' && node !== null) return node;
  const st = f.stat();
  return `${st.dev}:${st.ino}`;
}

function table(p: Process): LockTable {
  let t = TABLES.get(p.kernel);
  if (!t) TABLES.set(p.kernel, (t = new LockTable()));
  return t;
}

/** The file's offset, f_pos: 0 where there is none (a pipe, a socket). */
function position(f: OpenFile): bigint {
  try {
    return f.seek ? f.seek(0n, 1) : 0n;
  } catch {
    return 0n;
  }
}

/** flock_to_posix_lock: the byte range [start, end] the struct names, or EINVAL/EOVERFLOW. */
export function lockRange(f: OpenFile, fl: Flock): { start: bigint; end: bigint } {
  let base: bigint;
  if (fl.whence === 0) base = 0n;
  else if (fl.whence === 1) base = position(f);
  else if (fl.whence === 2) base = f.stat().size;
  else throw new Errno(E.EINVAL);
  let start = base + fl.start;
  if (start < 0n) throw new Errno(E.EINVAL);
  let end: bigint;
  if (fl.len > 0n) {
    end = start + fl.len - 1n;
    if (end > OFFSET_MAX) throw new Errno(E.EOVERFLOW);
  } else if (fl.len < 0n) {
    end = start - 1n;
    start += fl.len;
    if (start < 0n) throw new Errno(E.EINVAL);
  } else end = OFFSET_MAX;
  if (start > OFFSET_MAX) throw new Errno(E.EOVERFLOW);
  return { start, end };
}

const overlaps = (a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }): boolean => a.start <= b.end && b.start <= a.end;

function conflict(il: InodeLocks | undefined, owner: FdTable, type: number, start: bigint, end: bigint): Lock | undefined {
  return il?.locks.find((l) => l.owner !== owner && overlaps(l, { start, end }) && (type === F_WRLCK || l.type === F_WRLCK));
}

/**
 * F_GETLK: the first lock that would block this one, as struct flock
 * (l_whence SEEK_SET, l_len 0 for "to the end"), or only l_type F_UNLCK
 * when none would (fcntl_getlk leaves the other fields as they were).
 */
export function testLock(p: Process, f: OpenFile, fl: Flock): (Flock & { pid: number }) | undefined {
  if (fl.type !== F_RDLCK && fl.type !== F_WRLCK) throw new Errno(E.EINVAL);
  const { start, end } = lockRange(f, fl);
  const c = conflict(table(p).inodes.get(inodeKey(f)), p.fds, fl.type, start, end);
  if (!c) return undefined;
  return { type: c.type, whence: 0, start: c.start, len: c.end === OFFSET_MAX ? 0n : c.end - c.start + 1n, pid: c.pid };
}

/**
 * F_SETLK / F_SETLKW: 0, EAGAIN on a conflict (F_SETLK), or BLOCKED
 * through p.block (F_SETLKW, retried when the inode's locks change);
 * EDEADLK when the lock's owner waits, through a chain of waiters, for
 * this process. The type must match the file's access mode (EBADF).
 */
export function setLock(p: Process, f: OpenFile, fl: Flock, wait: boolean): number {
  if (fl.type !== F_RDLCK && fl.type !== F_WRLCK && fl.type !== F_UNLCK) return E.EINVAL;
  if ((fl.type === F_RDLCK && f.readable === false) || (fl.type === F_WRLCK && f.writable === false)) return E.EBADF;
  const { start, end } = lockRange(f, fl);
  const t = table(p);
  const key = inodeKey(f);
  let il = t.inodes.get(key);
  const owner = p.fds;
  t.waiting.delete(owner);
  if (fl.type === F_UNLCK) {
    if (il) unlockRange(t, key, il, owner, start, end);
    return 0;
  }
  const c = conflict(il, owner, fl.type, start, end);
  if (c) {
    if (!wait) return E.EAGAIN;
    if (deadlocks(t, owner, c.owner)) return E.EDEADLK;
    t.waiting.set(owner, { p, blocker: c.owner, q: il!.waitq });
    return p.block([il!.waitq]);
  }
  if (!il) t.inodes.set(key, (il = new InodeLocks()));
  // The owner's own locks in the range give way to the new one; a same-typed neighbour or overlap joins it.
  // Linux's list order, which F_GETLK's answer follows: grouped by owner (a new owner's at the end), by start within.
  let s = start;
  let e = end;
  const others: Lock[] = [];
  const mine: Lock[] = [];
  let at = -1;
  let changed = false;
  for (const l of il.locks) {
    if (l.owner !== owner) {
      others.push(l);
      continue;
    }
    if (at < 0) at = others.length;
    const touches = l.start <= (e === OFFSET_MAX ? e : e + 1n) && s <= (l.end === OFFSET_MAX ? l.end : l.end + 1n);
    if (l.type === fl.type && touches) {
      if (l.start < s) s = l.start;
      if (l.end > e) e = l.end;
      continue;
    }
    if (!overlaps(l, { start, end })) {
      mine.push(l);
      continue;
    }
    // A lock of the other type: what lies outside the new range stays (a write lock turned read lets readers in).
    changed = true;
    if (l.start < start) mine.push({ ...l, end: start - 1n });
    if (l.end > end) mine.push({ ...l, start: end + 1n });
  }
  mine.push({ owner, pid: p.pid, type: fl.type, start: s, end: e });
  mine.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  if (at < 0) at = others.length;
  il.locks = [...others.slice(0, at), ...mine, ...others.slice(at)];
  owner.locks = t;
  if (changed) il.waitq.wake();
  return 0;
}

/** posix_locks_deadlock: does `blocker` wait, directly or through other waiters, for `owner`? */
function deadlocks(t: LockTable, owner: FdTable, blocker: FdTable): boolean {
  let who: FdTable | undefined = blocker;
  for (let i = 0; who && i < MAX_DEADLK_ITERATIONS; i++) {
    if (who === owner) return true;
    // Only a F_SETLKW still asleep counts (one a signal ended left its entry behind).
    const w = t.waiting.get(who);
    who = w && w.p.state === 'blocked' && w.p.waitingOn?.queues.includes(w.q) ? w.blocker : undefined;
  }
  return false;
}

function unlockRange(t: LockTable, key: unknown, il: InodeLocks, owner: FdTable, start: bigint, end: bigint): void {
  const kept: Lock[] = [];
  let changed = false;
  for (const l of il.locks) {
    if (l.owner !== owner || !overlaps(l, { start, end })) {
      kept.push(l);
      continue;
    }
    changed = true;
    if (l.start < start) kept.push({ ...l, end: start - 1n });
    if (l.end > end) kept.push({ ...l, start: end + 1n });
  }
  il.locks = kept;
  if (!changed) return;
  // Waiters retry from the table: the entry may go.
  if (kept.length === 0) t.inodes.delete(key);
  il.waitq.wake();
}

/**
 * locks_remove_posix: a close() of any fd of the file by the process whose
 * fd table `owner` is drops all that process's locks on it (the fd table
 * calls this only while it holds locks: owner.locks).
 */
export function releaseLocks(owner: FdTable, f: OpenFile): void {
  const t = owner.locks;
  if (!t) return;
  const key = inodeKey(f);
  const il = t.inodes.get(key);
  if (!il) return;
  unlockRange(t, key, il, owner, 0n, OFFSET_MAX);
  let any = false;
  for (const x of t.inodes.values()) if (x.locks.some((l) => l.owner === owner)) any = true;
  if (!any) owner.locks = undefined;
}
