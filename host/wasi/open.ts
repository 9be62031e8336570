// openat(2), creat(2), mkdir(2) and mkdirat(2) with their modes: the SDK's
// calls (guest/c/src/open.c), since WASI preview1's path_open and
// path_create_directory carry no mode and no close-on-exec. The SDK passes
// the program's own dirfd and path (what strace shows) and, to open, the
// preopen and relative path wasi-libc resolved them to, so a path reaches
// exactly what path_open would reach, with the same errors. Flags are
// Linux's (x86-64).
import { E } from '../abi/errno.js';
import type { Process } from '../kernel/process.js';
import { syscall, type SyscallDef } from '../kernel/syscall.js';
import { createMode } from '../fs/modes.js';
import { FifoWait, fifoOpenInterrupted } from '../fs/fifo.js';
import { R, needRight } from './rights.js';
import { OPEN, dirOf, mkdirPath, openAt, pathArg } from './files.js';

const S = 'socklab';

/** Linux's open flags (x86-64), as the SDK passes them. */
export const LO = {
  O_ACCMODE: 3, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_APPEND: 0o2000, O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000, O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000, O_CLOEXEC: 0o2000000, O_SYNC: 0o4010000, O_PATH: 0o10000000,
} as const;
/** WASI fdflags. */
const FD = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, SYNC: 16 } as const;
/** mkdir's mode bits (S_IRWXUGO | S_ISVTX): Linux ignores the others. */
const MKDIR_MODE = 0o1777;

/** The open: wdir and rel are the preopen and path the SDK resolved (wdir -1: none, ENOENT). */
function open(p: Process, flags: number, mode: number, wdir: number, relPtr: number, relLen: number, fdOut: number): number {
  p.mem.check(fdOut, 4);
  if (wdir === -1) return E.ENOENT;
  // O_PATH: only O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC mean anything with it.
  if (flags & LO.O_PATH) flags &= LO.O_PATH | LO.O_DIRECTORY | LO.O_NOFOLLOW | LO.O_CLOEXEC;
  const dir = dirOf(p, wdir);
  if (flags & LO.O_TRUNC) needRight(dir, R.PATH_FILESTAT_SET_SIZE);
  const path = pathArg(p, relPtr, relLen);
  const acc = flags & LO.O_ACCMODE;
  const wantWrite = acc === LO.O_WRONLY || acc === LO.O_RDWR || acc === 3;
  const wantRead = acc !== LO.O_WRONLY;
  const oflags = (flags & LO.O_CREAT ? OPEN.CREAT : 0) | (flags & LO.O_EXCL ? OPEN.EXCL : 0) | (flags & LO.O_TRUNC ? OPEN.TRUNC : 0) | (flags & LO.O_DIRECTORY ? OPEN.DIRECTORY : 0);
  const sync = (flags & LO.O_SYNC) === LO.O_SYNC ? FD.SYNC : flags & LO.O_DSYNC ? FD.DSYNC : 0;
  const fdflags = (flags & LO.O_APPEND ? FD.APPEND : 0) | (flags & LO.O_NONBLOCK ? FD.NONBLOCK : 0) | sync;
  let f;
  try {
    f = openAt(dir, path, (flags & LO.O_NOFOLLOW) === 0, oflags, wantRead, wantWrite, fdflags, createMode(p, mode), p, true);
  } catch (e) {
    // A FIFO's blocking open waits for its partner (host/fs/fifo.ts).
    if (e instanceof FifoWait) return e.code;
    throw e;
  }
  p.mem.setU32(fdOut, p.fds.install(f, { cloexec: (flags & LO.O_CLOEXEC) !== 0 }));
  return 0;
}

function mkdir(p: Process, mode: number, wdir: number, relPtr: number, relLen: number): number {
  if (wdir === -1) return E.ENOENT;
  const dir = dirOf(p, wdir);
  mkdirPath(dir, pathArg(p, relPtr, relLen), createMode(p, mode & MKDIR_MODE));
  return 0;
}

export const openSyscalls: SyscallDef[] = [
  {
    ...syscall(S, 'openat', {
      strace: 'openat', classes: ['file', 'desc'],
      params: ['dirfd:dirfd', 'path:str', 'path_len:strlen', 'flags:open_flags', 'mode:open_mode', 'wdir:skip', 'rel:skip', 'rel_len:skip', 'fd:ret_fd'],
    }, (p: Process, _dirfd: number, _path: number, _len: number, flags: number, mode: number, wdir: number, rel: number, relLen: number, out: number) =>
      open(p, flags, mode, wdir, rel, relLen, out)),
    // A FIFO's open may wait for its partner (host/fs/fifo.ts): a signal ends the wait.
    onInterrupt: fifoOpenInterrupted,
  },
  syscall(S, 'creat', {
    strace: 'creat', classes: ['file', 'desc'],
    params: ['path:str', 'path_len:strlen', 'mode:mode', 'wdir:skip', 'rel:skip', 'rel_len:skip', 'fd:ret_fd'],
  }, (p: Process, _path: number, _len: number, mode: number, wdir: number, rel: number, relLen: number, out: number) =>
    open(p, LO.O_WRONLY | LO.O_CREAT | LO.O_TRUNC, mode, wdir, rel, relLen, out)),
  syscall(S, 'mkdirat', {
    strace: 'mkdirat', classes: ['file'],
    params: ['dirfd:dirfd', 'path:str', 'path_len:strlen', 'mode:mode', 'wdir:skip', 'rel:skip', 'rel_len:skip'],
  }, (p: Process, _dirfd: number, _path: number, _len: number, mode: number, wdir: number, rel: number, relLen: number) =>
    mkdir(p, mode, wdir, rel, relLen)),
  syscall(S, 'mkdir', {
    strace: 'mkdir', classes: ['file'],
    params: ['path:str', 'path_len:strlen', 'mode:mode', 'wdir:skip', 'rel:skip', 'rel_len:skip'],
  }, (p: Process, _path: number, _len: number, mode: number, wdir: number, rel: number, relLen: number) =>
    mkdir(p, mode, wdir, rel, relLen)),
];
