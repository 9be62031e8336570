// umask, chmod, fchmod and fchmodat: the SDK's calls (guest/c/src/fsmode.c;
// WASI preview1 has no modes). Paths are the program's own, resolved as
// Linux does: absolute from the root, relative from the directory fd or,
// for AT_FDCWD, from the current directory the SDK passes along (the host
// does not know it: wasi-libc keeps it). Modes: host/fs/modes.ts.
import { E, Errno } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { DirHandle } from './handles.js';
import { VFS, type Resolved } from './memfs.js';
import { UMASK, chmodNode, umaskOf } from './modes.js';

const S = 'socklab';
/** Linux's AT_FDCWD (the SDK passes it whatever the program's headers call it). */
export const AT_FDCWD = -100;
/** fchmodat's one flag (glibc emulates it; socklab refuses a symlink, as glibc does, with EOPNOTSUPP). */
const AT_SYMLINK_NOFOLLOW = 0x100;

/**
 * The node `path` names for a chmod or chown: from the root, dirfd, or the current directory `cwdPtr` (a C string).
 * `emptyIsCwd`: "" names the current directory (fchownat's AT_EMPTY_PATH with AT_FDCWD).
 */
export function resolveAt(p: Process, dirfd: number, pathPtr: number, cwdPtr: number, follow: boolean, emptyIsCwd = false): Resolved {
  if (pathPtr === 0) throw new Errno(E.EFAULT);
  const path = p.mem.cstring(pathPtr) || (emptyIsCwd ? '.' : '');
  if (path === '') throw new Errno(E.ENOENT);
  const vfs = p.slots.get(VFS);
  if (!vfs) throw new Errno(E.ENOENT);
  if (path.startsWith('/')) return vfs.resolve(vfs.root, path, follow);
  if (dirfd !== AT_FDCWD) {
    const d = p.fds.file(dirfd);
    if (!(d instanceof DirHandle)) throw new Errno(E.ENOTDIR);
    return d.resolve(path, follow);
  }
  const cwd = cwdPtr ? p.mem.cstring(cwdPtr) : '/';
  return vfs.resolve(vfs.root, `${cwd.endsWith('/') ? cwd : `${cwd}/`}${path}`, follow);
}

function chmodAt(p: Process, dirfd: number, pathPtr: number, mode: number, flags: number, cwdPtr: number): number {
  if (flags & ~AT_SYMLINK_NOFOLLOW) return E.EINVAL;
  const r = resolveAt(p, dirfd, pathPtr, cwdPtr, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  if (!r.node) return E.ENOENT;
  const vfs = p.slots.get(VFS)!;
  chmodNode(r.node, mode, vfs.times().ctim);
  return 0;
}

export const modeSyscalls: SyscallDef[] = [
  // The kernel keeps mask & 0777 and returns the previous one.
  syscall(S, 'umask', { strace: 'umask', classes: ['file'], params: ['mask:mode', 'old:ret_mode'] }, (p: Process, mask: number, out: number) => {
    p.mem.check(out, 4);
    const old = umaskOf(p);
    p.slots.set(UMASK, mask & 0o777);
    p.mem.setU32(out, old);
    return 0;
  }),
  syscall(S, 'chmod', { strace: 'chmod', classes: ['file'], params: ['path:cstr', 'mode:mode', 'cwd:skip'] }, (p: Process, path: number, mode: number, cwd: number) =>
    chmodAt(p, AT_FDCWD, path, mode, 0, cwd)),
  syscall(S, 'fchmodat', { strace: 'fchmodat', classes: ['file'], params: ['dirfd:dirfd', 'path:cstr', 'mode:mode', 'flags:skip', 'cwd:skip'] }, chmodAt),
  syscall(S, 'fchmod', { strace: 'fchmod', classes: ['desc'], params: ['fd:fd', 'mode:mode'] }, (p: Process, fd: number, mode: number) => {
    const f = p.fds.file(fd);
    // Anonymous inodes without modes of their own (eventfd, epoll...): Linux changes the shared inode; nothing here reads it.
    f.chmod?.(mode & 0o7777);
    return 0;
  }),
];
