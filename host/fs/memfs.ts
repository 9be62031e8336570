// A virtual host's filesystem: an in-memory tree ("/" and "/tmp" writable by
// default, /dev's devices: devices.ts) with host directories mounted into it. Path resolution is ours,
// component by component, like a chroot: ".." stops at the guest root,
// symlink targets (in memory or on a mounted host directory) are guest paths,
// and host files are reached only as mount path + plain names opened with
// O_NOFOLLOW, so a guest can never leave what it was given.
import { Slot } from '../kernel/slots.js';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { E, Errno } from '../abi/errno.js';

/** A host directory mounted into a virtual host's filesystem. */
export interface MountSpec {
  /** Directory on the host. */
  host: string;
  /** Where the guest sees it (default: the same path). */
  guest: string;
  readonly: boolean;
  /** Also a WASI preopen of this name (a relative --dir GUEST): plain wasip1 modules find it after "/". */
  preopen?: string;
}
import { FileType, type FileStat } from '../kernel/file.js';
import { runCounter } from '../kernel/ids.js';
import { CharDevNode, DEV_FS, DEV_SHM, FdLinkNode, deviceNodes, fdLink, statDevice } from './devices.js';

const nextIno = runCounter(100n);
/** st_mode's file type of a FIFO. */
export const S_IFIFO = 0o010000;

export interface Times {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

/** A node's owner (st_uid, st_gid): its creator's euid and egid (Vfs.adopt), then chown's (host/fs/owners.ts). */
export interface Owned {
  uid: number;
  gid: number;
}

export class MemDir implements Owned {
  readonly kind = 'dir';
  uid = 0;
  gid = 0;
  readonly entries = new Map<string, Node>();
  readonly ino: bigint;
  parent: MemDir | undefined;
  /** /dev ('dev') and /dev/fd ('fd', whose names are the process's fds): no guest creates or removes names there. */
  special: 'dev' | 'fd' | undefined;
  constructor(public times: Times, parent?: MemDir, /** Permission bits (07777): chmod's, the umask's at mkdir. */ public mode = 0o755, special?: 'dev' | 'fd', ino?: bigint) {
    this.parent = parent;
    this.special = special;
    // /dev's directories have devtmpfs's own inode numbers: making them takes none from the run's counter.
    this.ino = ino ?? nextIno();
  }
}
/**
 * The bytes in-memory files (and writes to mounted host files) may hold in
 * one run (`--max-fs`): past it, writes are short or fail with ENOSPC, as on
 * a full tmpfs. Holes (ftruncate past the end) cost nothing, as on Linux.
 */
export class FsSpace {
  used = 0;
  constructor(readonly limit: number) {}
  room(): number {
    return Math.max(0, this.limit - this.used);
  }
  /** Charges `delta` bytes (negative gives back); ENOSPC if they do not fit. */
  charge(delta: number): void {
    if (delta > 0 && delta > this.room()) throw new Errno(E.ENOSPC);
    this.used += delta;
  }
}
/** Largest file socklab stores (EFBIG past it): 2 GiB. */
export const MAX_FILE_SIZE = 2 ** 31;
/** Default for --max-fs. */
export const DEFAULT_FS_SPACE = 512 * 2 ** 20;

/** Files are stored in pages, as tmpfs does: only pages written hold memory and count against the space. */
const PAGE = 4096;

export class MemFile implements Owned {
  readonly kind = 'file';
  uid = 0;
  gid = 0;
  /** Stored pages; a missing page is a hole (zeros). Bytes of a page past `size` are always zero. */
  private pages: (Uint8Array | undefined)[] = [];
  private held = 0;
  size = 0;
  nlink = 1;
  /** Open descriptions: the data is freed when the last link and the last open go. */
  opens = 0;
  /** fallocate()d length: charged to the space without being allocated. */
  private reserved = 0;
  private charged = 0;
  readonly ino = nextIno();
  constructor(
    public times: Times,
    private readonly space: FsSpace,
    /** Permission bits (07777). */
    public mode = 0o644,
  ) {}
  private recharge(): void {
    const want = Math.max(this.held * PAGE, Math.ceil(this.reserved / PAGE) * PAGE);
    // Giving back always succeeds; taking may throw ENOSPC before anything changes.
    this.space.charge(want - this.charged);
    this.charged = want;
  }
  /** Copies bytes [offset, offset + dst.length) of the file (holes as zeros) into dst. */
  read(dst: Uint8Array, offset: number): void {
    for (let o = 0; o < dst.length; ) {
      const at = offset + o;
      const pi = Math.floor(at / PAGE);
      const po = at - pi * PAGE;
      const k = Math.min(PAGE - po, dst.length - o);
      const page = this.pages[pi];
      if (page) dst.set(page.subarray(po, po + k), o);
      else dst.fill(0, o, o + k);
      o += k;
    }
  }
  /**
   * Stores src at offset, page by page; returns how many bytes were stored,
   * fewer than src.length when the space is full (a short write).
   */
  write(src: Uint8Array, offset: number): number {
    let o = 0;
    while (o < src.length) {
      const at = offset + o;
      const pi = Math.floor(at / PAGE);
      const po = at - pi * PAGE;
      const k = Math.min(PAGE - po, src.length - o);
      let page = this.pages[pi];
      if (!page) {
        // What one more page costs (nothing while fallocate()d space covers it).
        const need = Math.max((this.held + 1) * PAGE, Math.ceil(this.reserved / PAGE) * PAGE) - this.charged;
        if (need > this.space.room()) break;
        page = new Uint8Array(PAGE);
        this.pages[pi] = page;
        this.held++;
        this.recharge();
      }
      page.set(k === src.length && o === 0 ? src : src.subarray(o, o + k), po);
      o += k;
    }
    if (offset + o > this.size) this.size = offset + o;
    return o;
  }
  truncate(n: number): void {
    if (n < this.size) {
      // Pages past the new end go; the tail of the last one is zeroed (a later extension reads zeros).
      const keep = Math.ceil(n / PAGE);
      for (let i = keep; i < this.pages.length; i++) if (this.pages[i]) this.held--;
      this.pages.length = Math.min(this.pages.length, keep);
      const last = this.pages[keep - 1];
      if (last && n % PAGE) last.fill(0, n % PAGE);
      if (this.reserved > n) this.reserved = n;
      this.recharge();
    }
    this.size = n;
  }
  /** fallocate(): space for `end` bytes is guaranteed (charged, ENOSPC if it does not fit), the size grows; nothing is allocated yet. */
  allocate(end: number): void {
    if (end > this.reserved) {
      const before = this.reserved;
      this.reserved = end;
      try {
        this.recharge();
      } catch (e) {
        this.reserved = before;
        throw e;
      }
    }
    if (end > this.size) this.size = end;
  }
  /** Frees the data once no name and no open description is left. */
  release(): void {
    if (this.nlink > 0 || this.opens > 0) return;
    this.pages = [];
    this.held = 0;
    this.reserved = 0;
    this.recharge();
  }
}
export class MemSymlink implements Owned {
  readonly kind = 'symlink';
  uid = 0;
  gid = 0;
  readonly ino = nextIno();
  /** Hard links to the symlink itself (linkat without AT_SYMLINK_FOLLOW), as on tmpfs. */
  nlink = 1;
  /** A symlink's own bits are always 0777 on Linux (chmod follows it). */
  readonly mode = 0o777;
  constructor(readonly target: string, public times: Times) {}
}
/** An AF_UNIX socket bound to a path: the socket layer keeps its object here. */
export class SockNode implements Owned {
  readonly kind = 'socket';
  uid = 0;
  gid = 0;
  readonly ino = nextIno();
  /** Hard links to the socket file: connecting through any of them reaches the socket. */
  nlink = 1;
  /** Permission bits: 0777 & ~umask at bind (unix_bind_bsd), then chmod's. */
  mode = 0o755;
  constructor(readonly obj: unknown, public times: Times) {}
}
/** A named pipe (mkfifo): its open state, a pipe while any end is open, is host/fs/fifo.ts's. */
export class FifoNode implements Owned {
  readonly kind = 'fifo';
  uid = 0;
  gid = 0;
  readonly ino = nextIno();
  nlink = 1;
  constructor(/** Permission bits (07777). */ public mode: number, public times: Times) {}
}
/** A host directory mounted at a point of the tree. */
export class MountPoint {
  readonly kind = 'mount';
  constructor(readonly host: string, readonly readonly: boolean) {}
}
/** A file or directory inside a mounted host directory. */
export class HostNode {
  readonly kind = 'host';
  constructor(readonly mount: MountPoint, readonly path: string, readonly stat: fs.Stats) {}
  get isDir(): boolean {
    return this.stat.isDirectory();
  }
}

export type Node = MemDir | MemFile | MemSymlink | SockNode | FifoNode | MountPoint | HostNode | CharDevNode | FdLinkNode;

/** Where a path led: the node (if it exists), its parent directory and last name. */
export interface Resolved {
  node: Node | undefined;
  parent: MemDir | HostNode | MountPoint;
  name: string;
  /** Guest path of the result, for messages and preopens. */
  path: string;
}

const ROOT = { euid: 0, egid: 0, groups: [] as readonly number[] };
const MAX_SYMLINKS = 40;
const NAME_MAX = 255;
const PATH_MAX = 4096;

/** The filesystem a process sees (its virtual host's): set when the process starts, inherited by fork. */
export const VFS = new Slot<Vfs>('vfs', true);

export class Vfs {
  readonly root: MemDir;
  /**
   * A host directory mounted as the guest's root (`--dir HOST:/`, as wasmtime
   * and the WASI test suite run programs): names the in-memory root does not
   * hold (/tmp, other mount points) are looked up, created and listed there.
   */
  rootMount: MountPoint | undefined;
  /** Named preopens (relative --dir GUEST), in command-line order. */
  readonly preopens: { name: string; guest: string }[] = [];
  constructor(
    private readonly now: () => bigint,
    mounts: MountSpec[] = [],
    readonly space: FsSpace = new FsSpace(DEFAULT_FS_SPACE),
  ) {
    const t = this.times();
    this.root = new MemDir(t);
    const tmp = new MemDir(this.times(), this.root, 0o1777);
    this.root.entries.set('tmp', tmp);
    // /dev as devtmpfs has it (host/fs/devices.ts): devtmpfs's root is inode 1.
    const dev = new MemDir(this.times(), this.root, 0o755, 'dev', 1n);
    this.root.entries.set('dev', dev);
    for (const [name, n] of deviceNodes(() => this.times())) dev.entries.set(name, n);
    dev.entries.set('fd', new MemDir(this.times(), dev, 0o555, 'fd', 3n));
    dev.entries.set(DEV_SHM.name, new MemDir(this.times(), dev, DEV_SHM.mode, undefined, DEV_SHM.ino));
    for (const m of mounts) {
      this.mount(m);
      if (m.preopen !== undefined) this.preopens.push({ name: m.preopen, guest: m.guest });
    }
  }

  /**
   * Who creates nodes now: the running process's euid, egid, groups (the
   * session points it at the kernel's current process); root outside one.
   */
  creator: () => { euid: number; egid: number; groups: readonly number[] } = () => ROOT;
  /**
   * Gives a node made in `parent` its owner as Linux's inode_init_owner does:
   * the creator's euid, and egid or, in a set-gid directory, the directory's
   * gid (a directory then inherits S_ISGID; a group-executable file keeps
   * S_ISGID only if its creator is in that group or privileged: mode_strip_sgid).
   */
  adopt<T extends Owned>(node: T, parent: MemDir | HostNode | MountPoint): T {
    const c = this.creator();
    node.uid = c.euid;
    node.gid = c.egid;
    if (parent instanceof MemDir && parent.mode & 0o2000) {
      node.gid = parent.gid;
      if (node instanceof MemDir) node.mode |= 0o2000;
      else if (node instanceof MemFile && (node.mode & 0o2010) === 0o2010 && c.euid !== 0 && c.egid !== node.gid && !c.groups.includes(node.gid)) node.mode &= ~0o2000;
    }
    return node;
  }

  times(): Times {
    const n = this.now();
    return { atim: n, mtim: n, ctim: n };
  }

  private mount(m: MountSpec): void {
    const st = fs.statSync(m.host);
    if (!st.isDirectory()) throw new Error(`mount ${m.host}: not a directory`);
    const parts = m.guest.split('/').filter(Boolean);
    if (!parts.length) {
      if (this.rootMount) throw new Error(`mount ${m.host}: / is already mounted`);
      this.rootMount = new MountPoint(fs.realpathSync(m.host), m.readonly);
      return;
    }
    let d = this.root;
    for (const p of parts.slice(0, -1)) {
      let next = d.entries.get(p);
      if (!next) d.entries.set(p, (next = new MemDir(this.times(), d)));
      if (!(next instanceof MemDir)) throw new Error(`mount ${m.guest}: ${p} is not a directory`);
      d = next;
    }
    d.entries.set(parts[parts.length - 1]!, new MountPoint(fs.realpathSync(m.host), m.readonly));
  }

  /**
   * Resolves a guest path relative to `base` (a directory node; absolute
   * paths start at the root). Intermediate symlinks are always followed;
   * the last one only when `follow`.
   */
  resolve(base: MemDir | HostNode | MountPoint, path: string, follow: boolean, sandboxed = false): Resolved {
    if (path.length > PATH_MAX) throw new Errno(E.ENAMETOOLONG);
    if (path === '') throw new Errno(E.ENOENT);
    let links = 0;
    // The walk keeps a stack of directories so ".." can go back through mounts and host dirs.
    let stack: (MemDir | HostNode | MountPoint)[] = path.startsWith('/') ? [this.root] : this.stackOf(base);
    // A sandboxed directory fd (one reached from a named preopen) is a WASI capability, as wasmtime keeps it:
    // no path from it may climb above it or jump to "/" (EPERM), symlinks included.
    const floor = sandboxed ? stack.length - 1 : -1;
    if (sandboxed && path.startsWith('/')) throw new Errno(E.EPERM);
    let parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const trailingSlash = path.endsWith('/');
    if (!parts.length) {
      const top = stack[stack.length - 1]!;
      return { node: top, parent: stack[stack.length - 2] ?? this.root, name: '.', path: this.pathOf(stack) };
    }
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const last = i === parts.length - 1;
      const dir = stack[stack.length - 1]!;
      if (name === '..') {
        if (floor >= 0 && stack.length - 1 <= floor) throw new Errno(E.EPERM);
        if (stack.length > 1) stack.pop();
        if (last) {
          const top = stack[stack.length - 1]!;
          return { node: top, parent: stack[stack.length - 2] ?? this.root, name: '..', path: this.pathOf(stack) };
        }
        continue;
      }
      if (name.length > NAME_MAX) throw new Errno(E.ENAMETOOLONG);
      const node = this.lookup(dir, name);
      if (node === undefined) {
        if (last) return { node: undefined, parent: this.parentFor(dir, name), name, path: this.childPath(stack, name) };
        throw new Errno(E.ENOENT);
      }
      const link = this.linkTarget(node);
      if (link !== undefined && (!last || follow || trailingSlash)) {
        if (++links > MAX_SYMLINKS) throw new Errno(E.ELOOP);
        const rest = parts.slice(i + 1);
        if (link.startsWith('/')) {
          if (floor >= 0) throw new Errno(E.EPERM);
          stack = [this.root];
        }
        parts = [...link.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
        i = -1;
        if (!parts.length) {
          const top = stack[stack.length - 1]!;
          return { node: top, parent: stack[stack.length - 2] ?? this.root, name: '.', path: this.pathOf(stack) };
        }
        continue;
      }
      if (last) {
        if (trailingSlash && !isDir(node)) throw new Errno(E.ENOTDIR);
        return { node, parent: this.parentFor(dir, name), name, path: this.childPath(stack, name) };
      }
      if (!isDir(node)) throw new Errno(E.ENOTDIR);
      stack.push(node as MemDir | HostNode | MountPoint);
    }
    throw new Errno(E.ENOENT);
  }

  private stackOf(base: MemDir | HostNode | MountPoint): (MemDir | HostNode | MountPoint)[] {
    const known = this.stacks.get(base);
    if (known) return [...known];
    if (base instanceof MemDir) {
      const s: MemDir[] = [];
      for (let d: MemDir | undefined = base; d; d = d.parent) s.unshift(d);
      return s;
    }
    return [this.root, base];
  }
  /** Directory stacks of opened host directories, so ".." from them works. */
  private readonly stacks = new WeakMap<object, (MemDir | HostNode | MountPoint)[]>();
  remember(node: MemDir | HostNode | MountPoint, stackPath: string): void {
    if (node instanceof MemDir) return;
    const r = this.resolveStack(stackPath);
    if (r) this.stacks.set(node, r);
  }
  private resolveStack(path: string): (MemDir | HostNode | MountPoint)[] | undefined {
    const stack: (MemDir | HostNode | MountPoint)[] = [this.root];
    for (const p of path.split('/').filter((x) => x && x !== '.')) {
      if (p === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const n = this.lookup(stack[stack.length - 1]!, p);
      if (!n || !isDir(n)) return undefined;
      stack.push(n as MemDir | HostNode | MountPoint);
    }
    return stack;
  }
  /** The path of name in the directory on top of stack ("/name" under the root, not "//name"). */
  private childPath(stack: (MemDir | HostNode | MountPoint)[], name: string): string {
    const base = this.pathOf(stack);
    return base === '/' ? `/${name}` : `${base}/${name}`;
  }
  private pathOf(stack: (MemDir | HostNode | MountPoint)[]): string {
    const names: string[] = [];
    for (let i = 1; i < stack.length; i++) {
      const parent = stack[i - 1]!;
      const child = stack[i]!;
      if (child instanceof HostNode) names.push(child.path.split('/').pop()!);
      else if (parent instanceof MemDir) {
        for (const [n, v] of parent.entries) if (v === child) names.push(n);
      }
    }
    return '/' + names.join('/');
  }

  /** The directory a name lives in: the root's host directory for names the in-memory root does not hold. */
  private parentFor(dir: MemDir | HostNode | MountPoint, name: string): MemDir | HostNode | MountPoint {
    return dir === this.root && this.rootMount && !this.root.entries.has(name) ? this.rootMount : dir;
  }

  lookup(dir: MemDir | HostNode | MountPoint, name: string): Node | undefined {
    if (dir instanceof MemDir) {
      if (dir.special === 'fd') return fdLink(name, dir.times);
      const n = dir.entries.get(name);
      if (n !== undefined || dir !== this.root || !this.rootMount) return n;
      dir = this.rootMount;
    }
    const hostPath = join(hostDirPath(dir), name);
    try {
      return new HostNode(mountOf(dir), hostPath, fs.lstatSync(hostPath));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw hostErrno(e);
    }
  }

  private linkTarget(node: Node): string | undefined {
    if (node instanceof MemSymlink) return node.target;
    if (node instanceof HostNode && node.stat.isSymbolicLink()) {
      try {
        return fs.readlinkSync(node.path);
      } catch (e) {
        throw hostErrno(e);
      }
    }
    return undefined;
  }

  /** For the socket layer: creates a socket node at path (EADDRINUSE if it exists). */
  bindSocket(path: string, obj: unknown): void {
    const r = this.resolve(this.root, path, false);
    if (r.node) throw new Errno(E.EADDRINUSE);
    const parent = r.parent;
    if (!(parent instanceof MemDir)) throw new Errno(parent instanceof MountPoint || parent instanceof HostNode ? E.EOPNOTSUPP : E.ENOENT);
    // /dev is a writable tmpfs on Linux (root binds /dev/log there); /dev/fd is the process's fd links.
    if (parent.special === 'fd') throw new Errno(E.EACCES);
    parent.entries.set(r.name, this.adopt(new SockNode(obj, this.times()), parent));
  }
  /**
   * For real AF_UNIX sockets: the host socket path behind a guest path whose
   * directory is a mounted host one, or undefined when the path lives in
   * memory. The host kernel must never resolve a path the guest chose:
   * socklab resolves every component itself, then opens the final directory
   * and hands Node `/proc/self/fd/N/NAME`, so no host symlink or truncation
   * can lead outside the mount (see docs/real-network.md).
   */
  hostSocketPath(path: string, follow: boolean): HostSocketPath | undefined {
    const r = this.resolve(this.root, path, follow);
    const parent = r.parent;
    if (r.node instanceof MemDir || r.node instanceof MemFile || r.node instanceof MemSymlink || r.node instanceof SockNode || r.node instanceof FifoNode || r.node instanceof MountPoint || r.node instanceof CharDevNode || r.node instanceof FdLinkNode) return undefined;
    if (parent instanceof MemDir) return undefined;
    const node = r.node;
    return {
      readonly: readOnly(parent),
      open: (want: 'bind' | 'connect') => openHostSocketPath(parent, r.name, node, want),
    };
  }
  /** For the socket layer: the object bound at path; ENOENT if none, ECONNREFUSED if it is not a socket (nor, unfollowed, a symlink). */
  lookupSocket(path: string, follow = true): unknown {
    const r = this.resolve(this.root, path, follow);
    if (!r.node) throw new Errno(E.ENOENT);
    if (!(r.node instanceof SockNode)) throw new Errno(E.ECONNREFUSED);
    return r.node.obj;
  }
}

export function isDir(n: Node): boolean {
  return n instanceof MemDir || n instanceof MountPoint || (n instanceof HostNode && n.isDir);
}
export function mountOf(n: HostNode | MountPoint): MountPoint {
  return n instanceof MountPoint ? n : n.mount;
}
export function hostDirPath(n: HostNode | MountPoint): string {
  return n instanceof MountPoint ? n.host : n.path;
}
export function readOnly(n: Node | MemDir | HostNode | MountPoint): boolean {
  return n instanceof MountPoint ? n.readonly : n instanceof HostNode ? n.mount.readonly : false;
}

/** Maps a host fs error to the guest errno Linux would give. */
export function hostErrno(e: unknown): Errno {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const map: Record<string, number> = {
    ENOENT: E.ENOENT, EEXIST: E.EEXIST, ENOTDIR: E.ENOTDIR, EISDIR: E.EISDIR, ENOTEMPTY: E.ENOTEMPTY, EACCES: E.EACCES,
    EPERM: E.EPERM, ELOOP: E.ELOOP, EXDEV: E.EXDEV, EINVAL: E.EINVAL, ENAMETOOLONG: E.ENAMETOOLONG, ENOSPC: E.ENOSPC,
    EROFS: E.EROFS, EBUSY: E.EBUSY, EMFILE: E.EMFILE, EFBIG: E.EFBIG,
  };
  return new Errno(map[code] ?? E.EIO);
}

/** A guest AF_UNIX path inside a mount, ready to be opened for Node (see Vfs.hostSocketPath). */
export interface HostSocketPath {
  readonly readonly: boolean;
  open(want: 'bind' | 'connect'): HostSocketHandle;
}
/** The path to give Node, valid until release() (which must wait until Node is done with the path). */
export interface HostSocketHandle {
  readonly path: string;
  release(): void;
}

/** sun_path holds 108 bytes with the terminating NUL: a longer host path would be cut by the host kernel. */
const SUN_PATH_MAX = 107;
const procFd = ((): boolean => {
  try {
    return fs.statSync('/proc/self/fd').isDirectory();
  } catch {
    return false;
  }
})();

function openHostSocketPath(dir: HostNode | MountPoint, name: string, node: HostNode | undefined, want: 'bind' | 'connect'): HostSocketHandle {
  const mount = mountOf(dir);
  const dirPath = hostDirPath(dir);
  if (want === 'connect') {
    if (!node) throw new Errno(E.ENOENT);
    // Linux: connecting to a path that is not a socket is ECONNREFUSED.
    if (!node.stat.isSocket()) throw new Errno(E.ECONNREFUSED);
  }
  if (!procFd) {
    // No /proc (not Linux): the plain path, refused where the host would cut it.
    const p = join(dirPath, name);
    if (Buffer.byteLength(p) > SUN_PATH_MAX) throw new Errno(E.ENAMETOOLONG);
    return { path: p, release: () => undefined };
  }
  let fd: number;
  try {
    fd = fs.openSync(dirPath, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    throw hostErrno(e);
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    fs.closeSync(fd);
  };
  try {
    // The directory actually opened must be the mount or inside it (a host process may have swapped a component).
    const real = fs.readlinkSync(`/proc/self/fd/${fd}`);
    if (real !== mount.host && !real.startsWith(mount.host.endsWith('/') ? mount.host : mount.host + '/')) throw new Errno(E.EACCES);
    const p = `/proc/self/fd/${fd}/${name}`;
    if (Buffer.byteLength(p) > SUN_PATH_MAX) throw new Errno(E.ENAMETOOLONG);
    if (want === 'connect') {
      // The last component, as it is now: a socket, not a link the host would follow.
      const st = fs.lstatSync(p);
      if (!st.isSocket()) throw new Errno(E.ECONNREFUSED);
    }
    return { path: p, release };
  } catch (e) {
    release();
    throw e instanceof Errno ? e : hostErrno(e);
  }
}

const hostType = (st: fs.Stats | fs.BigIntStats): FileType =>
  st.isDirectory() ? FileType.Directory : st.isFile() ? FileType.RegularFile : st.isSymbolicLink() ? FileType.SymbolicLink
  : st.isSocket() ? FileType.SocketStream : st.isCharacterDevice() ? FileType.CharacterDevice : st.isBlockDevice() ? FileType.BlockDevice : FileType.Unknown;

/** stat(2) of any node, as WASI's filestat. */
export function statNode(n: Node): FileStat {
  if (n instanceof HostNode || n instanceof MountPoint) {
    try {
      return hostStat(n instanceof HostNode ? fs.lstatSync(n.path, { bigint: true }) : fs.statSync(n.host, { bigint: true }));
    } catch (e) {
      throw hostErrno(e);
    }
  }
  if (n instanceof CharDevNode || n instanceof FdLinkNode) return statDevice(n);
  const t = n.times;
  const base = { dev: n instanceof MemDir && n.special ? DEV_FS : 1n, ino: n.ino, atim: t.atim, mtim: t.mtim, ctim: t.ctim, mode: n.mode, uid: n.uid, gid: n.gid };
  if (n instanceof MemDir) return { ...base, filetype: FileType.Directory, nlink: BigInt(2 + [...n.entries.values()].filter((c) => c instanceof MemDir).length), size: 4096n };
  if (n instanceof MemFile) return { ...base, filetype: FileType.RegularFile, nlink: BigInt(n.nlink), size: BigInt(n.size) };
  if (n instanceof MemSymlink) return { ...base, filetype: FileType.SymbolicLink, nlink: BigInt(n.nlink), size: BigInt(Buffer.byteLength(n.target)) };
  // WASI has no FIFO type: wasi-libc's S_IFIFO and DT_FIFO are its socket's (readdir's d_type); st_mode says S_IFIFO.
  if (n instanceof FifoNode) return { ...base, filetype: FileType.SocketStream, nlink: BigInt(n.nlink), size: 0n, mode: S_IFIFO | n.mode };
  return { ...base, filetype: FileType.SocketStream, nlink: BigInt(n.nlink), size: 0n };
}

/**
 * Times a guest set on host files, to the nanosecond. Node sets host times
 * as a double of seconds (about 240 ns apart today), so a utimensat of
 * t - 100 ns would read back as something else: we remember what was asked
 * and report it while the host still holds exactly what that call left.
 */
const exactTimes = new Map<string, { seenA: bigint; a: bigint; seenM: bigint; m: bigint }>();

/** stat(2) of a host file (ns precision), with the exact times a guest set. */
export function hostStat(st: fs.BigIntStats): FileStat {
  const x = exactTimes.get(`${st.dev}:${st.ino}`);
  const atim = x && x.seenA === st.atimeNs ? x.a : st.atimeNs;
  const mtim = x && x.seenM === st.mtimeNs ? x.m : st.mtimeNs;
  return { dev: 2n, ino: st.ino, filetype: hostType(st), nlink: st.nlink, size: st.size, atim, mtim, ctim: st.ctimeNs, mode: Number(st.mode & 0o7777n) };
}

/**
 * utimensat(2) on a host file: `target` is an fd (futimens), or a path,
 * followed or not (AT_SYMLINK_NOFOLLOW). Undefined times stay as they are.
 */
export function setHostTimes(target: number | string, follow: boolean, t: { a: bigint | undefined; m: bigint | undefined }): void {
  const stat = (): fs.BigIntStats => typeof target === 'number' ? fs.fstatSync(target, { bigint: true }) : follow ? fs.statSync(target, { bigint: true }) : fs.lstatSync(target, { bigint: true });
  try {
    const cur = hostStat(stat());
    const a = t.a ?? cur.atim;
    const m = t.m ?? cur.mtim;
    const sec = (ns: bigint): number => Number(ns) / 1e9;
    if (typeof target === 'number') fs.futimesSync(target, sec(a), sec(m));
    else if (follow) fs.utimesSync(target, sec(a), sec(m));
    else fs.lutimesSync(target, sec(a), sec(m));
    const after = stat();
    exactTimes.set(`${after.dev}:${after.ino}`, { seenA: after.atimeNs, a, seenM: after.mtimeNs, m });
  } catch (e) {
    throw hostErrno(e);
  }
}
