// The SDK's owner and filesystem calls (guest/c/src/owners.c, statvfs.c;
// docs/abi.md): stat and fstat with st_uid/st_gid, the chown family as
// Linux's do_fchownat and ksys_fchown order their checks, statfs/fstatfs.
// Paths resolve as chmod's do (host/fs/modecalls.ts).
import { E, Errno } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { FileType, type OpenFile } from '../kernel/file.js';
import { PipeEnd } from '../kernel/pipe.js';
import { FdLinkNode, fdTarget } from '../fs/devices.js';
import { HostFileHandle } from '../fs/handles.js';
import { VFS, type Node } from '../fs/memfs.js';
import { AT_FDCWD, resolveAt } from '../fs/modecalls.js';
import { chownNode, chownOwned } from '../fs/owners.js';
import { ANON_INODE_FS_MAGIC, PIPEFS_MAGIC, SOCKFS_MAGIC, STATFS_SIZE, hostStatfs, memStatfs, pseudoStatfs, statfsNode, type StatFs } from '../fs/statfs.js';
import { fdFilestat, fileNode, pathFilestat } from './files.js';

const S = 'socklab';
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;

/** fchown(2) of an open file: its node's owner, or (sockets, pipes, host files) the 0/0 it shows. */
function fchownFile(p: Process, f: OpenFile, uid: number, gid: number): number {
  const n = fileNode(f);
  if (n) {
    chownNode(p.creds, n, uid, gid, p.slots.get(VFS)?.times().ctim ?? 0n);
    return 0;
  }
  if (f instanceof HostFileHandle && f.readonlyMount) return E.EROFS;
  chownOwned(p.creds, undefined, false, uid, gid);
  return 0;
}

function chownPath(p: Process, dirfd: number, pathPtr: number, uid: number, gid: number, flags: number, cwd: number): number {
  // do_fchownat: flags first, then the lookup, then the permission checks.
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return E.EINVAL;
  const follow = (flags & AT_SYMLINK_NOFOLLOW) === 0;
  if (flags & AT_EMPTY_PATH && pathPtr !== 0 && p.mem.cstring(pathPtr) === '') {
    if (dirfd !== AT_FDCWD) return fchownFile(p, p.fds.file(dirfd), uid, gid);
    return chownResolved(p, resolveAt(p, AT_FDCWD, pathPtr, cwd, follow, true).node, uid, gid, follow);
  }
  return chownResolved(p, resolveAt(p, dirfd, pathPtr, cwd, follow).node, uid, gid, follow);
}

function chownResolved(p: Process, n: Node | undefined, uid: number, gid: number, follow: boolean): number {
  if (!n) return E.ENOENT;
  // chown("/dev/fd/3") follows the link to what fd 3 is.
  if (n instanceof FdLinkNode && follow) return fchownFile(p, fdTarget(n, p), uid, gid);
  chownNode(p.creds, n, uid, gid, p.slots.get(VFS)!.times().ctim);
  return 0;
}

/** Writes socklab's statfs record (docs/abi.md "Owners and statvfs"). */
function writeStatfs(p: Process, out: number, s: StatFs): void {
  p.mem.check(out, STATFS_SIZE);
  p.mem.fill(out, STATFS_SIZE);
  p.mem.setU32(out, s.type);
  p.mem.setU32(out + 4, s.bsize);
  p.mem.setU64(out + 8, s.blocks);
  p.mem.setU64(out + 16, s.bfree);
  p.mem.setU64(out + 24, s.bavail);
  p.mem.setU64(out + 32, s.files);
  p.mem.setU64(out + 40, s.ffree);
  p.mem.setU32(out + 56, s.namelen);
  p.mem.setU32(out + 60, s.frsize);
  p.mem.setU32(out + 64, s.flags);
}

/** fstatfs of an open file: its node's filesystem, a host file's, or the pseudo filesystem it lives on. */
function fileStatfs(p: Process, f: OpenFile): StatFs {
  const vfs = p.slots.get(VFS);
  const n = fileNode(f);
  if (n && vfs) return statfsNode(vfs, n);
  if (f instanceof HostFileHandle && vfs) {
    const r = vfs.resolve(vfs.root, f.path, false);
    if (r.node) return statfsNode(vfs, r.node);
    return hostStatfs('/', f.readonlyMount);
  }
  if (f.filetype === FileType.SocketStream || f.filetype === FileType.SocketDgram) return pseudoStatfs(SOCKFS_MAGIC);
  if (f instanceof PipeEnd) return pseudoStatfs(PIPEFS_MAGIC);
  // /dev's devices (a terminal's stdio included) live on devtmpfs, a tmpfs.
  if (f.filetype === FileType.CharacterDevice && vfs) return memStatfs(vfs);
  return pseudoStatfs(ANON_INODE_FS_MAGIC);
}

export const ownerSyscalls: SyscallDef[] = [
  // WASI's fd_filestat_get and path_filestat_get with st_uid and st_gid written at `owner` (two u32s).
  syscall(S, 'fstat', { strace: 'fstat', classes: ['desc'], params: ['fd:fd', 'stat:stat_out', 'owner:skip'] }, fdFilestat),
  syscall(S, 'fstatat', { strace: 'newfstatat', classes: ['file'], params: ['dirfd:wasi_dirfd', 'flags:lookupflags', 'path:wasi_path', 'path_len:strlen', 'stat:stat_out_at', 'owner:skip'] }, pathFilestat),
  syscall(S, 'chown', { strace: 'chown', classes: ['file'], params: ['path:cstr', 'uid:i32', 'gid:i32', 'cwd:skip'] }, (p: Process, path: number, uid: number, gid: number, cwd: number) =>
    chownPath(p, AT_FDCWD, path, uid, gid, 0, cwd)),
  syscall(S, 'lchown', { strace: 'lchown', classes: ['file'], params: ['path:cstr', 'uid:i32', 'gid:i32', 'cwd:skip'] }, (p: Process, path: number, uid: number, gid: number, cwd: number) =>
    chownPath(p, AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW, cwd)),
  syscall(S, 'fchownat', { strace: 'fchownat', classes: ['desc', 'file'], params: ['dirfd:dirfd', 'path:cstr', 'uid:i32', 'gid:i32', 'flags:at_flags', 'cwd:skip'] }, chownPath),
  syscall(S, 'fchown', { strace: 'fchown', classes: ['desc'], params: ['fd:fd', 'uid:i32', 'gid:i32'] }, (p: Process, fd: number, uid: number, gid: number) =>
    fchownFile(p, p.fds.file(fd), uid, gid)),
  syscall(S, 'statfs', { strace: 'statfs', classes: ['file'], params: ['path:cstr', 'buf:statfs_out', 'cwd:skip'] }, (p: Process, path: number, out: number, cwd: number) => {
    const r = resolveAt(p, AT_FDCWD, path, cwd, true);
    if (!r.node) return E.ENOENT;
    const vfs = p.slots.get(VFS)!;
    writeStatfs(p, out, r.node instanceof FdLinkNode ? fileStatfs(p, fdTarget(r.node, p)) : statfsNode(vfs, r.node));
    return 0;
  }),
  syscall(S, 'fstatfs', { strace: 'fstatfs', classes: ['desc'], params: ['fd:fd', 'buf:statfs_out'] }, (p: Process, fd: number, out: number) => {
    const f = p.fds.file(fd);
    if (out === 0) throw new Errno(E.EFAULT);
    writeStatfs(p, out, fileStatfs(p, f));
    return 0;
  }),
];
