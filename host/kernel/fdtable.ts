// A process's file descriptor table: small integers to shared open file
// descriptions, lowest free number first, as POSIX requires.
import { E, Errno } from '../abi/errno.js';
import type { OpenFile } from './file.js';
import { releaseLocks, type LockTable } from './locks.js';

export interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
  /** WASI preopen name, when this fd is a preopened directory. */
  preopen?: string;
}

/** NR_OPEN_DEFAULT on a 64-bit Linux: the fd array embedded in files_struct. */
const NR_OPEN_DEFAULT = 64;

export class FdTable {
  private readonly slots: (FdEntry | undefined)[] = [];
  private count = 0;
  /** Every fd below it is open (Linux's files->next_fd): 60,000 opens scan from here, not from 0. */
  private lowFree = 0;
  constructor(public limit = 1024) {}
  /** Set while this table's process holds fcntl record locks (it is their owner, as Linux's files_struct): see locks.ts. */
  locks: LockTable | undefined;
  /** A descriptor leaves the table: its process's record locks on the file go (locks_remove_posix), then the reference. */
  private drop(f: OpenFile): void {
    if (this.locks) releaseLocks(this, f);
    release(f);
  }

  /**
   * The size of Linux's fd array (fdt->max_fds): 64 at first, grown to the
   * next power of two when a descriptor at or past it is installed, never
   * shrunk; fork sizes the child's to its open descriptors. select() ignores
   * descriptors at or past it, so a closed fd 99 is EBADF in one process and
   * silently skipped in another.
   */
  maxFds = NR_OPEN_DEFAULT;
  private grow(fd: number): void {
    if (fd >= this.maxFds) this.maxFds = roundupPow2(fd + 1);
  }

  get(fd: number): FdEntry {
    const e = fd >= 0 ? this.slots[fd] : undefined;
    if (!e) throw new Errno(E.EBADF);
    return e;
  }
  file(fd: number): OpenFile {
    return this.get(fd).file;
  }
  has(fd: number): boolean {
    return fd >= 0 && this.slots[fd] !== undefined;
  }
  get size(): number {
    return this.count;
  }
  /** The most descriptors open at once. */
  peak = 0;

  /** Installs file at the lowest free fd >= min; EMFILE past the limit. */
  install(file: OpenFile, opts: { cloexec?: boolean; preopen?: string; min?: number } = {}): number {
    const from = Math.max(opts.min ?? 0, this.lowFree);
    let fd = from;
    while (this.slots[fd] !== undefined) fd++;
    if (from === this.lowFree) this.lowFree = fd;
    if (fd >= this.limit) throw new Errno(E.EMFILE);
    this.slots[fd] = { file, cloexec: opts.cloexec ?? false, preopen: opts.preopen };
    if (++this.count > this.peak) this.peak = this.count;
    file.refs++;
    this.grow(fd);
    return fd;
  }

  /**
   * The fd place() used: the SDK's preopened "/", which is no descriptor of
   * the program's. It stays put when RLIMIT_NOFILE moves the limit past it,
   * so a program that then closes every fd below its limit (APUE's
   * daemonize) or dup2()s onto it gets EBADF, as Linux answers for an fd
   * that is not open, and keeps its filesystem.
   */
  private hidden = -1;
  private notHidden(fd: number): void {
    if (fd === this.hidden) throw new Errno(E.EBADF);
  }

  /** Installs file at exactly fd, outside the lowest-free order and the limit (the SDK's preopen at the top of the table). */
  place(fd: number, file: OpenFile, opts: { cloexec?: boolean; preopen?: string } = {}): void {
    if (this.slots[fd] !== undefined) throw new Errno(E.EBADF);
    this.hidden = fd;
    this.slots[fd] = { file, cloexec: opts.cloexec ?? false, preopen: opts.preopen };
    if (++this.count > this.peak) this.peak = this.count;
    file.refs++;
  }

  /** dup/F_DUPFD: a new fd (lowest free >= min) for fd's open description; the close-on-exec flag is the new fd's own. */
  dup(fd: number, min = 0, cloexec = false): number {
    const e = this.get(fd);
    return this.install(e.file, { cloexec, min });
  }

  /** dup2/dup3: `to` refers to from's description, after closing what `to` held (EBADF past the limit). */
  dupTo(from: number, to: number, cloexec = false): void {
    const e = this.get(from);
    if (to < 0 || to >= this.limit) throw new Errno(E.EBADF);
    this.notHidden(to);
    if (from === to) return;
    // Take the reference first: closing `to` must not release a description `from` still shares.
    e.file.refs++;
    this.grow(to);
    const old = this.slots[to];
    this.slots[to] = { file: e.file, cloexec };
    if (old) this.drop(old.file);
    else if (++this.count > this.peak) this.peak = this.count;
  }

  /** Closes fd; the description is released when no fd refers to it. */
  close(fd: number): void {
    this.notHidden(fd);
    this.release(fd);
  }
  private release(fd: number): void {
    const e = this.get(fd);
    this.slots[fd] = undefined;
    if (fd < this.lowFree) this.lowFree = fd;
    this.count--;
    this.drop(e.file);
  }

  /** dup2/fd_renumber: from takes to's number, to's old file is closed. */
  renumber(from: number, to: number): void {
    const e = this.get(from);
    if (to < 0 || to >= this.limit) throw new Errno(E.EBADF);
    this.notHidden(from);
    this.notHidden(to);
    if (from === to) return;
    this.grow(to);
    const old = this.slots[to];
    this.slots[to] = e;
    this.slots[from] = undefined;
    if (from < this.lowFree) this.lowFree = from;
    if (old) {
      this.count--;
      this.drop(old.file);
    }
  }

  entries(): [number, FdEntry][] {
    const out: [number, FdEntry][] = [];
    this.slots.forEach((e, fd) => e && out.push([fd, e]));
    return out;
  }

  /** fork(): the same fds, sharing each open file description (one more reference each). */
  copyFrom(parent: FdTable): void {
    this.limit = parent.limit;
    this.hidden = parent.hidden;
    let highest = -1;
    for (const [fd, e] of parent.entries()) {
      this.slots[fd] = { ...e };
      if (++this.count > this.peak) this.peak = this.count;
      e.file.refs++;
      // The SDK's hidden preopen is no descriptor of the program's.
      if (fd !== this.hidden) highest = fd;
    }
    // dup_fd: the open descriptors rounded up to whole words of the bitmap, then to the allocation's power of two.
    const open = Math.ceil((highest + 1) / NR_OPEN_DEFAULT) * NR_OPEN_DEFAULT;
    this.maxFds = open <= NR_OPEN_DEFAULT ? NR_OPEN_DEFAULT : roundupPow2(open);
  }

  /** execve: the fds marked FD_CLOEXEC are closed (the SDK's hidden preopen at `limit` is not one). */
  closeOnExec(): void {
    for (const [fd, e] of this.entries()) if (e.cloexec) this.close(fd);
  }

  closeAll(): void {
    for (const [fd] of this.entries()) this.release(fd);
  }
}

function roundupPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

function release(f: OpenFile): void {
  if (--f.refs === 0) f.close();
}
