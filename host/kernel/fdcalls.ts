// Calls on the fd table itself, on every kind of fd: pipe2, dup, dup2, dup3
// and fcntl's descriptor commands (socklab imports, docs/abi.md). Open file
// descriptions are shared: dup'ed fds share the offset, O_NONBLOCK and
// O_APPEND (they live on the OpenFile); FD_CLOEXEC is each fd's own.
import { E, Errno } from '../abi/errno.js';
import type { Process } from './process.js';
import { syscall, type SyscallDef } from './syscall.js';
import { Pipe, PipeEnd } from './pipe.js';
import { Slot } from './slots.js';
import type { OpenFile } from './file.js';
import { F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID, FileOwner, fileOwner } from './signals.js';
import { F_UNLCK, setLock, testLock, type Flock } from './locks.js';

/**
 * f_setown (F_SETOWN, FIOSETOWN, SIOCSPGRP): a pid, or minus a process
 * group; 0 clears the owner; a number no process uses is ESRCH.
 */
export function setOwner(p: Process, f: OpenFile, who: number): number {
  if (who === -0x80000000) return E.EINVAL;
  const type = who < 0 ? F_OWNER_PGRP : F_OWNER_PID;
  who = Math.abs(who);
  if (who && !FileOwner.exists(p, who)) return E.ESRCH;
  fileOwner(p, f).set(type, who);
  return 0;
}

/** O_ASYNC on or off (setfl, FIOASYNC): the fasync entry remembers the fd it was set through (si_fd). */
export function setAsync(p: Process, f: OpenFile, fd: number, on: boolean): void {
  const o = on || f.fown ? fileOwner(p, f) : undefined;
  if (!o || on === o.asyncFd >= 0) return;
  o.asyncFd = on ? fd : -1;
}

/** Linux's values: the ABI's (the SDK translates wasi-libc's O_* to them). */
export const O = { O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_APPEND: 0x400, O_NONBLOCK: 0x800, O_ASYNC: 0x2000, O_CLOEXEC: 0x80000 } as const;
export const F = {
  F_DUPFD: 0, F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4, F_GETLK: 5, F_SETLK: 6, F_SETLKW: 7, F_SETOWN: 8, F_GETOWN: 9, F_SETSIG: 10, F_GETSIG: 11,
  F_SETOWN_EX: 15, F_GETOWN_EX: 16, F_DUPFD_CLOEXEC: 1030,
} as const;
export const FD_CLOEXEC = 1;

function pipe2(p: Process, fdsOut: number, flags: number): number {
  p.mem.check(fdsOut, 8);
  if (flags & ~(O.O_NONBLOCK | O.O_CLOEXEC)) return E.EINVAL;
  const pipe = new Pipe();
  const r = new PipeEnd(pipe, 'read');
  const w = new PipeEnd(pipe, 'write');
  r.nonblock = w.nonblock = (flags & O.O_NONBLOCK) !== 0;
  const cloexec = (flags & O.O_CLOEXEC) !== 0;
  let rfd: number;
  try {
    rfd = p.fds.install(r, { cloexec });
  } catch (e) {
    r.close();
    w.close();
    throw e;
  }
  let wfd: number;
  try {
    wfd = p.fds.install(w, { cloexec });
  } catch (e) {
    p.fds.close(rfd);
    w.close();
    throw e;
  }
  p.mem.setI32(fdsOut, rfd);
  p.mem.setI32(fdsOut + 4, wfd);
  return 0;
}

/** struct flock (wasm32 and x86-64 alike): i16 l_type, i16 l_whence, i64 l_start at 8, i64 l_len at 16, i32 l_pid at 24; 32 bytes. */
export const FLOCK_SIZE = 32;
function readFlock(p: Process, ptr: number): Flock {
  p.mem.check(ptr, FLOCK_SIZE);
  return { type: (p.mem.u16(ptr) << 16) >> 16, whence: (p.mem.u16(ptr + 2) << 16) >> 16, start: p.mem.i64(ptr + 8), len: p.mem.i64(ptr + 16) };
}

function fcntl(p: Process, fd: number, cmd: number, arg: number, out: number): number {
  const e = p.fds.get(fd);
  p.mem.check(out, 4);
  let r: number;
  switch (cmd) {
    case F.F_DUPFD:
    case F.F_DUPFD_CLOEXEC:
      if (arg < 0 || arg >= p.fds.limit) return E.EINVAL;
      r = p.fds.dup(fd, arg, cmd === F.F_DUPFD_CLOEXEC);
      break;
    case F.F_GETFD:
      r = e.cloexec ? FD_CLOEXEC : 0;
      break;
    case F.F_SETFD:
      e.cloexec = (arg & FD_CLOEXEC) !== 0;
      r = 0;
      break;
    case F.F_GETFL: {
      const f = e.file;
      const rd = f.readable ?? true;
      const wr = f.writable ?? true;
      r = (rd && wr ? O.O_RDWR : wr ? O.O_WRONLY : O.O_RDONLY) | (f.append ? O.O_APPEND : 0) | (f.nonblock ? O.O_NONBLOCK : 0) | (f.fown && f.fown.asyncFd >= 0 ? O.O_ASYNC : 0);
      break;
    }
    case F.F_SETFL: {
      // Linux changes only the status flags it can (O_APPEND, O_NONBLOCK here); the access mode stays.
      const f = e.file;
      f.nonblock = (arg & O.O_NONBLOCK) !== 0;
      f.append = (arg & O.O_APPEND) !== 0;
      setAsync(p, f, fd, (arg & O.O_ASYNC) !== 0);
      f.waitq.wake();
      r = 0;
      break;
    }
    case F.F_SETOWN: {
      const err = setOwner(p, e.file, arg);
      if (err) return err;
      r = 0;
      break;
    }
    case F.F_GETOWN:
      r = e.file.fown?.get() ?? 0;
      break;
    case F.F_SETOWN_EX: {
      // struct f_owner_ex { int type; pid_t pid; }
      p.mem.check(arg, 8);
      const type = p.mem.i32(arg);
      const who = p.mem.i32(arg + 4);
      if (type !== F_OWNER_TID && type !== F_OWNER_PID && type !== F_OWNER_PGRP) return E.EINVAL;
      if (who && !FileOwner.exists(p, who)) return E.ESRCH;
      fileOwner(p, e.file).set(type, who);
      r = 0;
      break;
    }
    case F.F_GETOWN_EX: {
      p.mem.check(arg, 8);
      const o = e.file.fown;
      p.mem.setI32(arg, o?.type ?? F_OWNER_TID);
      p.mem.setI32(arg + 4, o?.livePid() ?? 0);
      r = 0;
      break;
    }
    case F.F_SETSIG:
      // valid_signal: 0 (plain SIGIO) to 64.
      if (arg < 0 || arg > 64) return E.EINVAL;
      fileOwner(p, e.file).signum = arg;
      r = 0;
      break;
    case F.F_GETSIG:
      r = e.file.fown?.signum ?? 0;
      break;
    case F.F_GETLK: {
      // fcntl_getlk: the lock in the way, or only l_type = F_UNLCK.
      const c = testLock(p, e.file, readFlock(p, arg));
      if (!c) p.mem.setU16(arg, F_UNLCK);
      else {
        p.mem.setU16(arg, c.type);
        p.mem.setU16(arg + 2, c.whence);
        p.mem.setI64(arg + 8, c.start);
        p.mem.setI64(arg + 16, c.len);
        p.mem.setI32(arg + 24, c.pid);
      }
      r = 0;
      break;
    }
    case F.F_SETLK:
    case F.F_SETLKW: {
      const err = setLock(p, e.file, readFlock(p, arg), cmd === F.F_SETLKW);
      if (err) return err;
      r = 0;
      break;
    }
    default:
      return E.EINVAL;
  }
  p.mem.setI32(out, r);
  return 0;
}

/** A dup2/dup3 whose replaced socket lingers (SO_LINGER {1, N}): the fds are already changed, the call waits. */
const LINGERING = new Slot<{ file: OpenFile; done: () => boolean }>('dup-lingering');
const lingering = (p: Process): boolean => p.callSlot(LINGERING) !== undefined;
function lingerOn(p: Process): number {
  const l = p.callSlot(LINGERING)!;
  if (l.done() || p.timedOut()) return 0;
  return p.block([l.file.waitq], p.callDeadline);
}

/** A dup2, dup3 or fd_renumber woken while it lingers (its fds already changed): the wait goes on, or undefined for a fresh call. */
export function resumeLinger(p: Process): number | undefined {
  return lingering(p) ? lingerOn(p) : undefined;
}

/**
 * dup2/dup3 (and WASI's fd_renumber) close what `to` held as close(2)
 * does: when that was the last reference to a socket with SO_LINGER {1, N}
 * and unacknowledged data, the call waits for it up to N seconds
 * (inet_release lingers for the task that closes, exit being the one
 * exception). `replace` changes the fd table.
 */
export function replaceFd(p: Process, to: number, replace: () => void): number {
  const old = to >= 0 && p.fds.has(to) ? p.fds.file(to) : undefined;
  replace();
  const w = old && old.refs === 0 ? old.closeWait?.() : undefined;
  if (!w || w.done()) return 0;
  p.setCallSlot(LINGERING, { file: old!, done: w.done });
  return p.block([old!.waitq], p.deadline(w.ns));
}

function dupTo(p: Process, from: number, to: number, cloexec: boolean): number {
  return replaceFd(p, to, () => p.fds.dupTo(from, to, cloexec));
}

export const fdSyscalls: readonly SyscallDef[] = [
  syscall('socklab', 'pipe2', { strace: 'pipe2', classes: ['desc', 'ipc'], params: ['pipefd:fd_pair_out', 'flags:o_flags'] }, pipe2),
  syscall('socklab', 'dup', { strace: 'dup', classes: ['desc'], params: ['oldfd:fd', 'newfd:ret_fd'] }, (p: Process, fd: number, out: number) => {
    p.mem.check(out, 4);
    p.mem.setI32(out, p.fds.dup(fd));
    return 0;
  }),
  syscall('socklab', 'dup2', { strace: 'dup2', classes: ['desc'], params: ['oldfd:fd', 'newfd:newfd'], mayBlock: true }, (p: Process, from: number, to: number) => {
    if (lingering(p)) return lingerOn(p);
    // dup2(fd, fd) checks fd and changes nothing (not even FD_CLOEXEC).
    p.fds.get(from);
    return from === to ? 0 : dupTo(p, from, to, false);
  }),
  syscall('socklab', 'dup3', { strace: 'dup3', classes: ['desc'], params: ['oldfd:fd', 'newfd:newfd', 'flags:o_flags'], mayBlock: true }, (p: Process, from: number, to: number, flags: number) => {
    if (lingering(p)) return lingerOn(p);
    if (flags & ~O.O_CLOEXEC) return E.EINVAL;
    if (from === to) return E.EINVAL;
    return dupTo(p, from, to, (flags & O.O_CLOEXEC) !== 0);
  }),
  // mayBlock: F_SETLKW sleeps until the lock is free (restarted under SA_RESTART, as Linux's ERESTARTSYS).
  syscall('socklab', 'fcntl', { strace: 'fcntl', classes: ['desc'], params: ['fd:fd', 'cmd:fcntl_cmd', 'arg:fcntl_arg', 'ret:fcntl_ret'], mayBlock: true }, fcntl),
  // Modules built before the SDK asked for the current directory with it (host/wasi/cwd.ts preopen_cwd).
  syscall('socklab', 'preopen', { strace: 'socklab_preopen', classes: ['desc'], params: ['fd:ret_fd'] }, (p: Process, out: number) => {
    p.mem.check(out, 4);
    p.mem.setI32(out, preopenFd(p));
    return 0;
  }),
];

/** The SDK's hidden preopen of "/" (the SDK registers it with wasi-libc at an image's first path call). */
export function preopenFd(p: Process): number {
  const fd = p.fds.entries().find(([, e]) => e.preopen !== undefined)?.[0];
  if (fd === undefined) throw new Errno(E.EBADF);
  return fd;
}
