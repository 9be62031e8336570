// Processes as Linux has them (design decision 8): fork, the wait family,
// getpid and getppid. fork suspends the parent with Asyncify and copies it
// (Process.forkAtUnwind, Kernel.fork); an exited child stays a zombie until
// its parent waits for it, and an orphan is adopted and reaped by init.
import { E } from '../abi/errno.js';
import { FORK, syscall, type SyscallDef } from './syscall.js';
import { SIGNALS } from './signals.js';
import type { Process } from './process.js';

export const WNOHANG = 1;
export const WUNTRACED = 2;
export const WCONTINUED = 8;
/** Linux's __WNOTHREAD, __WALL, __WCLONE: accepted, meaningless without threads. */
const W_LINUX_EXTRA = 0x20000000 | 0x40000000 | 0x80000000;

/** The wait status of an exited process, as Linux encodes it (WIFEXITED: code << 8; WIFSIGNALED: the signal number). */
export function waitStatus(p: Process): number {
  const e = p.exit;
  if (!e) return 0;
  if (e.signal) return SIGNALS[e.signal] & 0x7f;
  return ((e.code ?? e.status) & 0xff) << 8;
}

/** Whether child c is one wait4's pid argument selects (pid > 0: that one; -1: any; 0: the caller's group; < -1: group -pid). */
function selects(p: Process, c: Process, pid: number): boolean {
  if (pid > 0) return c.pid === pid;
  if (pid === -1) return true;
  if (pid === 0) return c.pgid === p.pgid;
  return c.pgid === -pid;
}

function wait4(p: Process, pid: number, wstatus: number, options: number, _rusage: number, pidOut: number): number {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | W_LINUX_EXTRA)) return E.EINVAL;
  if (pid === -0x80000000) return E.ESRCH;
  if (wstatus) p.mem.check(wstatus, 4);
  p.mem.check(pidOut, 4);
  const mine = [...p.children].filter((c) => selects(p, c, pid));
  if (!mine.length) return E.ECHILD;
  // The zombie with the lowest pid first: a deterministic choice.
  const zombie = mine.filter((c) => c.state === 'exited').sort((a, b) => a.pid - b.pid)[0];
  if (zombie) {
    if (wstatus) p.mem.setI32(wstatus, waitStatus(zombie));
    p.kernel.reap(zombie);
    p.mem.setI32(pidOut, zombie.pid);
    return 0;
  }
  if (options & WNOHANG) {
    p.mem.setI32(pidOut, 0);
    return 0;
  }
  return p.block([p.childWait]);
}

export const processSyscalls: readonly SyscallDef[] = [
  syscall('socklab', 'fork', { strace: 'clone', classes: ['process'], params: ['pid:ret'], mayBlock: true }, (p: Process, out: number) => {
    p.mem.check(out, 4);
    if (!p.kernel.canFork()) return E.EAGAIN;
    // The child's copy of the memory past the run's budget: fork's ENOMEM, as Linux's when it cannot commit the copy.
    if (!p.kernel.memoryFits(p.mem.size)) return E.ENOMEM;
    return FORK;
  }),
  syscall('socklab', 'wait4', { strace: 'wait4', classes: ['process'], params: ['pid:i32', 'wstatus:wait_status_out', 'options:wait_options', 'rusage:ptr', 'pid:ret'], mayBlock: true }, wait4),
  syscall('socklab', 'getpid', { strace: 'getpid', classes: [], params: ['pid:ret'] }, (p: Process, out: number) => {
    p.mem.setI32(out, p.pid);
    return 0;
  }),
  syscall('socklab', 'getppid', { strace: 'getppid', classes: [], params: ['pid:ret'] }, (p: Process, out: number) => {
    p.mem.setI32(out, p.ppid);
    return 0;
  }),
];
