// File modes as Linux keeps them: the process's umask (inherited by fork)
// and the permission bits (07777) of in-memory nodes and of files in
// mounted host directories, which chmod changes on the host file itself.
import * as fs from 'node:fs';
import { Slot } from '../kernel/slots.js';
import { E, Errno } from '../abi/errno.js';
import { CharDevNode, FdLinkNode } from './devices.js';
import { FifoNode, HostNode, MemDir, MemFile, MemSymlink, MountPoint, SockNode, hostErrno, readOnly, type Node, type Vfs } from './memfs.js';

/** The process's umask (a process starts with 022; fork copies it). */
export const UMASK = new Slot<number>('umask', true);
export const DEFAULT_UMASK = 0o022;

/** The permission bits chmod takes: S_IALLUGO (the file type and higher bits are ignored). */
export const S_IALLUGO = 0o7777;

/** chmod(2) on a resolved node (never a symlink: chmod follows them). */
export function chmodNode(n: Node, mode: number, now: bigint): void {
  mode &= S_IALLUGO;
  if (n instanceof MemDir || n instanceof MemFile || n instanceof SockNode || n instanceof FifoNode || n instanceof CharDevNode) {
    n.mode = mode;
    n.times.ctim = now;
    return;
  }
  // fchmodat(AT_SYMLINK_NOFOLLOW) on a link: Linux cannot change a symlink's mode.
  if (n instanceof MemSymlink || n instanceof FdLinkNode) throw new Errno(E.EOPNOTSUPP);
  if (readOnly(n)) throw new Errno(E.EROFS);
  const path = n instanceof MountPoint ? n.host : n.path;
  if (n instanceof HostNode && n.stat.isSymbolicLink()) throw new Errno(E.EOPNOTSUPP);
  try {
    // socklab resolved every component itself (Vfs.resolve): the last one is no link, so the host follows none.
    if (fs.lstatSync(path).isSymbolicLink()) throw new Errno(E.EOPNOTSUPP);
    fs.chmodSync(path, mode);
  } catch (e) {
    throw e instanceof Errno ? e : hostErrno(e);
  }
}

/** fchmod(2) on an open host file. */
export function chmodHostFd(fd: number, mode: number, readonlyMount: boolean): void {
  if (readonlyMount) throw new Errno(E.EROFS);
  try {
    fs.fchmodSync(fd, mode & S_IALLUGO);
  } catch (e) {
    throw hostErrno(e);
  }
}

/** The umask of a process. */
export function umaskOf(p: { slots: { get<T>(k: Slot<T>): T | undefined } }): number {
  return p.slots.get(UMASK) ?? DEFAULT_UMASK;
}

/**
 * The mode a new file gets: what the program asked (S_IALLUGO: set-id and
 * sticky bits too, as Linux keeps them), less the umask. The SDK's open,
 * creat and mkdir pass the program's mode (host/wasi/open.ts); WASI
 * preview1's path_open and path_create_directory carry none, so a file
 * created through them is taken as asked with 0666 (fopen's, creat's usual
 * mode) and a directory with 0777 (docs/abi.md).
 */
export function createMode(p: { slots: { get<T>(k: Slot<T>): T | undefined } }, asked: number): number {
  return asked & ~umaskOf(p) & S_IALLUGO;
}

/**
 * bind() of an AF_UNIX path made its socket file: Linux gives it
 * S_IFSOCK | (0777 & ~umask) (unix_bind_bsd), the binding process's umask.
 */
export function socketFileMade(p: { slots: { get<T>(k: Slot<T>): T | undefined } }, vfs: Vfs, path: string): void {
  const n = vfs.resolve(vfs.root, path, false).node;
  if (n instanceof SockNode) n.mode = createMode(p, 0o777);
}
