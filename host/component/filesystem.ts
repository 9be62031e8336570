// wasi:filesystem (types, preopens) on the virtual host's Vfs and mounts
// (host/fs), with preview1's own rules: the path operations are the ones
// host/wasi/files.ts runs for path_open, unlinkat, renameat... (read-only
// mounts, O_NOFOLLOW on host files, chroot-like resolution under socklab's
// own "/", a capability under a host directory given as "/" or a named
// preopen: escapes are not-permitted, as wasmtime says), and file
// contents go through the same handles, so --max-fs counts a component's
// writes as it counts a preview1 guest's. A descriptor is an open file
// description in the process's fd table (closed when the component drops
// it, or at exit with every other fd); the preopened "/" is the fd the
// session installed for every process. Errnos become WASI 0.2's
// filesystem error-code names.
import { createHash } from 'node:crypto';
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLOUT, type FileStat, type OpenFile } from '../kernel/file.js';
import { DirHandle, HostFileHandle } from '../fs/handles.js';
import { statNode } from '../fs/memfs.js';
import {
  FST, OPEN, fileNode, linkPath, mkdirPath, openAt, readlinkPath, renamePath, setSize, setTimes, symlinkPath, timesArg, unlinkPath,
} from '../wasi/files.js';
import { fail, InputStream, IoError, OutputStream } from './io.js';
import type { ComponentProcess } from './process.js';

export type FsErrorCode =
  | 'access' | 'would-block' | 'already' | 'bad-descriptor' | 'busy' | 'deadlock' | 'quota' | 'exist'
  | 'file-too-large' | 'illegal-byte-sequence' | 'in-progress' | 'interrupted' | 'invalid' | 'io'
  | 'is-directory' | 'loop' | 'too-many-links' | 'message-size' | 'name-too-long' | 'no-device' | 'no-entry'
  | 'no-lock' | 'insufficient-memory' | 'insufficient-space' | 'not-directory' | 'not-empty' | 'not-recoverable'
  | 'unsupported' | 'no-tty' | 'no-such-device' | 'overflow' | 'not-permitted' | 'pipe' | 'read-only'
  | 'invalid-seek' | 'text-file-busy' | 'cross-device';

/** Linux errno (as host/fs and host/wasi throw it) to wasi:filesystem's error-code. */
const FS_CODES: ReadonlyMap<number, FsErrorCode> = new Map<number, FsErrorCode>([
  [E.EACCES, 'access'], [E.EAGAIN, 'would-block'], [E.EALREADY, 'already'], [E.EBADF, 'bad-descriptor'],
  [E.EBUSY, 'busy'], [E.EDEADLK, 'deadlock'], [E.EDQUOT, 'quota'], [E.EEXIST, 'exist'], [E.EFBIG, 'file-too-large'],
  [E.EILSEQ, 'illegal-byte-sequence'], [E.EINPROGRESS, 'in-progress'], [E.EINTR, 'interrupted'], [E.EINVAL, 'invalid'],
  [E.EIO, 'io'], [E.EISDIR, 'is-directory'], [E.ELOOP, 'loop'], [E.EMLINK, 'too-many-links'], [E.EMSGSIZE, 'message-size'],
  [E.ENAMETOOLONG, 'name-too-long'], [E.ENODEV, 'no-device'], [E.ENOENT, 'no-entry'], [E.ENOLCK, 'no-lock'],
  [E.ENOMEM, 'insufficient-memory'], [E.ENOSPC, 'insufficient-space'], [E.ENOTDIR, 'not-directory'],
  [E.ENOTEMPTY, 'not-empty'], [E.ENOTRECOVERABLE, 'not-recoverable'], [E.EOPNOTSUPP, 'unsupported'],
  [E.ENOTTY, 'no-tty'], [E.ENXIO, 'no-such-device'], [E.EOVERFLOW, 'overflow'], [E.EPERM, 'not-permitted'],
  [E.ENOTCAPABLE, 'not-permitted'], [E.EPIPE, 'pipe'], [E.EROFS, 'read-only'], [E.ESPIPE, 'invalid-seek'],
  [E.ETXTBSY, 'text-file-busy'], [E.EXDEV, 'cross-device'],
  // WASI 0.2 has no "too many open files": the fd table is full, as for memory.
  [E.EMFILE, 'insufficient-memory'], [E.ENFILE, 'insufficient-memory'],
]);

export function fsErrorCode(errno: number): FsErrorCode {
  return FS_CODES.get(errno) ?? 'io';
}

/** Runs a host/fs operation, turning a thrown (or returned, non-zero) errno into the result's err. */
function fsCall<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Errno) fail(fsErrorCode(e.errno));
    throw e;
  }
}
function check(errno: number): void {
  if (errno !== 0) fail(fsErrorCode(errno));
}

export interface DescriptorFlags {
  read?: boolean;
  write?: boolean;
  fileIntegritySync?: boolean;
  dataIntegritySync?: boolean;
  requestedWriteSync?: boolean;
  mutateDirectory?: boolean;
}
interface PathFlags {
  symlinkFollow?: boolean;
}
interface OpenFlags {
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
}
type Datetime = { seconds: bigint; nanoseconds: number };
type NewTimestamp = { tag: 'no-change' } | { tag: 'now' } | { tag: 'timestamp'; val: Datetime };
type DescriptorType = 'unknown' | 'block-device' | 'character-device' | 'directory' | 'fifo' | 'symbolic-link' | 'regular-file' | 'socket';

const TYPES: Record<number, DescriptorType> = {
  [FileType.Unknown]: 'unknown', [FileType.BlockDevice]: 'block-device', [FileType.CharacterDevice]: 'character-device',
  [FileType.Directory]: 'directory', [FileType.RegularFile]: 'regular-file', [FileType.SocketDgram]: 'socket',
  [FileType.SocketStream]: 'socket', [FileType.SymbolicLink]: 'symbolic-link',
};

function datetime(ns: bigint): Datetime {
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}

function descriptorStat(st: FileStat): Record<string, unknown> {
  return {
    type: TYPES[st.filetype] ?? 'unknown',
    linkCount: st.nlink,
    size: st.size,
    dataAccessTimestamp: datetime(st.atim),
    dataModificationTimestamp: datetime(st.mtim),
    statusChangeTimestamp: datetime(st.ctim),
  };
}

function metadataHashOf(st: FileStat): { lower: bigint; upper: bigint } {
  const h = createHash('sha256').update(`${st.dev}:${st.ino}:${st.size}:${st.mtim}:${st.ctim}`).digest();
  return { lower: h.readBigUInt64LE(0), upper: h.readBigUInt64LE(8) };
}

/** preview1's (atim, mtim, fstflags) for two new-timestamp values. */
function timesFlags(a: NewTimestamp, m: NewTimestamp): [bigint, bigint, number] {
  const ns = (d: Datetime): bigint => d.seconds * 1_000_000_000n + BigInt(d.nanoseconds);
  let flags = 0;
  let at = 0n;
  let mt = 0n;
  if (a.tag === 'now') flags |= FST.ATIM_NOW;
  else if (a.tag === 'timestamp') (flags |= FST.ATIM), (at = ns(a.val));
  if (m.tag === 'now') flags |= FST.MTIM_NOW;
  else if (m.tag === 'timestamp') (flags |= FST.MTIM), (mt = ns(m.val));
  return [at, mt, flags];
}

/** Largest read one call returns (a shorter read is allowed: the guest asks again). */
const READ_CHUNK = 1 << 20;

/**
 * A stream's view of a file: its own position, reads and writes through the
 * file's pread/pwrite (so the handle's rules and --max-fs apply); an append
 * view writes at the end each time.
 */
class FileView implements OpenFile {
  nonblock = false;
  append = false;
  refs = 0;
  constructor(
    private readonly f: OpenFile,
    private pos: bigint,
    private readonly appending: boolean,
  ) {}
  get filetype(): FileType {
    return this.f.filetype;
  }
  get waitq() {
    return this.f.waitq;
  }
  describe(): string {
    return this.f.describe();
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  read(iovs: Uint8Array[]): number {
    const n = this.f.pread!(iovs, this.pos);
    this.pos += BigInt(n);
    return n;
  }
  write(iovs: Uint8Array[]): number {
    if (this.appending) this.pos = this.f.stat().size;
    const n = this.f.pwrite!(iovs, this.pos);
    this.pos += BigInt(n);
    return n;
  }
  stat(): FileStat {
    return this.f.stat();
  }
  close(): void {}
}

/** wasi:filesystem/types.descriptor: an fd of the process (owned unless it is the preopen). */
export class Descriptor {
  private dropped = false;
  private streams = 0;
  constructor(
    readonly proc: ComponentProcess,
    readonly fd: number,
    readonly file: OpenFile,
    /** False for the preopen: the fd stays until exit. */
    private readonly owns: boolean,
    private readonly flags: DescriptorFlags,
  ) {}

  #dir(): DirHandle {
    if (!(this.file instanceof DirHandle)) fail('not-directory' satisfies FsErrorCode);
    return this.file;
  }
  #regular(): OpenFile {
    if (this.file.filetype === FileType.Directory) fail('is-directory' satisfies FsErrorCode);
    if (!this.file.pread || !this.file.pwrite) fail('bad-descriptor' satisfies FsErrorCode);
    return this.file;
  }
  /** Operations that change a directory need mutate-directory on its descriptor. */
  #mutable(): DirHandle {
    const d = this.#dir();
    if (!this.flags.mutateDirectory) fail('not-permitted' satisfies FsErrorCode);
    return d;
  }
  #stream<T extends InputStream | OutputStream>(make: (view: FileView, onDrop: () => void) => T, offset: bigint, appending: boolean): T {
    this.streams++;
    return make(new FileView(this.file, offset, appending), () => {
      this.streams--;
      this.#release();
    });
  }
  #release(): void {
    if (!this.owns || !this.dropped || this.streams > 0) return;
    const fds = this.proc.fds;
    if (fds.has(this.fd) && fds.file(this.fd) === this.file) fds.close(this.fd);
  }

  readViaStream(offset: bigint): InputStream {
    const f = this.#regular();
    if (f.readable === false || !this.flags.read) fail('bad-descriptor' satisfies FsErrorCode);
    return this.#stream((v, d) => new InputStream(this.proc, v, d), offset, false);
  }
  writeViaStream(offset: bigint): OutputStream {
    const f = this.#regular();
    if (f.writable === false || !this.flags.write) fail('bad-descriptor' satisfies FsErrorCode);
    return this.#stream((v, d) => new OutputStream(this.proc, v, d), offset, false);
  }
  appendViaStream(): OutputStream {
    const f = this.#regular();
    if (f.writable === false || !this.flags.write) fail('bad-descriptor' satisfies FsErrorCode);
    return this.#stream((v, d) => new OutputStream(this.proc, v, d), 0n, true);
  }
  advise(_offset: bigint, _length: bigint, _advice: string): void {
    if (this.file.filetype !== FileType.RegularFile) fail('invalid-seek' satisfies FsErrorCode);
  }
  syncData(): void {}
  sync(): void {}
  getFlags(): DescriptorFlags {
    return { ...this.flags };
  }
  getType(): DescriptorType {
    return TYPES[this.file.filetype] ?? 'unknown';
  }
  setSize(size: bigint): void {
    fsCall(() => check(setSize(this.file, BigInt.asIntN(64, size))));
  }
  setTimes(a: NewTimestamp, m: NewTimestamp): void {
    const [at, mt, flags] = timesFlags(a, m);
    fsCall(() => {
      const n = fileNode(this.file);
      if (n) setTimes(this.proc, n, at, mt, flags);
      else if (this.file instanceof HostFileHandle) this.file.setTimes(timesArg(this.proc, at, mt, flags));
    });
  }
  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    const f = this.#regular();
    if (f.readable === false || !this.flags.read) fail('bad-descriptor' satisfies FsErrorCode);
    const buf = new Uint8Array(Number(length > BigInt(READ_CHUNK) ? BigInt(READ_CHUNK) : length));
    const n = fsCall(() => f.pread!([buf], offset));
    // A short read is the end of the file (preview1's pread returns what there is).
    return [buf.slice(0, n), n < buf.length || (buf.length === 0 && offset >= f.stat().size)];
  }
  write(buffer: Uint8Array, offset: bigint): bigint {
    const f = this.#regular();
    if (f.writable === false || !this.flags.write) fail('bad-descriptor' satisfies FsErrorCode);
    return BigInt(fsCall(() => f.pwrite!([buffer], offset)));
  }
  readDirectory(): DirectoryEntryStream {
    const d = this.#dir();
    const entries = fsCall(() => d.entries()).filter((e) => e.name !== '.' && e.name !== '..');
    return new DirectoryEntryStream(this.proc, entries.map((e) => ({ type: TYPES[e.type] ?? 'unknown', name: e.name })));
  }
  createDirectoryAt(path: string): void {
    const d = this.#mutable();
    fsCall(() => mkdirPath(d, pathOf(path)));
  }
  stat(): Record<string, unknown> {
    return descriptorStat(fsCall(() => this.file.stat()));
  }
  statAt(pathFlags: PathFlags, path: string): Record<string, unknown> {
    const d = this.#dir();
    return fsCall(() => {
      const r = d.resolve(pathOf(path), !!pathFlags.symlinkFollow);
      if (!r.node) throw new Errno(E.ENOENT);
      return descriptorStat(statNode(r.node));
    });
  }
  setTimesAt(pathFlags: PathFlags, path: string, a: NewTimestamp, m: NewTimestamp): void {
    const d = this.#mutable();
    const [at, mt, flags] = timesFlags(a, m);
    fsCall(() => {
      const r = d.resolve(pathOf(path), !!pathFlags.symlinkFollow);
      if (!r.node) throw new Errno(E.ENOENT);
      setTimes(this.proc, r.node, at, mt, flags);
    });
  }
  linkAt(_oldFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    const d = this.#mutable();
    const d2 = newDescriptor.#mutable();
    fsCall(() => linkPath(d, pathOf(oldPath), d2, pathOf(newPath)));
  }
  openAt(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Descriptor {
    const d = this.#dir();
    if (!this.flags.mutateDirectory && (openFlags.create || openFlags.truncate || flags.write || flags.mutateDirectory)) fail('not-permitted' satisfies FsErrorCode);
    const oflags = (openFlags.create ? OPEN.CREAT : 0) | (openFlags.directory ? OPEN.DIRECTORY : 0) | (openFlags.exclusive ? OPEN.EXCL : 0) | (openFlags.truncate ? OPEN.TRUNC : 0);
    const wantWrite = !!flags.write;
    const wantRead = !!flags.read || !wantWrite;
    const p = this.proc;
    return fsCall(() => {
      const f = openAt(d, pathOf(path), !!pathFlags.symlinkFollow, oflags, wantRead, wantWrite, 0, undefined, p);
      let fd: number;
      try {
        fd = p.fds.install(f);
      } catch (e) {
        // /dev/fd/N hands back a description other fds hold (refs > 0): only a new one is closed.
        if (f.refs === 0) f.close();
        throw e;
      }
      const isDir = f.filetype === FileType.Directory;
      return new Descriptor(p, fd, f, true, { ...flags, read: wantRead, write: wantWrite, mutateDirectory: isDir && !!flags.mutateDirectory && !!this.flags.mutateDirectory });
    });
  }
  readlinkAt(path: string): string {
    const d = this.#dir();
    return fsCall(() => readlinkPath(d, pathOf(path)));
  }
  removeDirectoryAt(path: string): void {
    const d = this.#mutable();
    fsCall(() => unlinkPath(d, pathOf(path), true));
  }
  renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    const d = this.#mutable();
    const d2 = newDescriptor.#mutable();
    fsCall(() => renamePath(d, pathOf(oldPath), d2, pathOf(newPath)));
  }
  symlinkAt(oldPath: string, newPath: string): void {
    const d = this.#mutable();
    fsCall(() => symlinkPath(pathOf(oldPath), d, pathOf(newPath)));
  }
  unlinkFileAt(path: string): void {
    const d = this.#mutable();
    fsCall(() => unlinkPath(d, pathOf(path), false));
  }
  isSameObject(other: Descriptor): boolean {
    if (other.file === this.file) return true;
    const a = this.file.stat();
    const b = other.file.stat();
    return a.dev === b.dev && a.ino === b.ino;
  }
  metadataHash(): { lower: bigint; upper: bigint } {
    return metadataHashOf(fsCall(() => this.file.stat()));
  }
  metadataHashAt(pathFlags: PathFlags, path: string): { lower: bigint; upper: bigint } {
    const d = this.#dir();
    return fsCall(() => {
      const r = d.resolve(pathOf(path), !!pathFlags.symlinkFollow);
      if (!r.node) throw new Errno(E.ENOENT);
      return metadataHashOf(statNode(r.node));
    });
  }
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    this.#release();
  }
}

/** A path argument: a NUL inside is EINVAL, as for preview1's path_* calls. */
function pathOf(s: string): string {
  if (s.includes('\0')) fail('invalid' satisfies FsErrorCode);
  return s;
}

/** wasi:filesystem/types.directory-entry-stream: the directory's names when read-directory was called, without "." and "..". */
export class DirectoryEntryStream {
  private i = 0;
  constructor(
    readonly proc: ComponentProcess,
    private readonly entries: { type: DescriptorType; name: string }[],
  ) {}
  readDirectoryEntry(): { type: DescriptorType; name: string } | undefined {
    return this.entries[this.i++];
  }
}

export function filesystemImports(p: ComponentProcess): Record<string, Record<string, unknown>> {
  return {
    'wasi:filesystem/types': {
      Descriptor,
      DirectoryEntryStream,
      filesystemErrorCode: (err: IoError): FsErrorCode | undefined => (err.errno !== undefined ? fsErrorCode(err.errno) : undefined),
    },
    'wasi:filesystem/preopens': {
      // The session's preopened "/" (the same fd a preview1 guest finds at 3), then the named preopens; dropping one
      // does not close it. installPreopen (host/wasi/files.ts) made them as for a plain wasip1 module (a component's
      // LoadedModule imports nothing from "socklab"), so a host directory given as "/" (--dir HOST:/) and a named
      // preopen are sandboxed DirHandles: "..", absolute paths and symlinks cannot leave them (EPERM, not-permitted),
      // and symlinkPath refuses an absolute target; socklab's own virtual "/" stays chroot-like.
      getDirectories: (): [Descriptor, string][] =>
        p.fds.entries()
          .filter(([, e]) => e.preopen !== undefined && e.file instanceof DirHandle)
          .map(([fd, e]) => [new Descriptor(p, fd, e.file, false, { read: true, mutateDirectory: true }), e.preopen!]),
    },
  };
}
