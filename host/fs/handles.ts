// Open files and directories of the filesystem, as OpenFile objects in the
// one fd table. Regular files are always ready (POLLIN|POLLOUT), as on Linux.
import * as fs from 'node:fs';
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLOUT, type FileStat, type OpenFile } from '../kernel/file.js';
import { WaitQueue } from '../kernel/wait.js';
import { chmodHostFd, chmodNode } from './modes.js';
import { HostNode, MAX_FILE_SIZE, MemDir, MemFile, MountPoint, hostErrno, hostStat, setHostTimes, statNode, type FsSpace, type Resolved, type Vfs } from './memfs.js';

abstract class Base {
  readonly waitq = new WaitQueue();
  nonblock = false;
  append = false;
  refs = 0;
  constructor(readonly path: string) {}
  describe(): string {
    return this.path;
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
}

/** lseek's SEEK_DATA and SEEK_HOLE, Linux's values (wasi-libc passes whence on as it is). */
const SEEK_DATA = 3;
const SEEK_HOLE = 4;

function total(iovs: Uint8Array[]): number {
  let n = 0;
  for (const v of iovs) n += v.length;
  return n;
}

/** A regular file with a position: read/write/lseek in terms of pread/pwrite and the file's size. */
abstract class PositionedFile extends Base {
  readonly filetype = FileType.RegularFile;
  private pos = 0;
  abstract pread(iovs: Uint8Array[], offset: bigint): number;
  abstract pwrite(iovs: Uint8Array[], offset: bigint): number;
  protected abstract size(): number;
  read(iovs: Uint8Array[]): number {
    const n = this.pread(iovs, BigInt(this.pos));
    this.pos += n;
    return n;
  }
  write(iovs: Uint8Array[]): number {
    if (this.append) this.pos = this.size();
    const n = this.pwrite(iovs, BigInt(this.pos));
    this.pos += n;
    return n;
  }
  seek(offset: bigint, whence: number): bigint {
    if (whence === SEEK_DATA || whence === SEEK_HOLE) {
      // Files here have no holes: data runs from any offset inside the file, the one hole is the implicit one at
      // its end (Linux's generic_file_llseek_size for such a file); at or past the end both are ENXIO.
      const at = Number(offset);
      const size = this.size();
      if (at < 0 || at >= size) throw new Errno(E.ENXIO);
      this.pos = whence === SEEK_DATA ? at : size;
      return BigInt(this.pos);
    }
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? this.size() : NaN;
    if (Number.isNaN(base)) throw new Errno(E.EINVAL);
    const p = base + Number(offset);
    if (p < 0) throw new Errno(E.EINVAL);
    this.pos = p;
    return BigInt(p);
  }
}

export class MemFileHandle extends PositionedFile implements OpenFile {
  constructor(
    readonly node: MemFile,
    path: string,
    private readonly vfs: Vfs,
    readonly readable: boolean,
    readonly writable: boolean,
  ) {
    super(path);
    node.opens++;
  }
  protected size(): number {
    return this.node.size;
  }
  /** As Linux's /proc/PID/fd link: an unlinked file's path ends " (deleted)" (strace prints `3</tmp/x>(deleted)`). */
  override describe(): string {
    return this.node.nlink === 0 ? `${this.path} (deleted)` : this.path;
  }
  pread(iovs: Uint8Array[], offset: bigint): number {
    if (!this.readable) throw new Errno(E.EBADF);
    let o = Number(offset);
    let n = 0;
    for (const v of iovs) {
      const k = Math.max(0, Math.min(v.length, this.node.size - o));
      if (k) this.node.read(k === v.length ? v : v.subarray(0, k), o);
      n += k;
      o += k;
      if (k < v.length) break;
    }
    this.node.times.atim = this.vfs.times().atim;
    return n;
  }
  pwrite(iovs: Uint8Array[], offset: bigint): number {
    if (!this.writable) throw new Errno(E.EBADF);
    const start = Number(offset);
    const want = start + total(iovs);
    if (want === start) return 0;
    // Linux writes what fits below the largest file size, then EFBIG.
    if (start >= MAX_FILE_SIZE) throw new Errno(E.EFBIG);
    const end = Math.min(want, MAX_FILE_SIZE);
    let o = start;
    for (const v of iovs) {
      // An empty iovec is skipped (musl's first stdout write is [empty buffer, line]).
      if (!v.length) continue;
      const k = Math.min(v.length, end - o);
      if (k <= 0) break;
      const stored = this.node.write(k === v.length ? v : v.subarray(0, k), o);
      o += stored;
      if (stored < k) break;
    }
    // A full space: a short write, or ENOSPC when nothing fit.
    if (o === start) throw new Errno(E.ENOSPC);
    const t = this.vfs.times();
    this.node.times.mtim = t.mtim;
    this.node.times.ctim = t.ctim;
    return o - start;
  }
  stat(): FileStat {
    return statNode(this.node);
  }
  chmod(mode: number): void {
    chmodNode(this.node, mode, this.vfs.times().ctim);
  }
  close(): void {
    this.node.opens--;
    this.node.release();
  }
}

/**
 * A regular file of a mounted host directory. What a guest adds to host
 * files counts against the run's space too (growth only: a file that
 * shrinks gives nothing back, so space cannot be gained on files that
 * existed before the run).
 */
export class HostFileHandle extends PositionedFile implements OpenFile {
  constructor(
    private readonly fd: number,
    path: string,
    readonly readable: boolean,
    readonly writable: boolean,
    private readonly space: FsSpace,
    /** On a read-only mount: utimensat is EROFS. */
    readonly readonlyMount = false,
  ) {
    super(path);
  }
  /** How far the file may grow to reach `end`: short of it when the space is full. */
  private growTo(end: number): number {
    const size = this.size();
    if (end <= size) return end;
    return Math.min(end, size + this.space.room());
  }
  protected size(): number {
    return fs.fstatSync(this.fd).size;
  }
  pread(iovs: Uint8Array[], offset: bigint): number {
    if (!this.readable) throw new Errno(E.EBADF);
    let o = Number(offset);
    let n = 0;
    try {
      for (const v of iovs) {
        const k = fs.readSync(this.fd, v, 0, v.length, o);
        n += k;
        o += k;
        if (k < v.length) break;
      }
    } catch (e) {
      throw hostErrno(e);
    }
    return n;
  }
  pwrite(iovs: Uint8Array[], offset: bigint): number {
    if (!this.writable) throw new Errno(E.EBADF);
    const start = Number(offset);
    const want = start + total(iovs);
    if (want === start) return 0;
    if (start >= MAX_FILE_SIZE) throw new Errno(E.EFBIG);
    const before = this.size();
    const end = this.growTo(Math.min(want, MAX_FILE_SIZE));
    if (end <= start) throw new Errno(E.ENOSPC);
    let o = start;
    try {
      for (const v of iovs) {
        if (o >= end) break;
        const k = Math.min(v.length, end - o);
        o += fs.writeSync(this.fd, v, 0, k, o);
      }
    } catch (e) {
      throw hostErrno(e);
    } finally {
      if (o > before) this.space.charge(Math.min(o - before, this.space.room()));
    }
    return o - start;
  }
  truncate(n: number): void {
    const before = this.size();
    if (n > before && n - before > this.space.room()) throw new Errno(E.ENOSPC);
    try {
      fs.ftruncateSync(this.fd, n);
    } catch (e) {
      throw hostErrno(e);
    }
    if (n > before) this.space.charge(n - before);
  }
  /** futimens(): EROFS on a read-only mount, as Linux. */
  setTimes(t: { a: bigint | undefined; m: bigint | undefined }): void {
    if (this.readonlyMount) throw new Errno(E.EROFS);
    setHostTimes(this.fd, true, t);
  }
  chmod(mode: number): void {
    chmodHostFd(this.fd, mode, this.readonlyMount);
  }
  stat(): FileStat {
    try {
      return hostStat(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      throw hostErrno(e);
    }
  }
  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already gone */
    }
  }
}

/** An open directory: the base of path_* calls and the source of fd_readdir. */
export class DirHandle extends Base implements OpenFile {
  readonly filetype = FileType.Directory;
  /** The SDK's preopened "/" above the fd limit: no descriptor of the program's (absent from /dev/fd). */
  hiddenRoot = false;
  constructor(
    readonly node: MemDir | HostNode | MountPoint,
    path: string,
    readonly vfs: Vfs,
    /** Reached from a named preopen: a WASI capability, paths from it stay under it (Vfs.resolve). */
    readonly sandboxed = false,
  ) {
    super(path);
  }
  /** A path relative to this directory, inside its preopen's sandbox. */
  resolve(path: string, follow: boolean): Resolved {
    return this.vfs.resolve(this.node, path, follow, this.sandboxed);
  }
  read(): number {
    throw new Errno(E.EISDIR);
  }
  write(): number {
    throw new Errno(E.EISDIR);
  }
  seek(): bigint {
    // lseek on a directory is allowed on Linux; WASI tracks position with readdir cookies instead.
    return 0n;
  }
  /** Entries as Linux's getdents lists them: ".", "..", then the names. */
  entries(): { name: string; ino: bigint; type: FileType }[] {
    const self = statNode(this.node);
    const out = [
      { name: '.', ino: self.ino, type: FileType.Directory },
      { name: '..', ino: self.ino, type: FileType.Directory },
    ];
    if (this.node instanceof MemDir) {
      for (const [name, n] of this.node.entries) {
        const st = statNode(n);
        out.push({ name, ino: st.ino, type: st.filetype });
      }
      // The root over a host directory (--dir HOST:/): its names too, except those the memory shadows.
      const rm = this.node === this.vfs.root ? this.vfs.rootMount : undefined;
      if (rm) for (const e of hostEntries(rm.host)) if (!this.node.entries.has(e.name)) out.push(e);
    } else out.push(...hostEntries(this.node instanceof MountPoint ? this.node.host : this.node.path));
    return out;
  }
  stat(): FileStat {
    return statNode(this.node);
  }
  chmod(mode: number): void {
    chmodNode(this.node, mode, this.vfs.times().ctim);
  }
  close(): void {}
}

function hostEntries(dir: string): { name: string; ino: bigint; type: FileType }[] {
  const out: { name: string; ino: bigint; type: FileType }[] = [];
  try {
    for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      let ino = 0n;
      try {
        ino = BigInt(fs.lstatSync(`${dir}/${d.name}`).ino);
      } catch {
        continue;
      }
      const type = d.isDirectory() ? FileType.Directory : d.isFile() ? FileType.RegularFile : d.isSymbolicLink() ? FileType.SymbolicLink : d.isSocket() ? FileType.SocketStream : FileType.Unknown;
      out.push({ name: d.name, ino, type });
    }
  } catch (e) {
    throw hostErrno(e);
  }
  return out;
}
