// The current directory: chdir(2), fchdir(2), getcwd(2). The kernel keeps it
// per process (CWD: fork copies it, execve keeps it), as Linux's fs_struct
// does, and each call hands the path back for the SDK to make wasi-libc's
// __wasilibc_cwd (which the SDK joins relative paths to, guest/c/src/
// preopen.c) the same; an image's first path call syncs it too (preopen_cwd
// in host/kernel/fdcalls.ts), so a program exec'd after a chdir starts there.
import { E, Errno } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { Slot } from '../kernel/slots.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { preopenFd } from '../kernel/fdcalls.js';
import { DirHandle } from '../fs/handles.js';
import { inGroup } from '../fs/owners.js';
import { VFS, isDir, statNode, type Node } from '../fs/memfs.js';

/** The process's current directory, an absolute path with symlinks resolved ("/" at the start). */
export const CWD = new Slot<string>('cwd', true);

export const cwdOf = (p: Process): string => p.slots.get(CWD) ?? '/';

/** PATH_MAX, with the NUL: the SDK's buffer, and the longest path a call takes. */
const PATH_MAX = 4096;

/** file_permission(MAY_EXEC | MAY_CHDIR): search permission, which root always has on a directory. */
function searchable(p: Process, st: { mode?: number; uid?: number; gid?: number }): boolean {
  const c = p.creds;
  if (c.privileged) return true;
  const mode = st.mode ?? 0o755;
  const bits = c.euid === (st.uid ?? 0) ? mode >> 6 : inGroup(c, st.gid ?? 0) ? mode >> 3 : mode;
  return (bits & 1) !== 0;
}

/** Makes `path` current and writes it for the SDK (buf, cap; its length without the NUL at lenOut). */
function become(p: Process, path: string, buf: number, cap: number, lenOut: number): number {
  // The SDK's buffer is PATH_MAX: a longer path could not be a working directory's (getcwd's ENAMETOOLONG).
  if (Buffer.byteLength(path) + 1 > cap) return E.ENAMETOOLONG;
  p.mem.setU32(lenOut, p.mem.writeCString(buf, cap, path));
  p.slots.set(CWD, path);
  return 0;
}

function chdir(p: Process, pathPtr: number, buf: number, cap: number, lenOut: number): number {
  p.mem.check(lenOut, 4);
  if (pathPtr === 0) return E.EFAULT;
  const path = p.mem.cstring(pathPtr, PATH_MAX + 1);
  if (Buffer.byteLength(path) >= PATH_MAX) return E.ENAMETOOLONG;
  if (path === '') return E.ENOENT;
  const vfs = p.slots.get(VFS);
  if (!vfs) return E.ENOENT;
  // The current directory is a physical path: a leading ".." is its parent, found lexically, so it still leads
  // there once the directory itself was removed (Linux walks up from the directory's dentry).
  let cwd = cwdOf(p);
  let rel = path;
  while (!rel.startsWith('/') && (rel === '..' || rel.startsWith('../'))) {
    cwd = cwd.slice(0, Math.max(1, cwd.lastIndexOf('/')));
    rel = rel.slice(3) || '.';
  }
  try {
    const r = vfs.resolve(vfs.root, rel.startsWith('/') ? rel : `${cwd.endsWith('/') ? cwd : `${cwd}/`}${rel}`, true);
    const n: Node | undefined = r.node;
    if (n === undefined) return E.ENOENT;
    if (!isDir(n)) return E.ENOTDIR;
    if (!searchable(p, statNode(n))) return E.EACCES;
    return become(p, r.path, buf, cap, lenOut);
  } catch (e) {
    if (e instanceof Errno) return e.errno;
    throw e;
  }
}

function fchdir(p: Process, fd: number, buf: number, cap: number, lenOut: number): number {
  p.mem.check(lenOut, 4);
  // The SDK's hidden preopen of "/" is no descriptor of the program's.
  const f = p.fds.has(fd) ? p.fds.file(fd) : undefined;
  if (f === undefined || (f instanceof DirHandle && f.hiddenRoot)) return E.EBADF;
  if (!(f instanceof DirHandle)) return E.ENOTDIR;
  if (!searchable(p, f.stat())) return E.EACCES;
  return become(p, f.path, buf, cap, lenOut);
}

/** getcwd(2): the path with its NUL into buf; the result (at out) is its length with the NUL; ERANGE when it does not fit. */
function getcwd(p: Process, buf: number, size: number, out: number): number {
  p.mem.check(out, 4);
  const cwd = cwdOf(p);
  // Linux's getcwd is ENOENT once the current directory was removed (d_unlinked).
  if (!stillThere(p, cwd)) return E.ENOENT;
  const n = Buffer.byteLength(cwd) + 1;
  if ((size >>> 0) < n) return E.ERANGE;
  p.mem.check(buf, n);
  p.mem.writeCString(buf, n, cwd);
  p.mem.setU32(out, n);
  return 0;
}

/** The SDK's "/" (see fdcalls.ts preopen) and the current directory, at an image's first path call. */
function preopenCwd(p: Process, out: number, buf: number, cap: number, lenOut: number): number {
  p.mem.check(out, 4);
  p.mem.check(lenOut, 4);
  const fd = preopenFd(p);
  const r = become(p, cwdOf(p), buf, cap, lenOut);
  if (r === 0) p.mem.setI32(out, fd);
  return r;
}

/** Whether the directory at `path` still exists (the current directory may have been removed since chdir). */
function stillThere(p: Process, path: string): boolean {
  const vfs = p.slots.get(VFS);
  if (!vfs) return path === '/';
  try {
    const n = vfs.resolve(vfs.root, path, true).node;
    return n !== undefined && isDir(n);
  } catch (e) {
    if (e instanceof Errno) return false;
    throw e;
  }
}

export const cwdSyscalls: SyscallDef[] = [
  syscall('socklab', 'preopen_cwd', { strace: 'socklab_preopen', classes: ['desc'], params: ['fd:ret_fd', 'buf:skip', 'cap:skip', 'len:skip'] }, preopenCwd),
  syscall('socklab', 'chdir', { strace: 'chdir', classes: ['file'], params: ['path:cstr', 'buf:skip', 'cap:skip', 'len:skip'] }, chdir),
  syscall('socklab', 'fchdir', { strace: 'fchdir', classes: ['desc'], params: ['fd:fd', 'buf:skip', 'cap:skip', 'len:skip'] }, fchdir),
  syscall('socklab', 'getcwd', { strace: 'getcwd', classes: ['file'], params: ['buf:cstr_out', 'size:len', 'len:ret'] }, getcwd),
];
