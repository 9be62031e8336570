// WASI preview1 filesystem calls over the virtual host's Vfs: preopens,
// path_* relative to a directory fd, fd_* on open files (seek, pread,
// readdir, stat...). Names are the Linux calls wasi-libc's functions stand
// for, as strace prints them.
import { VFS } from '../fs/memfs.js';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { E, Errno } from '../abi/errno.js';
import { encodeUtf8 } from '../abi/memory.js';
import { FileType, type FileStat, type OpenFile } from '../kernel/file.js';
import type { Process } from '../kernel/process.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { R, needRight, setSyncFlags } from './rights.js';
import { DirHandle, HostFileHandle, MemFileHandle } from '../fs/handles.js';
import { createMode } from '../fs/modes.js';
import { FifoWait, fifoOpenInterrupted, openFifo } from '../fs/fifo.js';
import { CharDevNode, FdLinkNode, fdLinks, fdTarget, openDevice, openFdLink } from '../fs/devices.js';
import { FifoNode, HostNode, MAX_FILE_SIZE, MemDir, MemFile, MemSymlink, MountPoint, SockNode, hostDirPath, hostErrno, isDir, setHostTimes, readOnly, statNode, type Node, type Vfs } from '../fs/memfs.js';

const W = 'wasi_snapshot_preview1';

const O_CREAT = 1, O_DIRECTORY = 2, O_EXCL = 4, O_TRUNC = 8;
const LOOKUP_FOLLOW = 1;
/** utimensat flags setTimes takes (WASI preview1's fstflags). */
export const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
const FD_APPEND = 1, FD_NONBLOCK = 4;
const RIGHT_FD_READ = 1n << 1n;
const RIGHT_FD_WRITE = 1n << 6n;
const RIGHT_READDIR = 1n << 14n;

/** The Vfs of the process's virtual host. */
export function vfsOf(p: Process): Vfs {
  const v = p.slots.get(VFS);
  if (!v) throw new Errno(E.ENOTCAPABLE);
  return v;
}

/** Whether a module was built for socklab's ABI (it imports from "socklab"): such modules find "/" through socklab.preopen. */
const socklabModules = new WeakMap<WebAssembly.Module, boolean>();
function importsSocklab(m: WebAssembly.Module): boolean {
  let v = socklabModules.get(m);
  if (v === undefined) socklabModules.set(m, (v = WebAssembly.Module.imports(m).some((i) => i.module === 'socklab')));
  return v;
}

/**
 * Installs "/" as the preopened directory. A plain wasip1 module finds its
 * preopens the WASI way, scanning fd_prestat_get from fd 3 up to the first
 * EBADF, so "/" is fd 3 for it. A module built with socklab's SDK gets "/"
 * at the top of the fd table instead (fd = the fd limit, which no open()
 * can reach), so that its first open()/socket()/pipe() returns 3 and the
 * lowest free number is always used, as on Linux: the SDK registers that fd
 * with wasi-libc itself (guest/c/src/preopen.c, through socklab.preopen) the
 * first time it resolves a path. Any module importing from "socklab" was
 * built for socklab, and one that creates fds without a socklab import only
 * does so through paths, which link the SDK's preopen hook and its import.
 */
export function installPreopen(p: Process, vfs: Vfs): void {
  p.slots.set(VFS, vfs);
  if (importsSocklab(p.module.module)) {
    const root = new DirHandle(vfs.root, '/', vfs);
    root.hiddenRoot = true;
    p.fds.place(p.fds.limit, root, { preopen: '/' });
  }
  else {
    // A host directory given as "/" (--dir HOST:/, wasmtime's --dir HOST::/, how wasi-testsuite runs its
    // filesystem tests) is a capability like a named preopen; socklab's own virtual "/" stays a chroot.
    p.fds.install(new DirHandle(vfs.root, '/', vfs, vfs.rootMount !== undefined), { preopen: '/' });
    // Named preopens follow at 4, 5, ... (an SDK module reaches them by their path under /).
    for (const { name, guest } of vfs.preopens) {
      const r = vfs.resolve(vfs.root, guest, true);
      if (!r.node || !isDir(r.node)) continue;
      vfs.remember(r.node as MemDir | HostNode | MountPoint, r.path);
      const node = r.node as MemDir | HostNode | MountPoint;
      p.fds.install(new DirHandle(node, r.path, vfs, true), { preopen: name });
    }
  }
}

export function dirOf(p: Process, fd: number): DirHandle {
  const f = p.fds.file(fd);
  if (!(f instanceof DirHandle)) throw new Errno(E.ENOTDIR);
  return f;
}
export function pathArg(p: Process, ptr: number, len: number): string {
  const s = p.mem.string(ptr, len);
  if (s.includes('\0')) throw new Errno(E.EINVAL);
  // preview1 paths are relative to their directory fd (wasi-libc never sends
  // another kind): an absolute one is refused as wasmtime refuses it.
  if (s.startsWith('/')) throw new Errno(E.EPERM);
  return s;
}

/** st_mode's file type bits for each WASI filetype. */
const IFMT: Partial<Record<FileType, number>> = {
  [FileType.BlockDevice]: 0o060000, [FileType.CharacterDevice]: 0o020000, [FileType.Directory]: 0o040000, [FileType.RegularFile]: 0o100000,
  [FileType.SocketDgram]: 0o140000, [FileType.SocketStream]: 0o140000, [FileType.SymbolicLink]: 0o120000,
};

/**
 * fstat: WASI's fd_filestat_get, and the SDK's socklab.fstat that also writes
 * st_uid and st_gid at `owner` (two u32s: WASI's filestat has no room; docs/abi.md).
 */
export function fdFilestat(p: Process, fd: number, out: number, owner = 0): number {
  writeStat(p, out, p.fds.file(fd).stat(), owner);
  return 0;
}
/** fstatat: WASI's path_filestat_get, and the SDK's socklab.fstatat (with `owner`, as fdFilestat). */
export function pathFilestat(p: Process, fd: number, flags: number, ptr: number, len: number, out: number, owner = 0): number {
  const d = dirOf(p, fd);
  const follow = (flags & LOOKUP_FOLLOW) !== 0;
  const r = d.resolve(pathArg(p, ptr, len), follow);
  if (!r.node) return E.ENOENT;
  // stat("/dev/stdin") follows the link to what fd 0 is.
  writeStat(p, out, r.node instanceof FdLinkNode && follow ? fdTarget(r.node, p).stat() : statNode(r.node), owner);
  return 0;
}

function writeStat(p: Process, out: number, st: FileStat, owner = 0): void {
  if (owner) {
    p.mem.check(owner, 8);
    p.mem.setU32(owner, st.uid ?? 0);
    p.mem.setU32(owner + 4, st.gid ?? 0);
  }
  p.mem.check(out, 64);
  p.mem.fill(out, 64);
  p.mem.setU64(out, st.dev);
  p.mem.setU64(out + 8, st.ino);
  p.mem.setU8(out + 16, st.filetype);
  // Linux's st_mode in the padding after filetype (offset 20), for the SDK's stat (docs/abi.md); 0: none known.
  if (st.mode !== undefined) p.mem.setU32(out + 20, st.mode > 0o7777 ? st.mode : (IFMT[st.filetype] ?? 0) | st.mode);
  // st_rdev's major and minor in the padding before it (offsets 17 and 18), for the SDK's stat (docs/abi.md).
  if (st.rdev) {
    p.mem.setU8(out + 17, st.rdev.major);
    p.mem.setU8(out + 18, st.rdev.minor);
  }
  p.mem.setU64(out + 24, st.nlink);
  p.mem.setU64(out + 32, st.size);
  p.mem.setU64(out + 40, st.atim);
  p.mem.setU64(out + 48, st.mtim);
  p.mem.setU64(out + 56, st.ctim);
}

/** /dev or /dev/fd: mount points on Linux (EBUSY to rename or remove). */
function isSpecial(n: Node): boolean {
  return n instanceof MemDir && n.special !== undefined;
}

function needWritable(n: Node | MemDir | HostNode | MountPoint): void {
  if (readOnly(n)) throw new Errno(E.EROFS);
  // /dev's names are the kernel's: no guest adds, removes or renames one (docs/abi.md, "Device files").
  if (n instanceof MemDir && n.special) throw new Errno(E.EACCES);
}

function pathOpen(
  p: Process, dirfd: number, lookup: number, pathPtr: number, pathLen: number, oflags: number,
  rightsBase: bigint, _rightsInh: bigint, fdflags: number, fdOut: number,
): number {
  const dir = dirOf(p, dirfd);
  if (oflags & O_TRUNC) needRight(dir, R.PATH_FILESTAT_SET_SIZE);
  const path = pathArg(p, pathPtr, pathLen);
  p.mem.check(fdOut, 4);
  const wantWrite = (BigInt(rightsBase) & RIGHT_FD_WRITE) !== 0n;
  const wantRead = (BigInt(rightsBase) & (RIGHT_FD_READ | RIGHT_READDIR)) !== 0n || !wantWrite;
  let f: OpenFile;
  try {
    f = openAt(dir, path, (lookup & LOOKUP_FOLLOW) !== 0, oflags, wantRead, wantWrite, fdflags, createMode(p, 0o666), p, true);
  } catch (e) {
    if (e instanceof FifoWait) return e.code;
    throw e;
  }
  p.mem.setU32(fdOut, p.fds.install(f));
  return 0;
}

/** The open flags openAt takes (WASI preview1's oflags). */
export const OPEN = { CREAT: O_CREAT, DIRECTORY: O_DIRECTORY, EXCL: O_EXCL, TRUNC: O_TRUNC } as const;
/** The fd flags openAt takes (WASI preview1's fdflags). */
export const FDFLAGS = { APPEND: FD_APPEND, NONBLOCK: FD_NONBLOCK } as const;

/**
 * openat(2) relative to an open directory: the open file description (not
 * yet in any fd table), with preview1's rules (read-only mounts, O_NOFOLLOW
 * on host files, --max-fs through the handles). Shared with wasi:filesystem.
 */
export function openAt(dir: DirHandle, path: string, follow: boolean, oflags: number, wantRead: boolean, wantWrite: boolean, fdflags: number, mode = 0o644, proc?: Process, /** The caller returns FifoWait's code (a FIFO's open may sleep); else it never waits. */ mayWait = false): OpenFile {
  const vfs = dir.vfs;
  const r = dir.resolve(path, follow);
  let node = r.node;
  if (node && (oflags & O_CREAT) && (oflags & O_EXCL)) throw new Errno(E.EEXIST);
  if (!node) {
    if (!(oflags & O_CREAT)) throw new Errno(E.ENOENT);
    if (oflags & O_DIRECTORY) throw new Errno(E.EINVAL);
    needWritable(r.parent);
    if (r.parent instanceof MemDir) {
      node = vfs.adopt(new MemFile(vfs.times(), vfs.space, mode), r.parent);
      r.parent.entries.set(r.name, node);
      const t = vfs.times();
      r.parent.times.mtim = t.mtim;
    } else {
      const hp = join(hostDirPath(r.parent), r.name);
      try {
        const hfd = fs.openSync(hp, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW, mode);
        // The host process's own umask applied too: the guest's mode exactly.
        try {
          fs.fchmodSync(hfd, mode);
        } finally {
          fs.closeSync(hfd);
        }
        node = new HostNode(r.parent instanceof MountPoint ? r.parent : r.parent.mount, hp, fs.lstatSync(hp));
      } catch (e) {
        throw hostErrno(e);
      }
    }
  }
  if (node instanceof MemSymlink || (node instanceof HostNode && node.stat.isSymbolicLink()) || (node instanceof FdLinkNode && !follow)) throw new Errno(E.ELOOP);
  // /dev/fd/N: fd N's own open description (host/fs/devices.ts), its flags untouched.
  if (node instanceof FdLinkNode) {
    const f = openFdLink(node, proc);
    if ((oflags & O_DIRECTORY) && f.filetype !== FileType.Directory) throw new Errno(E.ENOTDIR);
    return f;
  }
  if (isDir(node)) {
    if (wantWrite || (oflags & O_TRUNC)) throw new Errno(E.EISDIR);
    // /dev/fd is Linux's link to /proc/self/fd: the open directory is /proc/PID/fd (strace -yy's name for it).
    const shown = node instanceof MemDir && node.special === 'fd' && proc ? `/proc/${proc.pid}/fd` : r.path;
    const h = new DirHandle(node as MemDir | HostNode | MountPoint, shown, vfs, dir.sandboxed);
    vfs.remember(h.node, r.path);
    return h;
  }
  if (oflags & O_DIRECTORY) throw new Errno(E.ENOTDIR);
  if (node instanceof SockNode) throw new Errno(E.ENXIO);
  // A FIFO on a read-only mount cannot be: FIFOs live in memory (docs/abi.md). O_TRUNC means nothing to one.
  if (node instanceof FifoNode) {
    const end = openFifo(node, r.path, wantRead, wantWrite, (fdflags & FD_NONBLOCK) !== 0, mayWait ? proc : undefined);
    end.nonblock = (fdflags & FD_NONBLOCK) !== 0;
    return end;
  }
  if (wantWrite || (oflags & O_TRUNC)) needWritable(node);
  let f: OpenFile;
  // O_TRUNC on a character device is ignored, as Linux does.
  if (node instanceof CharDevNode) f = openDevice(node, wantRead, wantWrite, proc);
  else if (node instanceof MemFile) {
    if (oflags & O_TRUNC) node.truncate(0);
    f = new MemFileHandle(node, r.path, vfs, wantRead, wantWrite);
  } else if (node instanceof HostNode) {
    if (!node.stat.isFile()) throw new Errno(E.EACCES);
    let hfd: number;
    try {
      const mode = wantWrite ? (wantRead ? fs.constants.O_RDWR : fs.constants.O_WRONLY) : fs.constants.O_RDONLY;
      hfd = fs.openSync(node.path, mode | fs.constants.O_NOFOLLOW | (oflags & O_TRUNC ? fs.constants.O_TRUNC : 0));
    } catch (e) {
      throw hostErrno(e);
    }
    f = new HostFileHandle(hfd, r.path, wantRead, wantWrite, vfs.space, readOnly(node));
  } else throw new Errno(E.EACCES);
  f.append = (fdflags & FD_APPEND) !== 0;
  f.nonblock = (fdflags & FD_NONBLOCK) !== 0;
  setSyncFlags(f, fdflags);
  return f;
}

function fdReaddir(p: Process, fd: number, buf: number, len: number, cookie: bigint, usedOut: number): number {
  const d = dirOf(p, fd);
  p.mem.check(buf, len);
  p.mem.check(usedOut, 4);
  const ents = d.node instanceof MemDir && d.node.special === 'fd' ? [...d.entries(), ...fdLinks(p)] : d.entries();
  let o = 0;
  // A cookie past the last entry (any u64 value) is the end of the directory.
  const first = BigInt.asUintN(64, BigInt(cookie)) >= BigInt(ents.length) ? ents.length : Number(cookie);
  for (let i = first; i < ents.length && o < len; i++) {
    const e = ents[i]!;
    const name = encodeUtf8(e.name);
    const rec = new Uint8Array(24 + name.length);
    const dv = new DataView(rec.buffer);
    dv.setBigUint64(0, BigInt(i + 1), true);
    dv.setBigUint64(8, e.ino, true);
    dv.setUint32(16, name.length, true);
    dv.setUint8(20, e.type);
    rec.set(name, 24);
    // A record that does not fit is cut: wasi-libc sees a full buffer and asks again with a bigger one.
    const k = Math.min(rec.length, len - o);
    p.mem.write(buf + o, rec.subarray(0, k));
    o += k;
  }
  p.mem.setU32(usedOut, o);
  return 0;
}

function unlinkAt(p: Process, dirfd: number, ptr: number, len: number, wantDir: boolean): number {
  const dir = dirOf(p, dirfd);
  unlinkPath(dir, pathArg(p, ptr, len), wantDir);
  return 0;
}

/** unlinkat(2) (rmdir with wantDir) relative to an open directory. Shared with wasi:filesystem. */
export function unlinkPath(dir: DirHandle, path: string, wantDir: boolean): void {
  const r = dir.resolve(path, false);
  if (!r.node) throw new Errno(E.ENOENT);
  if (r.name === '.' || r.name === '..') throw new Errno(wantDir ? (r.name === '.' ? E.EINVAL : E.ENOTEMPTY) : E.EISDIR);
  const node = r.node;
  // /dev and /dev/fd are mount points on Linux: EBUSY.
  if (node instanceof MountPoint || isSpecial(node)) throw new Errno(E.EBUSY);
  // A socket a guest bound in /dev (a log daemon's /dev/log) is its own to remove, as on Linux's tmpfs /dev.
  if (!(node instanceof SockNode && r.parent instanceof MemDir && r.parent.special === 'dev')) needWritable(r.parent);
  if (wantDir && !isDir(node)) throw new Errno(E.ENOTDIR);
  if (!wantDir && isDir(node)) throw new Errno(E.EISDIR);
  if (r.parent instanceof MemDir) {
    if (node instanceof MemDir && node.entries.size) throw new Errno(E.ENOTEMPTY);
    r.parent.entries.delete(r.name);
    if (node instanceof MemFile) {
      node.nlink--;
      node.release();
    } else if (node instanceof MemSymlink || node instanceof SockNode || node instanceof FifoNode) node.nlink--;
    r.parent.times.mtim = dir.vfs.times().mtim;
  } else {
    try {
      if (wantDir) fs.rmdirSync((node as HostNode).path);
      else fs.unlinkSync((node as HostNode).path);
    } catch (e) {
      throw hostErrno(e);
    }
  }
}

function mkdirAt(p: Process, dirfd: number, ptr: number, len: number): number {
  const dir = dirOf(p, dirfd);
  mkdirPath(dir, pathArg(p, ptr, len), createMode(p, 0o777));
  return 0;
}

/** mkdirat(2) relative to an open directory. Shared with wasi:filesystem. */
export function mkdirPath(dir: DirHandle, path: string, mode = 0o755): void {
  const r = dir.resolve(path, false);
  if (r.node) throw new Errno(E.EEXIST);
  needWritable(r.parent);
  if (r.parent instanceof MemDir) r.parent.entries.set(r.name, dir.vfs.adopt(new MemDir(dir.vfs.times(), r.parent, mode), r.parent));
  else {
    try {
      const hp = join(hostDirPath(r.parent), r.name);
      fs.mkdirSync(hp, { mode });
      fs.chmodSync(hp, mode);
    } catch (e) {
      throw hostErrno(e);
    }
  }
}

/** Linux refuses "." or ".." as the last component of either rename path (EBUSY), before anything else. */
function lastIsDots(path: string): boolean {
  const last = path.replace(/\/+$/, '').split('/').pop();
  return last === '.' || last === '..' || (last === '' && path.startsWith('/'));
}

function renameAt(p: Process, fd1: number, p1: number, l1: number, fd2: number, p2: number, l2: number): number {
  const d1 = dirOf(p, fd1);
  const d2 = dirOf(p, fd2);
  const oldPath = pathArg(p, p1, l1);
  const newPath = pathArg(p, p2, l2);
  renamePath(d1, oldPath, d2, newPath);
  return 0;
}

/** renameat(2) between two open directories. Shared with wasi:filesystem. */
export function renamePath(d1: DirHandle, oldPath: string, d2: DirHandle, newPath: string): void {
  const a = d1.resolve(oldPath, false);
  const b = d2.resolve(newPath, false);
  if (lastIsDots(oldPath) || lastIsDots(newPath)) throw new Errno(E.EBUSY);
  if (!a.node) throw new Errno(E.ENOENT);
  if (a.node instanceof MountPoint || b.node instanceof MountPoint || isSpecial(a.node) || (b.node && isSpecial(b.node))) throw new Errno(E.EBUSY);
  needWritable(a.parent);
  needWritable(b.parent);
  const memA = a.parent instanceof MemDir;
  const memB = b.parent instanceof MemDir;
  if (memA !== memB || (!memA && (a.parent as HostNode | MountPoint) && mountOfParent(a.parent) !== mountOfParent(b.parent))) throw new Errno(E.EXDEV);
  if (b.node) {
    if (isDir(a.node) && !isDir(b.node)) throw new Errno(E.ENOTDIR);
    if (!isDir(a.node) && isDir(b.node)) throw new Errno(E.EISDIR);
  }
  if (memA) {
    const pa = a.parent as MemDir;
    const pb = b.parent as MemDir;
    if (a.node === b.node) return;
    // Moving a directory under itself would detach it from the tree.
    if (a.node instanceof MemDir) for (let d: MemDir | undefined = pb; d; d = d.parent) if (d === a.node) throw new Errno(E.EINVAL);
    if (b.node instanceof MemDir && b.node.entries.size) throw new Errno(E.ENOTEMPTY);
    pa.entries.delete(a.name);
    if (b.node instanceof MemFile) {
      b.node.nlink--;
      b.node.release();
    } else if (b.node instanceof MemSymlink || b.node instanceof SockNode || b.node instanceof FifoNode) b.node.nlink--;
    pb.entries.set(b.name, a.node);
    if (a.node instanceof MemDir) a.node.parent = pb;
    return;
  }
  try {
    fs.renameSync((a.node as HostNode).path, join(hostDirPath(b.parent as HostNode | MountPoint), b.name));
  } catch (e) {
    throw hostErrno(e);
  }
}
function mountOfParent(n: MemDir | HostNode | MountPoint): MountPoint | undefined {
  return n instanceof MountPoint ? n : n instanceof HostNode ? n.mount : undefined;
}

function symlinkAt(p: Process, tPtr: number, tLen: number, dirfd: number, ptr: number, len: number): number {
  const target = p.mem.string(tPtr, tLen);
  if (target.includes('\0')) return E.EINVAL;
  const dir = dirOf(p, dirfd);
  symlinkPath(target, dir, pathArg(p, ptr, len));
  return 0;
}

/** Linux's link/symlink on a new name ending in "/": EEXIST when the name exists (whatever it is), else ENOENT. */
function newNameSlash(dir: DirHandle, path: string): void {
  if (!path.endsWith('/')) return;
  const r = dir.resolve(path.replace(/\/+$/, '') || '.', false);
  throw new Errno(r.node ? E.EEXIST : E.ENOENT);
}

/** symlinkat(2) relative to an open directory. Shared with wasi:filesystem. */
export function symlinkPath(target: string, dir: DirHandle, path: string): void {
  // Under "/" an absolute target is a guest path (a chroot's rule); a named preopen's sandbox has no "/" to point at.
  if (dir.sandboxed && target.startsWith('/')) throw new Errno(E.EPERM);
  newNameSlash(dir, path);
  const r = dir.resolve(path, false);
  if (r.node) throw new Errno(E.EEXIST);
  needWritable(r.parent);
  if (r.parent instanceof MemDir) r.parent.entries.set(r.name, dir.vfs.adopt(new MemSymlink(target, dir.vfs.times()), r.parent));
  else {
    try {
      fs.symlinkSync(target, join(hostDirPath(r.parent), r.name));
    } catch (e) {
      throw hostErrno(e);
    }
  }
}

function readlinkAt(p: Process, dirfd: number, ptr: number, len: number, buf: number, bufLen: number, usedOut: number): number {
  const dir = dirOf(p, dirfd);
  const target = readlinkPath(dir, pathArg(p, ptr, len));
  const b = encodeUtf8(target).subarray(0, bufLen);
  p.mem.check(usedOut, 4);
  p.mem.write(buf, b);
  p.mem.setU32(usedOut, b.length);
  return 0;
}

/** readlinkat(2) relative to an open directory: the link's target. Shared with wasi:filesystem. */
export function readlinkPath(dir: DirHandle, path: string): string {
  const r = dir.resolve(path, false);
  if (!r.node) throw new Errno(E.ENOENT);
  if (r.node instanceof MemSymlink || r.node instanceof FdLinkNode) return r.node.target;
  if (r.node instanceof HostNode && r.node.stat.isSymbolicLink()) return fs.readlinkSync(r.node.path);
  throw new Errno(E.EINVAL);
}

function linkAt(p: Process, fd1: number, flags: number, p1: number, l1: number, fd2: number, p2: number, l2: number): number {
  const d1 = dirOf(p, fd1);
  const d2 = dirOf(p, fd2);
  linkPath(d1, pathArg(p, p1, l1), d2, pathArg(p, p2, l2), (flags & LOOKUP_FOLLOW) !== 0);
  return 0;
}

/** linkat(2) between two open directories (no symlink following). Shared with wasi:filesystem. */
export function linkPath(d1: DirHandle, oldPath: string, d2: DirHandle, newPath: string, follow = false): void {
  // AT_SYMLINK_FOLLOW links what a symlink points at (ENOENT when it dangles).
  const a = d1.resolve(oldPath, follow);
  if (!a.node) throw new Errno(E.ENOENT);
  newNameSlash(d2, newPath);
  const b = d2.resolve(newPath, false);
  if (b.node) throw new Errno(E.EEXIST);
  if (isDir(a.node)) throw new Errno(E.EPERM);
  needWritable(b.parent);
  // Any in-memory non-directory links (a symlink itself, a socket file), as on tmpfs.
  if ((a.node instanceof MemFile || a.node instanceof MemSymlink || a.node instanceof SockNode || a.node instanceof FifoNode) && b.parent instanceof MemDir) {
    a.node.nlink++;
    b.parent.entries.set(b.name, a.node);
    return;
  }
  if (a.node instanceof HostNode && !(b.parent instanceof MemDir) && a.node.mount === mountOfParent(b.parent)) {
    try {
      fs.linkSync(a.node.path, join(hostDirPath(b.parent), b.name));
    } catch (e) {
      throw hostErrno(e);
    }
    return;
  }
  throw new Errno(E.EXDEV);
}

/** The times utimensat sets (undefined: unchanged), from WASI's fstflags. */
export function timesArg(p: Process, atim: bigint, mtim: bigint, flags: number): { a: bigint | undefined; m: bigint | undefined } {
  const now = p.kernel.clock.wall();
  const ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8;
  if ((flags & ATIM && flags & ATIM_NOW) || (flags & MTIM && flags & MTIM_NOW)) throw new Errno(E.EINVAL);
  return { a: flags & ATIM_NOW ? now : flags & ATIM ? BigInt(atim) : undefined, m: flags & MTIM_NOW ? now : flags & MTIM ? BigInt(mtim) : undefined };
}

export function setTimes(p: Process, node: Node, atim: bigint, mtim: bigint, flags: number): void {
  const { a, m } = timesArg(p, atim, mtim, flags);
  if (node instanceof HostNode || node instanceof MountPoint) {
    needWritable(node);
    // A host symlink here was reached without following it (AT_SYMLINK_NOFOLLOW): its own times.
    setHostTimes(node instanceof HostNode ? node.path : node.host, !(node instanceof HostNode && node.stat.isSymbolicLink()), { a, m });
    return;
  }
  if (a !== undefined) node.times.atim = a;
  if (m !== undefined) node.times.mtim = m;
}

export function fileNode(f: OpenFile): Node | undefined {
  if (f instanceof MemFileHandle) return f.node;
  if (f instanceof DirHandle) return f.node;
  return undefined;
}


/** ftruncate(2) of an open file to n bytes (a signed size): 0 or the errno, as fd_filestat_set_size. Shared with wasi:filesystem. */
export function setSize(f: OpenFile, n: bigint): number {
  // The guest's off_t arrives as a u64: a negative length is EINVAL (Linux), a huge one EFBIG.
  if (n < 0n) return E.EINVAL;
  if (n > BigInt(MAX_FILE_SIZE)) return E.EFBIG;
  if (f instanceof MemFileHandle) {
    if (!f.writable) return E.EINVAL;
    f.node.truncate(Number(n));
    return 0;
  }
  if (f instanceof HostFileHandle) {
    if (!f.writable) return E.EINVAL;
    f.truncate(Number(n));
    return 0;
  }
  return f.filetype === FileType.Directory ? E.EISDIR : E.EINVAL;
}

export const fileSyscalls: SyscallDef[] = [
  syscall(W, 'fd_prestat_get', { strace: 'fd_prestat_get', classes: ['desc'], params: ['fd:fd', 'prestat:out'] }, (p: Process, fd: number, out: number) => {
    const e = p.fds.get(fd);
    if (e.preopen === undefined) return E.EBADF;
    p.mem.check(out, 8);
    p.mem.setU32(out, 0);
    p.mem.setU32(out + 4, encodeUtf8(e.preopen).length);
    return 0;
  }),
  syscall(W, 'fd_prestat_dir_name', { strace: 'fd_prestat_dir_name', classes: ['desc'], params: ['fd:fd', 'path:cstr_out', 'len:len'] }, (p: Process, fd: number, buf: number, len: number) => {
    const e = p.fds.get(fd);
    if (e.preopen === undefined) return E.EBADF;
    const b = encodeUtf8(e.preopen);
    if (len < b.length) return E.ENAMETOOLONG;
    p.mem.write(buf, b);
    return 0;
  }),
  syscall(W, 'fd_filestat_get', { strace: 'fstat', classes: ['desc'], params: ['fd:fd', 'stat:stat_out'] }, fdFilestat),
  syscall(W, 'fd_seek', { strace: 'lseek', classes: ['desc'], params: ['fd:fd', 'offset:i64', 'whence:whence', 'newoffset:ret_u64'] }, (p: Process, fd: number, offset: bigint, whence: number, out: number) => {
    const f = p.fds.file(fd);
    p.mem.check(out, 8);
    // WASI departs from Linux here (lseek on a directory is 0 there): a directory has no position, its cookies are fd_readdir's.
    if (f.filetype === FileType.Directory) return E.EBADF;
    if (!f.seek) return E.ESPIPE;
    // SEEK_DATA and SEEK_HOLE only where a file knows its data (a regular file's PositionedFile.seek).
    if (whence > 4 || (whence > 2 && f.filetype !== FileType.RegularFile)) return E.EINVAL;
    p.mem.setU64(out, f.seek(BigInt(offset), whence));
    return 0;
  }),
  syscall(W, 'fd_tell', { strace: 'lseek', classes: ['desc'], params: ['fd:fd', 'offset:ret_u64'] }, (p: Process, fd: number, out: number) => {
    const f = p.fds.file(fd);
    p.mem.check(out, 8);
    if (f.filetype === FileType.Directory) return E.EBADF;
    if (!f.seek) return E.ESPIPE;
    p.mem.setU64(out, f.seek(0n, 1));
    return 0;
  }),
  syscall(W, 'fd_pread', { strace: 'preadv', classes: ['desc'], params: ['fd:fd', 'iovs:iovs_out', 'iovs_len:iovcnt', 'offset:u64', 'nread:ret'] }, (p: Process, fd: number, iovs: number, n: number, off: bigint, out: number) => {
    const f = p.fds.file(fd);
    needRight(f, R.FD_READ);
    const v = f.filetype === FileType.RegularFile ? p.mem.iovecsToFault(iovs, n) : p.mem.iovecs(iovs, n);
    p.mem.check(out, 4);
    // Linux: a negative offset (the guest's off_t arrives as a u64) is EINVAL.
    if (BigInt.asIntN(64, BigInt(off)) < 0n) return E.EINVAL;
    if (f.filetype === FileType.Directory) return E.EISDIR;
    if (!f.pread) return E.ESPIPE;
    p.mem.setU32(out, f.pread(v, BigInt(off)));
    return 0;
  }),
  syscall(W, 'fd_pwrite', { strace: 'pwritev', classes: ['desc'], params: ['fd:fd', 'iovs:iovs', 'iovs_len:iovcnt', 'offset:u64', 'nwritten:ret'] }, (p: Process, fd: number, iovs: number, n: number, off: bigint, out: number) => {
    const f = p.fds.file(fd);
    needRight(f, R.FD_WRITE);
    const v = f.filetype === FileType.RegularFile ? p.mem.iovecsToFault(iovs, n) : p.mem.iovecs(iovs, n);
    p.mem.check(out, 4);
    // Linux: a negative offset (the guest's off_t arrives as a u64) is EINVAL.
    if (BigInt.asIntN(64, BigInt(off)) < 0n) return E.EINVAL;
    if (f.filetype === FileType.Directory) return E.EISDIR;
    if (!f.pwrite) return E.ESPIPE;
    p.mem.setU32(out, f.pwrite(v, BigInt(off)));
    return 0;
  }),
  syscall(W, 'fd_readdir', { strace: 'getdents64', classes: ['desc'], params: ['fd:fd', 'buf:dirents', 'buf_len:len', 'cookie:skip64', 'bufused:ret'] }, fdReaddir),
  syscall(W, 'fd_sync', { strace: 'fsync', classes: ['desc'], params: ['fd:fd'] }, (p: Process, fd: number) => (p.fds.file(fd), 0)),
  syscall(W, 'fd_datasync', { strace: 'fdatasync', classes: ['desc'], params: ['fd:fd'] }, (p: Process, fd: number) => (p.fds.file(fd), 0)),
  syscall(W, 'fd_advise', { strace: 'fadvise64', classes: ['desc'], params: ['fd:fd', 'offset:u64', 'len:u64', 'advice:i32'] }, (p: Process, fd: number, _o: bigint, _l: bigint, advice: number) => {
    const f = p.fds.file(fd);
    if (advice > 5) return E.EINVAL;
    return f.filetype === FileType.RegularFile ? 0 : E.ESPIPE;
  }),
  syscall(W, 'fd_allocate', { strace: 'fallocate', classes: ['desc'], params: ['fd:fd', 'offset:u64', 'len:u64'] }, (p: Process, fd: number, off: bigint, len: bigint) => {
    const f = p.fds.file(fd);
    // Linux: a negative offset or a length <= 0 is EINVAL; past the largest file size, EFBIG.
    const o = BigInt.asIntN(64, BigInt(off));
    const l = BigInt.asIntN(64, BigInt(len));
    if (o < 0n || l <= 0n) return E.EINVAL;
    if (f.filetype === FileType.Directory) return E.EISDIR;
    if (!(f instanceof MemFileHandle) && !(f instanceof HostFileHandle)) return E.ESPIPE;
    if (!f.writable) return E.EBADF;
    if (o + l > BigInt(MAX_FILE_SIZE)) return E.EFBIG;
    const end = Number(o + l);
    if (f instanceof MemFileHandle) f.node.allocate(end);
    else if (end > Number(f.stat().size)) f.truncate(end);
    return 0;
  }),
  syscall(W, 'fd_filestat_set_size', { strace: 'ftruncate', classes: ['desc'], params: ['fd:fd', 'size:u64'] }, (p: Process, fd: number, size: bigint) => {
    return setSize(p.fds.file(fd), BigInt.asIntN(64, BigInt(size)));
  }),
  syscall(W, 'fd_filestat_set_times', { strace: 'utimensat', classes: ['desc'], params: ['fd:fd', 'atim:utime_atim', 'mtim:skip64', 'flags:utime_fst'] }, (p: Process, fd: number, a: bigint, m: bigint, flags: number) => {
    const f = p.fds.file(fd);
    const n = fileNode(f);
    if (n) setTimes(p, n, a, m, flags);
    else if (f instanceof HostFileHandle) f.setTimes(timesArg(p, a, m, flags));
    return 0;
  }),
  // A FIFO's open may wait for its partner (host/fs/fifo.ts): a signal ends the wait.
  { ...syscall(W, 'path_open', { strace: 'openat', classes: ['file', 'desc'], params: ['dirfd:wasi_dirfd', 'lookupflags:skip', 'path:wasi_path', 'path_len:strlen', 'oflags:wasi_oflags', 'rights:skip64', 'inheriting:skip64', 'fdflags:skip', 'fd:ret_fd'] }, pathOpen), onInterrupt: fifoOpenInterrupted },
  syscall(W, 'path_filestat_get', { strace: 'newfstatat', classes: ['file'], params: ['dirfd:wasi_dirfd', 'flags:lookupflags', 'path:wasi_path', 'path_len:strlen', 'stat:stat_out_at'] }, pathFilestat),
  syscall(W, 'path_filestat_set_times', { strace: 'utimensat', classes: ['file'], params: ['dirfd:wasi_dirfd', 'flags:lookupflags', 'path:wasi_path', 'path_len:strlen', 'atim:utime_atim', 'mtim:skip64', 'fstflags:utime_fst'] }, (p: Process, fd: number, flags: number, ptr: number, len: number, a: bigint, m: bigint, fst: number) => {
    const d = dirOf(p, fd);
    const r = d.resolve(pathArg(p, ptr, len), (flags & LOOKUP_FOLLOW) !== 0);
    if (!r.node) return E.ENOENT;
    setTimes(p, r.node, a, m, fst);
    return 0;
  }),
  syscall(W, 'path_create_directory', { strace: 'mkdirat', classes: ['file'], params: ['dirfd:fd', 'path:str', 'path_len:strlen'] }, mkdirAt),
  syscall(W, 'path_remove_directory', { strace: 'unlinkat', classes: ['file'], params: ['dirfd:wasi_dirfd', 'path:wasi_path', 'path_len:rmdir_len'] }, (p: Process, fd: number, ptr: number, len: number) => unlinkAt(p, fd, ptr, len, true)),
  syscall(W, 'path_unlink_file', { strace: 'unlinkat', classes: ['file'], params: ['dirfd:wasi_dirfd', 'path:wasi_path', 'path_len:unlink_len'] }, (p: Process, fd: number, ptr: number, len: number) => unlinkAt(p, fd, ptr, len, false)),
  syscall(W, 'path_rename', { strace: 'renameat', classes: ['file'], params: ['olddirfd:wasi_dirfd', 'old:wasi_path', 'old_len:strlen', 'newdirfd:wasi_dirfd', 'new:wasi_path', 'new_len:strlen'] }, renameAt),
  syscall(W, 'path_symlink', { strace: 'symlinkat', classes: ['file'], params: ['target:str', 'target_len:strlen', 'dirfd:fd', 'path:str', 'path_len:strlen'] }, symlinkAt),
  syscall(W, 'path_readlink', { strace: 'readlinkat', classes: ['file'], params: ['dirfd:wasi_dirfd', 'path:wasi_path', 'path_len:strlen', 'buf:buf_out', 'buf_len:len', 'bufused:ret'] }, readlinkAt),
  syscall(W, 'path_link', { strace: 'linkat', classes: ['file'], params: ['olddirfd:fd', 'flags:flags', 'old:str', 'old_len:strlen', 'newdirfd:fd', 'new:str', 'new_len:strlen'] }, linkAt),
];
