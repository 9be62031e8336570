// Open files and directories of the filesystem, as OpenFile objects in the
// one fd table. Regular files are always ready (POLLIN|POLLOUT), as on Linux.
import * as fs from 'node:fs';
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLOUT, type FileStat, type OpenFile } from '../kernel/file.js';
import { WaitQueue } from '../kernel/wait.js';
import { HostNode, MemDir, MemFile, MountPoint, hostErrno, statNode, type Vfs } from './memfs.js';

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
  }
  protected size(): number {
    return this.node.size;
  }
  pread(iovs: Uint8Array[], offset: bigint): number {
    if (!this.readable) throw new Errno(E.EBADF);
    let o = Number(offset);
    let n = 0;
    for (const v of iovs) {
      const k = Math.max(0, Math.min(v.length, this.node.size - o));
      v.set(this.node.data.subarray(o, o + k));
      n += k;
      o += k;
      if (k < v.length) break;
    }
    this.node.times.atim = this.vfs.times().atim;
    return n;
  }
  pwrite(iovs: Uint8Array[], offset: bigint): number {
    if (!this.writable) throw new Errno(E.EBADF);
    let o = Number(offset);
    const end = o + total(iovs);
    if (end > 2 ** 31) throw new Errno(E.EFBIG);
    this.node.ensure(end);
    if (o > this.node.size) this.node.data.fill(0, this.node.size, o);
    for (const v of iovs) {
      this.node.data.set(v, o);
      o += v.length;
    }
    if (o > this.node.size) this.node.size = o;
    const t = this.vfs.times();
    this.node.times.mtim = t.mtim;
    this.node.times.ctim = t.ctim;
    return end - Number(offset);
  }
  stat(): FileStat {
    return statNode(this.node);
  }
  close(): void {}
}

export class HostFileHandle extends PositionedFile implements OpenFile {
  constructor(
    private readonly fd: number,
    path: string,
    readonly readable: boolean,
    readonly writable: boolean,
  ) {
    super(path);
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
    let o = Number(offset);
    try {
      for (const v of iovs) o += fs.writeSync(this.fd, v, 0, v.length, o);
    } catch (e) {
      throw hostErrno(e);
    }
    return o - Number(offset);
  }
  truncate(n: number): void {
    try {
      fs.ftruncateSync(this.fd, n);
    } catch (e) {
      throw hostErrno(e);
    }
  }
  stat(): FileStat {
    const st = fs.fstatSync(this.fd);
    const ns = (ms: number): bigint => BigInt(Math.round(ms * 1e6));
    return { dev: 2n, ino: BigInt(st.ino), filetype: FileType.RegularFile, nlink: BigInt(st.nlink), size: BigInt(st.size), atim: ns(st.atimeMs), mtim: ns(st.mtimeMs), ctim: ns(st.ctimeMs) };
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
  constructor(
    readonly node: MemDir | HostNode | MountPoint,
    path: string,
    readonly vfs: Vfs,
  ) {
    super(path);
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
    } else {
      const dir = this.node instanceof MountPoint ? this.node.host : this.node.path;
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
    }
    return out;
  }
  stat(): FileStat {
    return statNode(this.node);
  }
  close(): void {}
}
