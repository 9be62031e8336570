// Call names, one table for every place a user names a call: --trace-only,
// --inject and grading trace checks (docs/tracing.md, "Call names").
//
// Traces show the name strace prints for the Linux call a guest's call
// stands for (SyscallDef.strace: writev, recvfrom, accept4, poll_oneoff...).
// A user may write that name, the WASI import's name (fd_write), or the
// libc function a C programmer calls (write, recv, accept, sleep): as
// strace's -e trace= does, a libc name selects the syscalls it becomes.
// Any other name is refused, with the nearest known name as a suggestion.
import { SYSCALLS } from '../syscalls.js';

/**
 * libc (and Linux syscall) names -> the trace names they become here. Data:
 * add a row when a libc function reaches a call under another name.
 */
export const CALL_ALIASES: Readonly<Record<string, readonly string[]>> = {
  write: ['write', 'writev'],
  read: ['read', 'readv'],
  // The SDK's write() and read() were traced as writev and readv until they got calls of their own: a check written
  // then (`call: writev`) still selects them, as accept4 still selects accept.
  writev: ['writev', 'write'], readv: ['readv', 'read'],
  pread: ['preadv'], pread64: ['preadv'],
  sendfile64: ['sendfile'],
  pwrite: ['pwritev'], pwrite64: ['pwritev'],
  send: ['sendto', 'sendmsg'],
  recv: ['recvfrom', 'recvmsg'],
  // The SDK's accept() is the accept call; accept4 also names it, as it did when accept() made accept4 (checks written then still match).
  accept: ['accept', 'accept4'], accept4: ['accept4', 'accept'],
  select: ['select'], pselect: ['pselect6'],
  poll: ['poll'],
  // The SDK sleeps with its clock_nanosleep import; other modules with poll_oneoff on one clock (shown as clock_nanosleep).
  sleep: ['clock_nanosleep', 'poll_oneoff'], usleep: ['clock_nanosleep', 'poll_oneoff'], nanosleep: ['clock_nanosleep', 'poll_oneoff'], clock_nanosleep: ['clock_nanosleep', 'poll_oneoff'],
  // The SDK's creat and mkdir are traced as themselves; a plain WASI module's as openat and mkdirat.
  open: ['openat'], creat: ['creat', 'openat'],
  stat: ['newfstatat'], lstat: ['newfstatat'], fstatat: ['newfstatat'], statx: ['newfstatat'],
  mkdir: ['mkdir', 'mkdirat'], mkfifo: ['mknodat'], mkfifoat: ['mknodat'], mknod: ['mknodat'], rmdir: ['unlinkat'], unlink: ['unlinkat'], rename: ['renameat'], renameat2: ['renameat'],
  symlink: ['symlinkat'], readlink: ['readlinkat'], link: ['linkat'],
  truncate: ['ftruncate'], dup: ['dup2'], dup3: ['dup2'],
  exit: ['exit_group'], _exit: ['exit_group'], _Exit: ['exit_group'],
  raise: ['tgkill', 'kill'], tgkill: ['tgkill'],
  signal: ['rt_sigaction'], sigaction: ['rt_sigaction'],
  time: ['clock_gettime'], gettimeofday: ['clock_gettime'], clock_getres: ['clock_getres'],
  getentropy: ['getrandom'], gethostname: ['uname'], sockatmark: ['ioctl'],
  readdir: ['getdents64'], getdents: ['getdents64'],
  posix_fadvise: ['fadvise64'], posix_fallocate: ['fallocate'],
  eventfd: ['eventfd2'],
  getrlimit: ['prlimit64'], setrlimit: ['prlimit64'], prlimit: ['prlimit64'],
  seteuid: ['setresuid'], setegid: ['setresgid'], initgroups: ['setgroups'],
  // Semaphores sleep and wake through futex only when contended (docs/abi.md); shm_open is an open of /dev/shm.
  sem_wait: ['futex'], sem_timedwait: ['futex'], sem_post: ['futex'], shm_open: ['openat'], shm_unlink: ['unlinkat'],
};

/** strace's classes: %net, %desc, ... */
export const CALL_CLASSES: readonly string[] = ['net', 'desc', 'file', 'process', 'clock', 'signal', 'memory', 'ipc'];

export class CallNameError extends Error {}

let byName: Map<string, readonly string[]> | undefined;
/** Every name a user may write -> the trace names it selects. */
function table(): Map<string, readonly string[]> {
  if (!byName) {
    byName = new Map();
    for (const d of SYSCALLS) {
      byName.set(d.strace, [d.strace]);
      if (!byName.has(d.name)) byName.set(d.name, [d.strace]);
    }
    for (const [k, v] of Object.entries(CALL_ALIASES)) byName.set(k, v);
  }
  return byName;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length]!;
}

/** The known name nearest `name`, if one is near enough to be a typo. */
export function suggestCall(name: string): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of [...table().keys(), ...CALL_CLASSES.map((c) => `%${c}`)].sort()) {
    const dd = distance(name, k);
    if (dd < bestD) [best, bestD] = [k, dd];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** The message for an unknown call or class name. */
export function unknownCall(name: string): string {
  const s = suggestCall(name);
  return `unknown call ${JSON.stringify(name)}${s ? ` (did you mean ${s}?)` : ''}: names are libc's (write, recv, accept, sleep), the syscall strace prints (writev, recvfrom, accept4) or a class (%net, %desc, %file, %process, %clock, %signal); see docs/tracing.md`;
}

/** The trace names a user's call name selects; throws CallNameError for an unknown one. */
export function traceNames(name: string): readonly string[] {
  const t = table().get(name);
  if (!t) throw new CallNameError(unknownCall(name));
  return t;
}

/** Like traceNames, but an unknown name selects only itself (for API filters). */
export function traceNamesLoose(name: string): readonly string[] {
  return table().get(name) ?? [name];
}

/** Does a trace event's call (a trace name) match the call name a user wrote? */
export function callMatches(traceName: string, userName: string): boolean {
  return traceName === userName || traceNamesLoose(userName).includes(traceName);
}

/**
 * A strace -e trace= style SET (names and %classes) checked and expanded:
 * names become the trace names they select, classes stay %class. Throws
 * CallNameError for an unknown name or class.
 */
export function expandCallSet(items: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of items) {
    const item = raw.trim();
    if (item.startsWith('%')) {
      if (!CALL_CLASSES.includes(item.slice(1))) throw new CallNameError(unknownCall(item));
      out.add(item);
    } else if (CALL_CLASSES.includes(item) && !table().has(item)) out.add(`%${item}`);
    else for (const n of traceNames(item)) out.add(n);
  }
  return [...out];
}
