// fchdir(2). The current directory is the guest's (wasi-libc's
// __wasilibc_cwd, guest/c/src/preopen.c): WASI keeps no path for a directory
// fd, but the host does (DirHandle.path, what the trace prints), so the call
// checks the fd as Linux's fchdir does and hands the path back for the SDK
// to make current.
import { E } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { DirHandle } from '../fs/handles.js';
import { inGroup } from '../fs/owners.js';

function fchdir(p: Process, fd: number, buf: number, cap: number, lenOut: number): number {
  p.mem.check(lenOut, 4);
  // The SDK's hidden preopen of "/" is no descriptor of the program's.
  const f = p.fds.has(fd) ? p.fds.file(fd) : undefined;
  if (f === undefined || (f instanceof DirHandle && f.hiddenRoot)) return E.EBADF;
  if (!(f instanceof DirHandle)) return E.ENOTDIR;
  // file_permission(MAY_EXEC | MAY_CHDIR): search permission, which root always has on a directory.
  const st = f.stat();
  const c = p.creds;
  if (!c.privileged) {
    const mode = st.mode ?? 0o755;
    const bits = c.euid === (st.uid ?? 0) ? mode >> 6 : inGroup(c, st.gid ?? 0) ? mode >> 3 : mode;
    if ((bits & 1) === 0) return E.EACCES;
  }
  // The SDK's buffer is PATH_MAX: a longer path could not be a working directory's (getcwd's ENAMETOOLONG).
  if (Buffer.byteLength(f.path) + 1 > cap) return E.ENAMETOOLONG;
  const n = p.mem.writeCString(buf, cap, f.path);
  p.mem.setU32(lenOut, n);
  return 0;
}

export const fchdirSyscalls: SyscallDef[] = [
  syscall('socklab', 'fchdir', { strace: 'fchdir', classes: ['desc'], params: ['fd:fd', 'buf:skip', 'cap:skip', 'len:skip'] }, fchdir),
];
