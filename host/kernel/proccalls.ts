// Resource limits, sessions and process groups, and the alternate signal
// stack (docs/abi.md), with Linux's checks in Linux's order: prlimit64
// (the SDK's getrlimit, setrlimit and prlimit, as glibc makes them),
// setsid, setpgid, getpgrp, getpgid, getsid, sigaltstack.
import { E } from '../abi/errno.js';
import { syscall, type SyscallDef } from './syscall.js';
import { RESOURCES } from './rlimits.js';
import type { Process } from './process.js';

/** The processes a pid names: those on the caller's host not yet reaped (a zombie still has its ids), as kill(2) sees them. */
function find(p: Process, pid: number): Process | undefined {
  if (pid === 0) return p;
  return p.kernel.processes.find((q) => q.pid === pid && !q.reaped && q.host === p.host);
}
const live = (p: Process): Process[] => p.kernel.processes.filter((q) => !q.reaped && q.host === p.host);

/** prlimit64(pid, resource, new, old): struct rlimit64 {u64 rlim_cur; u64 rlim_max;} both ways. */
function prlimit64(p: Process, pid: number, resource: number, nw: number, old: number): number {
  let soft = 0n, hard = 0n;
  if (nw) {
    p.mem.check(nw, 16);
    soft = p.mem.u64(nw);
    hard = p.mem.u64(nw + 8);
  }
  const t = find(p, pid);
  if (!t) return E.ESRCH;
  if (resource >>> 0 >= RESOURCES.length) return E.EINVAL;
  const [curSoft, curHard] = t.rlimits.get(resource, t.fds);
  if (nw) {
    const r = t.rlimits.set(resource, t.fds, soft, hard);
    if (r) return r;
  }
  if (old) {
    // Written after the change, as Linux's copy_to_user: a bad pointer fails the call, the new limit stays.
    p.mem.check(old, 16);
    p.mem.setU64(old, curSoft);
    p.mem.setU64(old + 8, curHard);
  }
  return 0;
}

/** setsid(): EPERM when a process group has the caller's pid as its id (it leads one); else a new session and group, led by the caller. */
function setsid(p: Process, out: number): number {
  p.mem.check(out, 4);
  if (live(p).some((q) => q.pgid === p.pid)) return E.EPERM;
  p.sid = p.pid;
  p.pgid = p.pid;
  p.mem.setI32(out, p.pid);
  return 0;
}

/** setpgid(pid, pgid): the caller or a child of it, moved to a group of its own session (Linux's ksys_setpgid). */
function setpgid(p: Process, pid: number, pgid: number): number {
  if (!pid) pid = p.pid;
  if (!pgid) pgid = pid;
  if (pgid < 0) return E.EINVAL;
  const t = find(p, pid);
  if (!t) return E.ESRCH;
  if (t.parent === p) {
    if (t.sid !== p.sid) return E.EPERM;
    // A child that has exec'd is no longer its parent's to move (Linux's EACCES).
    if (t.execed) return E.EACCES;
  } else if (t !== p) return E.ESRCH;
  // A session leader stays in its group.
  if (t.sid === t.pid) return E.EPERM;
  if (pgid !== pid && !live(p).some((q) => q.pgid === pgid && q.sid === p.sid)) return E.EPERM;
  t.pgid = pgid;
  return 0;
}

function idOf(p: Process, pid: number, out: number, which: 'pgid' | 'sid'): number {
  p.mem.check(out, 4);
  const t = find(p, pid);
  if (!t) return E.ESRCH;
  p.mem.setI32(out, t[which]);
  return 0;
}

const SS_ONSTACK = 1;
const SS_DISABLE = 2;
const SS_AUTODISARM = 0x8000_0000;
/** Linux's MINSIGSTKSZ (x86-64's and the generic one). */
export const MINSIGSTKSZ = 2048;

/** sigaltstack(ss, old) with wasm32's stack_t {void *ss_sp; int ss_flags; size_t ss_size;} (12 bytes). Handlers never run on it, so SS_ONSTACK is never reported and EPERM never happens. */
function sigaltstack(p: Process, ss: number, old: number): number {
  const a = p.altstack;
  const prev = { sp: a.sp, size: a.size, flags: (a.size ? 0 : SS_DISABLE) | a.flags };
  if (ss) {
    p.mem.check(ss, 12);
    const sp = p.mem.u32(ss), flags = p.mem.u32(ss + 4), size = p.mem.u32(ss + 8);
    const mode = (flags & ~SS_AUTODISARM) >>> 0;
    if (mode !== 0 && mode !== SS_ONSTACK && mode !== SS_DISABLE) return E.EINVAL;
    if (mode === SS_DISABLE) p.altstack = { sp: 0, size: 0, flags: 0 };
    else {
      if (size < MINSIGSTKSZ) return E.ENOMEM;
      p.altstack = { sp, size, flags: (flags & SS_AUTODISARM) >>> 0 };
    }
  }
  if (old) {
    p.mem.check(old, 12);
    p.mem.setU32(old, prev.sp);
    p.mem.setU32(old + 4, prev.flags >>> 0);
    p.mem.setU32(old + 8, prev.size);
  }
  return 0;
}

export const procSyscalls: readonly SyscallDef[] = [
  syscall('socklab', 'prlimit64', { strace: 'prlimit64', classes: [], params: ['pid:i32', 'resource:rlimit_resource', 'new:rlimit', 'old:rlimit_out'] }, prlimit64),
  syscall('socklab', 'setsid', { strace: 'setsid', classes: [], params: ['sid:ret'] }, setsid),
  syscall('socklab', 'setpgid', { strace: 'setpgid', classes: [], params: ['pid:i32', 'pgid:i32'] }, setpgid),
  syscall('socklab', 'getpgrp', { strace: 'getpgrp', classes: [], params: ['pgid:ret'] }, (p: Process, out: number) => idOf(p, 0, out, 'pgid')),
  syscall('socklab', 'getpgid', { strace: 'getpgid', classes: [], params: ['pid:i32', 'pgid:ret'] }, (p: Process, pid: number, out: number) => idOf(p, pid, out, 'pgid')),
  syscall('socklab', 'getsid', { strace: 'getsid', classes: [], params: ['pid:i32', 'sid:ret'] }, (p: Process, pid: number, out: number) => idOf(p, pid, out, 'sid')),
  syscall('socklab', 'sigaltstack', { strace: 'sigaltstack', classes: ['signal'], params: ['ss:stack_t', 'old:stack_t_out'] }, sigaltstack),
];
