// Pipes: a 64 KiB byte buffer with a read end and a write end, each its own
// open file description in the fd table (design decision 1). As on Linux:
// a read of an empty pipe waits while a writer is left and returns 0 (EOF)
// once every write end is closed; a write with no read end left fails with
// EPIPE and raises SIGPIPE; a write of at most PIPE_BUF bytes is atomic (it
// waits until all of it fits, and is never interleaved with another), a
// longer one may be split. Blocking calls suspend on the pipe's wait queue.
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, WOULD_BLOCK, type FileStat, type OpenFile } from './file.js';
import { WaitQueue } from './wait.js';
import type { Process } from './process.js';
import { BLOCKED } from './syscall.js';
import { brokenPipe, POLL_IN, POLL_OUT, type FileOwner } from './signals.js';
import { runCounter } from './ids.js';

/** Linux's default pipe capacity (16 pages). */
export const PIPE_CAPACITY = 65536;
/** Writes of at most this many bytes are atomic (POSIX PIPE_BUF, Linux's value). */
export const PIPE_BUF = 4096;

const nextIno = runCounter(1n << 20n);

/** The buffer both ends share. */
/** st_mode's file type of a FIFO (WASI has no filetype for it). */
const S_IFIFO = 0o010000;

export class Pipe {
  readonly waitq = new WaitQueue();
  readonly ino = nextIno();
  /** The inode's permission bits: pipefs makes them 0600; fchmod on either end changes them. */
  mode = 0o600;
  private chunks: Uint8Array[] = [];
  /** Bytes buffered. */
  size = 0;
  /** Open descriptions of each end (an fd table's refs count the fds of one description). */
  readers = 0;
  writers = 0;
  /** The POLL* bits of the latest wake (OpenFile.wakeKey): data in, room out, or 0 for a close. */
  wakeKey = 0;
  /** The open descriptions of both ends, for O_ASYNC (pipe->fasync_readers and fasync_writers). */
  readonly ends = new Set<PipeEnd>();

  /** kill_fasync: SIGIO to the owners of the `end` descriptions with O_ASYNC on. */
  tellAsync(end: 'read' | 'write', reason: number): void {
    for (const e of this.ends) if ((e.end === end || e.end === 'both') && e.fown !== undefined && e.fown.asyncFd >= 0) e.fown.sendSigio(reason);
  }

  get room(): number {
    return PIPE_CAPACITY - this.size;
  }
  push(src: Uint8Array): void {
    if (!src.length) return;
    this.chunks.push(src.slice());
    this.size += src.length;
  }
  /** Moves up to dst.length bytes out; returns how many. */
  take(dst: Uint8Array): number {
    let o = 0;
    while (o < dst.length && this.chunks.length) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, dst.length - o);
      dst.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= o;
    return o;
  }
}

/** One end of a pipe, as an open file description ('both': a FIFO opened O_RDWR, host/fs/fifo.ts). */
export class PipeEnd implements OpenFile {
  nonblock = false;
  append = false;
  refs = 0;
  readonly filetype = FileType.Unknown;
  /** A write on a pipe nobody reads raises SIGPIPE, as on a socket. */
  readonly raisesSigpipe = true;
  readonly readable: boolean;
  readonly writable: boolean;
  private closed = false;
  fown?: FileOwner;

  constructor(
    readonly pipe: Pipe,
    readonly end: 'read' | 'write' | 'both',
  ) {
    this.readable = end !== 'write';
    this.writable = end !== 'read';
    if (this.readable) pipe.readers++;
    if (this.writable) pipe.writers++;
    pipe.ends.add(this);
  }
  get waitq(): WaitQueue {
    return this.pipe.waitq;
  }
  get wakeKey(): number {
    return this.pipe.wakeKey;
  }
  describe(): string {
    return `pipe:[${this.pipe.ino}]`;
  }
  poll(): number {
    const p = this.pipe;
    let m = 0;
    if (this.readable) {
      if (p.size > 0) m |= POLLIN | POLLRDNORM;
      if (p.writers === 0) m |= POLLHUP;
    }
    if (this.writable) {
      if (p.readers === 0) m |= POLLOUT | POLLWRNORM | POLLERR;
      else if (p.room >= PIPE_BUF) m |= POLLOUT | POLLWRNORM;
    }
    return m;
  }
  read(iovs: Uint8Array[]): number {
    if (!this.readable) throw new Errno(E.EBADF);
    const p = this.pipe;
    let want = 0;
    for (const v of iovs) want += v.length;
    if (want === 0) return 0;
    // pipe_read tells the writers' O_ASYNC owners on its way out, and before it sleeps.
    if (p.size === 0) {
      if (p.writers === 0) return 0;
      p.tellAsync('write', POLL_OUT);
      return WOULD_BLOCK;
    }
    const wasFull = p.room < PIPE_BUF;
    let n = 0;
    for (const v of iovs) {
      const k = p.take(v);
      n += k;
      if (k < v.length) break;
    }
    // Linux wakes writers' pollers only when the pipe was full.
    p.wakeKey = wasFull ? POLLOUT | POLLWRNORM : -1;
    p.waitq.wake();
    p.tellAsync('write', POLL_OUT);
    return n;
  }
  /**
   * One attempt at writing `iovs` (all of it when it is PIPE_BUF bytes or
   * less, else as much as fits): bytes written, WOULD_BLOCK, or EPIPE.
   */
  write(iovs: Uint8Array[]): number {
    if (!this.writable) throw new Errno(E.EBADF);
    const p = this.pipe;
    let total = 0;
    for (const v of iovs) total += v.length;
    if (total === 0) return 0;
    // pipe_write tells the readers' O_ASYNC owners on its way out (EPIPE included), and before it sleeps.
    if (p.readers === 0) {
      p.tellAsync('read', POLL_IN);
      throw new Errno(E.EPIPE);
    }
    if (total <= PIPE_BUF ? p.room < total : p.room === 0) {
      p.tellAsync('read', POLL_IN);
      return WOULD_BLOCK;
    }
    let left = Math.min(total, p.room);
    const n = left;
    for (const v of iovs) {
      if (left <= 0) break;
      const part = v.length <= left ? v : v.subarray(0, left);
      p.push(part);
      left -= part.length;
    }
    p.wakeKey = POLLIN | POLLRDNORM;
    p.waitq.wake();
    p.tellAsync('read', POLL_IN);
    return n;
  }
  stat(): FileStat {
    return { dev: 3n, ino: this.pipe.ino, filetype: FileType.Unknown, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n, mode: S_IFIFO | this.pipe.mode };
  }
  chmod(mode: number): void {
    this.pipe.mode = mode;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.readable) this.pipe.readers--;
    if (this.writable) this.pipe.writers--;
    this.pipe.ends.delete(this);
    this.pipe.wakeKey = 0;
    this.pipe.waitq.wake();
    // pipe_release: both sides' O_ASYNC owners hear of it.
    this.pipe.tellAsync('read', POLL_IN);
    this.pipe.tellAsync('write', POLL_OUT);
  }
}

/**
 * write(2) on a pipe: a blocking write of more than PIPE_BUF bytes returns
 * only once all of it is in the pipe (p.callBytes carries the progress
 * across suspensions); a non-blocking one writes what fits, or EAGAIN.
 * Returns bytes written, -errno, or BLOCKED.
 */
export function pipeWrite(p: Process, f: PipeEnd, iovs: Uint8Array[]): number {
  const done = p.callBytes;
  const rest = done ? skip(iovs, done) : iovs;
  let n: number;
  try {
    n = f.write(rest);
  } catch (e) {
    if (e instanceof Errno && e.errno === E.EPIPE) {
      // Bytes already written count (Linux returns them); else SIGPIPE, or EPIPE when it is ignored.
      if (done) return done;
      return -brokenPipe(p, false, E.EPIPE);
    }
    throw e;
  }
  if (n === WOULD_BLOCK) {
    if (f.nonblock) return done ? done : -E.EAGAIN;
    // Not BLOCKED: a signal interrupted the write after `done` bytes, which it returns (Linux's pipe_write).
    const r = p.block([f.waitq]);
    return r === BLOCKED ? r : done;
  }
  let total = 0;
  for (const v of rest) total += v.length;
  if (n < total && !f.nonblock) {
    p.callBytes = done + n;
    const r = p.block([f.waitq]);
    return r === BLOCKED ? r : done + n;
  }
  return done + n;
}

function skip(iovs: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const v of iovs) {
    if (n >= v.length) {
      n -= v.length;
      continue;
    }
    out.push(n ? v.subarray(n) : v);
    n = 0;
  }
  return out;
}

export { BLOCKED };
