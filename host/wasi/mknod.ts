// mknodat(2) (the SDK's mkfifo, mkfifoat, mknod and mknodat: glibc makes
// them all mknodat, guest/c/src/fifo.c), with Linux's checks in its order:
// the file type first (may_mknod: S_IFDIR EPERM, an unknown one EINVAL),
// then the path (ENOENT, ENOTDIR, EEXIST), then the type's own rule. A FIFO
// lives in memory only (host/fs/fifo.ts): in a mounted host directory it is
// EPERM, as on a filesystem without FIFOs. Device nodes are EPERM (socklab
// grants no CAP_MKNOD, as a rootless container), and so is a socket file
// (only bind makes one). Type 0 or S_IFREG makes an empty regular file.
import { E } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { createMode } from '../fs/modes.js';
import { FifoNode, MemDir, readOnly } from '../fs/memfs.js';
import { OPEN, dirOf, openAt, pathArg } from './files.js';

const S = 'socklab';
const S_IFMT = 0o170000;
const S_IFREG = 0o100000, S_IFCHR = 0o020000, S_IFBLK = 0o060000, S_IFIFO = 0o010000, S_IFSOCK = 0o140000, S_IFDIR = 0o040000;

function mknod(p: Process, mode: number, wdir: number, relPtr: number, relLen: number): number {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return E.EPERM;
  if (type !== 0 && type !== S_IFREG && type !== S_IFCHR && type !== S_IFBLK && type !== S_IFIFO && type !== S_IFSOCK) return E.EINVAL;
  if (wdir === -1) return E.ENOENT;
  const dir = dirOf(p, wdir);
  const path = pathArg(p, relPtr, relLen);
  const perm = createMode(p, mode);
  if (type === 0 || type === S_IFREG) {
    // What open(O_CREAT|O_EXCL) makes, the mode included; nothing stays open.
    openAt(dir, path, false, OPEN.CREAT | OPEN.EXCL, true, false, 0, perm, p).close();
    return 0;
  }
  const r = dir.resolve(path, false);
  if (r.node) return E.EEXIST;
  if (readOnly(r.parent)) return E.EROFS;
  if (!(r.parent instanceof MemDir) || type !== S_IFIFO) return E.EPERM;
  // /dev/fd holds the process's fds only.
  if (r.parent.special === 'fd') return E.EACCES;
  const t = dir.vfs.times();
  r.parent.entries.set(r.name, dir.vfs.adopt(new FifoNode(perm, t), r.parent));
  r.parent.times.mtim = t.mtim;
  r.parent.times.ctim = t.ctim;
  return 0;
}

export const mknodSyscalls: SyscallDef[] = [
  syscall(S, 'mknodat', {
    strace: 'mknodat', classes: ['file'],
    params: ['dirfd:dirfd', 'path:str', 'path_len:strlen', 'mode:mknod_mode', 'dev:mknod_dev', 'wdir:skip', 'rel:skip', 'rel_len:skip'],
  }, (p: Process, _dirfd: number, _path: number, _len: number, mode: number, _dev: number, wdir: number, rel: number, relLen: number) =>
    mknod(p, mode, wdir, rel, relLen)),
];
