// /dev as Linux's devtmpfs (plus udev's /dev/fd, /dev/stdin... links) shows
// it: character devices null, zero, full, random, urandom and tty, and the
// names that reach the process's own fds. Nodes live in the Vfs tree
// (memfs.ts builds /dev); opening one gives a DeviceFile or, for an fd
// name, the fd's own open description (docs/abi.md, "Device files").
import { E, Errno } from '../abi/errno.js';
import { FileType, POLLIN, POLLOUT, type FileStat, type OpenFile } from '../kernel/file.js';
import type { Process } from '../kernel/process.js';
import type { Rng } from '../kernel/rng.js';
import { WaitQueue } from '../kernel/wait.js';

/** devtmpfs's st_dev (0:5 on a typical machine): WASI's filestat has a 64-bit dev, Linux's encoding kept. */
export const DEV_FS = 5n;

export type DeviceKind = 'null' | 'zero' | 'full' | 'random' | 'urandom' | 'tty';

/** The devices and their numbers (Documentation/admin-guide/devices.txt); inode numbers are fixed so no other file's changes. */
const DEVICES: readonly { name: DeviceKind; major: number; minor: number; ino: bigint }[] = [
  { name: 'null', major: 1, minor: 3, ino: 4n },
  { name: 'zero', major: 1, minor: 5, ino: 6n },
  { name: 'full', major: 1, minor: 7, ino: 7n },
  { name: 'random', major: 1, minor: 8, ino: 8n },
  { name: 'urandom', major: 1, minor: 9, ino: 9n },
  { name: 'tty', major: 5, minor: 0, ino: 10n },
];

interface Times {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

/** A character device node. */
export class CharDevNode {
  readonly kind = 'chardev';
  nlink = 1;
  /** crw-rw-rw- for every device socklab has (tty too: the kernel's mode before a login takes it). */
  mode = 0o666;
  constructor(readonly name: DeviceKind, readonly major: number, readonly minor: number, readonly ino: bigint, public times: Times) {}
}

/**
 * /dev/stdin, /dev/stdout, /dev/stderr and /dev/fd/N: symlinks to
 * /proc/self/fd/N on Linux. socklab has no /proc: the link is its own node,
 * shown as the symlink (lstat, readlink, getdents) and opened as the fd.
 */
export class FdLinkNode {
  readonly kind = 'fdlink';
  nlink = 1;
  readonly mode = 0o777;
  constructor(readonly fd: number, readonly ino: bigint, public times: Times) {}
  get target(): string {
    return `/proc/self/fd/${this.fd}`;
  }
}

/**
 * /dev/shm: a writable tmpfs (sticky, 1777) where shm_open and named semaphores keep their files; an
 * ordinary in-memory directory (memfs.ts makes it), its inode number fixed so it takes none from the run's counter.
 */
export const DEV_SHM = { name: 'shm', mode: 0o1777, ino: 2n } as const;

/** The nodes /dev holds (memfs.ts puts them in a directory of their own). */
export function deviceNodes(times: () => Times): [string, CharDevNode | FdLinkNode][] {
  const out: [string, CharDevNode | FdLinkNode][] = DEVICES.map((d) => [d.name, new CharDevNode(d.name, d.major, d.minor, d.ino, times())]);
  ['stdin', 'stdout', 'stderr'].forEach((name, fd) => out.push([name, new FdLinkNode(fd, 20n + BigInt(fd), times())]));
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** /dev/fd/N's node (made at each lookup: which fds exist is the process's). */
export function fdLink(name: string, times: Times): FdLinkNode | undefined {
  if (!/^(?:0|[1-9]\d{0,9})$/.test(name)) return undefined;
  const fd = Number(name);
  return fd <= 0x7fffffff ? new FdLinkNode(fd, 1000n + BigInt(fd), times) : undefined;
}

export function statDevice(n: CharDevNode | FdLinkNode): FileStat {
  const t = n.times;
  if (n instanceof FdLinkNode) {
    return { dev: DEV_FS, ino: n.ino, filetype: FileType.SymbolicLink, nlink: 1n, size: BigInt(n.target.length), atim: t.atim, mtim: t.mtim, ctim: t.ctim, mode: n.mode };
  }
  return { dev: DEV_FS, ino: n.ino, filetype: FileType.CharacterDevice, nlink: BigInt(n.nlink), size: 0n, atim: t.atim, mtim: t.mtim, ctim: t.ctim, mode: n.mode, rdev: { major: n.major, minor: n.minor } };
}

/** Each process's generator for /dev/random and /dev/urandom: the run's seed, so a trace replays byte for byte. */
const randoms = new WeakMap<Process, Rng>();
function rngOf(p: Process): Rng {
  let r = randoms.get(p);
  if (!r) randoms.set(p, (r = p.kernel.rng.fork(`urandom:${p.pid}`)));
  return r;
}

/**
 * An open character device. Linux: null reads EOF and takes every write;
 * zero reads zeros; full reads zeros and writes ENOSPC; random and urandom
 * read the generator (never blocking, as since Linux 5.6 once seeded) and
 * take writes; all of them are always ready and have position 0.
 */
export class DeviceFile implements OpenFile {
  readonly waitq = new WaitQueue();
  readonly filetype = FileType.CharacterDevice;
  nonblock = false;
  append = false;
  refs = 0;
  /** null, zero and full have no poll operation: epoll_ctl refuses them (EPERM), poll/select see them ready. */
  readonly noEpoll: boolean;
  constructor(
    readonly node: CharDevNode,
    readonly readable: boolean,
    readonly writable: boolean,
    private readonly rng?: Rng,
  ) {
    this.noEpoll = node.name !== 'random';
  }
  describe(): string {
    // strace -yy: the path, then the device.
    return `/dev/${this.node.name}<char ${this.node.major}:${this.node.minor}>`;
  }
  poll(): number {
    return POLLIN | POLLOUT;
  }
  read(iovs: Uint8Array[]): number {
    if (!this.readable) throw new Errno(E.EBADF);
    if (this.node.name === 'null') return 0;
    // random/urandom opened outside a process (execve's look at the file, which refuses it first): no generator to read.
    if (!this.rng && (this.node.name === 'random' || this.node.name === 'urandom')) throw new Errno(E.ENXIO);
    let n = 0;
    for (const v of iovs) {
      if (this.rng) this.rng.fill(v);
      else v.fill(0);
      n += v.length;
    }
    return n;
  }
  write(iovs: Uint8Array[]): number {
    if (!this.writable) throw new Errno(E.EBADF);
    let n = 0;
    for (const v of iovs) n += v.length;
    // full_write: ENOSPC whatever the length.
    if (this.node.name === 'full') throw new Errno(E.ENOSPC);
    return n;
  }
  pread(iovs: Uint8Array[]): number {
    return this.read(iovs);
  }
  pwrite(iovs: Uint8Array[]): number {
    return this.write(iovs);
  }
  seek(): bigint {
    // null_lseek, zero_lseek (full's), noop_llseek (random's): the position stays 0.
    return 0n;
  }
  stat(): FileStat {
    return statDevice(this.node);
  }
  chmod(mode: number): void {
    this.node.mode = mode & 0o7777;
  }
  close(): void {}
}

/** open(2) of a device node (no process: execve's open, which only looks at the file). */
export function openDevice(node: CharDevNode, wantRead: boolean, wantWrite: boolean, p?: Process): OpenFile {
  // No controlling terminal: a socklab process never has one (Linux's tty_open_current_tty gives ENXIO).
  if (node.name === 'tty') throw new Errno(E.ENXIO);
  if (node.name === 'random' || node.name === 'urandom') return new DeviceFile(node, wantRead, wantWrite, p ? rngOf(p) : undefined);
  return new DeviceFile(node, wantRead, wantWrite);
}

/**
 * open(2) of /dev/fd/N (stdin, stdout, stderr): Linux reopens
 * /proc/self/fd/N. socklab hands back fd N's own open description (its
 * position and flags shared, as BSD's fdescfs and a dup do): for a pipe,
 * socklab's stdio included, that is the same pipe as Linux's reopen; for a
 * socket Linux refuses the reopen (ENXIO) and so does socklab; a missing fd
 * is ENOENT (no such /proc entry).
 */
export function openFdLink(node: FdLinkNode, p?: Process): OpenFile {
  const f = fdTarget(node, p);
  if (f.filetype === FileType.SocketStream || f.filetype === FileType.SocketDgram || f.isSocket) throw new Errno(E.ENXIO);
  return f;
}

/** What /dev/fd/N leads to (stat follows it there): fd N's open description; ENOENT when fd N is not open. */
export function fdTarget(node: FdLinkNode, p?: Process): OpenFile {
  if (!p) throw new Errno(E.ENXIO);
  const f = p.fds.has(node.fd) ? p.fds.file(node.fd) : undefined;
  if (!f || isHidden(f)) throw new Errno(E.ENOENT);
  return f;
}

/** The SDK's preopened "/" (host/fs/handles.ts DirHandle.hiddenRoot): not one of the program's fds. */
const isHidden = (f: OpenFile): boolean => (f as { hiddenRoot?: boolean }).hiddenRoot === true;

/** getdents of /dev/fd: the process's fds, as links (Linux lists /proc/self/fd). */
export function fdLinks(p: Process): { name: string; ino: bigint; type: FileType }[] {
  return p.fds.entries().filter(([, e]) => !isHidden(e.file)).map(([fd]) => ({ name: String(fd), ino: 1000n + BigInt(fd), type: FileType.SymbolicLink }));
}
