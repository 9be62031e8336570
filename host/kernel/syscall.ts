// Syscall definitions are data: one record per import a guest may call,
// giving its name as strace prints it, its classes for trace filters
// (strace's %file, %desc, %net, ...), whether it may suspend (that list feeds
// Asyncify), the kinds of its parameters (for trace decoding), and its
// handler. Handlers run on the guest's behalf: they return an errno (0 for
// success), throw Errno, or return BLOCKED after Process.block().
import type { Process } from './process.js';

/** Returned by a handler that suspended the calling process. */
export const BLOCKED = -0x10000;
/** Returned by fork's handler: the process unwinds and the kernel copies it (Process.forkAtUnwind). */
export const FORK = -0x10001;

export type SyscallClass = 'file' | 'desc' | 'net' | 'process' | 'memory' | 'clock' | 'signal' | 'ipc';

/**
 * Parameter kinds: what a trace decodes an argument as (strace -yy's
 * rendering). Pointers are guest addresses. Kinds listed in OUT_KINDS are
 * written by the call: strace prints them, and every argument after the first
 * of them, when the call returns (after "<... name resumed>" if it blocked).
 */
export type ParamKind =
  // plain values
  | 'i32' | 'u32' | 'i64' | 'u64' | 'ptr' | 'len' | 'flags' | 'strlen' | 'iovcnt'
  /** Not an argument of the Linux call (a result buffer's size; skip64: clock precision, an i64): not printed. */
  | 'skip' | 'skip64'
  /** A file descriptor, printed with -yy's <description> as it was when the call began. */
  | 'fd'
  /** An int written by the call, printed [v]; a pair of fds (socketpair) */
  | 'out' | 'fd_pair_out'
  /** Out-pointers holding what strace prints as the result: a count, an fd, a 64-bit offset. */
  | 'ret' | 'ret_fd' | 'ret_u64'
  /** A file mode (chmod, umask), printed in octal as strace does (0644, 000); an out-pointer to one printed as the result (umask). */
  | 'mode' | 'ret_mode'
  /** open's Linux flags (O_RDWR|O_CREAT...), and its mode: shown only with O_CREAT or O_TMPFILE in the flags before it, as strace. */
  | 'open_flags' | 'open_mode'
  /** mknod's mode with its file type (S_IFIFO|0666), and its dev: makedev(0x1, 0x3), shown only for a device, as strace. */
  | 'mknod_mode' | 'mknod_dev'
  /** A directory fd of the *at calls: AT_FDCWD (-100) by name, any other as 'fd'. */
  | 'dirfd'
  /** Data: a buffer read by the call (with the next len), one filled by it (as many bytes as the result), iovecs either way. */
  | 'buf' | 'buf_out' | 'iovs' | 'iovs_out'
  /** Strings: a path (with the next strlen), a NUL-terminated string, one the call writes. */
  | 'str' | 'cstr' | 'cstr_out'
  /** socket(2) and friends: AF_*, SOCK_*|SOCK_NONBLOCK, IPPROTO_* (for the call's family), accept4 flags, MSG_*, SHUT_*. */
  | 'family' | 'socktype' | 'protocol' | 'accept_flags' | 'msg_flags' | 'shut_how'
  /** A sockaddr read by the call (length: the next len), one it writes (length: the next socklen_inout), an in/out socklen_t. */
  | 'sockaddr' | 'sockaddr_out' | 'socklen_inout'
  /** struct msghdr sent (sendmsg) or filled (recvmsg). */
  | 'msghdr' | 'msghdr_out'
  /** sendmmsg's struct mmsghdr array (its count: the next argument; msg_len shown for those sent) and recvmmsg's (as many as received); recvmmsg's timeout (shown as it was on entry, the time left with the result). */
  | 'mmsghdr' | 'mmsghdr_out' | 'mmsg_timeout'
  /** setsockopt/getsockopt: SOL_*, the option's name for that level, its value read or written. */
  | 'sockopt_level' | 'sockopt_name' | 'sockopt_val' | 'sockopt_val_out'
  /** poll's pollfd array (revents shown with the result), select's fd sets (wasi-libc layout) and timeval. */
  | 'pollfds' | 'fdset' | 'timeval'
  /** Clocks: a clockid_t, a u64 ns timestamp written by the call. */
  | 'clockid' | 'timespec_out'
  /** poll_oneoff: subscriptions (one clock alone is clock_nanosleep), their count, the events written. */
  | 'subscriptions' | 'subcount' | 'events_out'
  /** fcntl(F_SETFL, flags) from WASI fdflags; fcntl(F_GETFL) whose result is the fdstat's flags. */
  | 'fcntl_setfl' | 'fcntl_getfl'
  /** getaddrinfo/getnameinfo (library calls): hints, the records written and their count, NI_* flags. */
  | 'ai_hints' | 'ai_result' | 'ai_count' | 'ni_flags'
  /** rt_sigaction(SIGPIPE, ...): socklab's disposition (1 ignore, 0 default). */
  | 'sigpipe_disp'
  /** Signals: a signal number, a sigaction read/written (the SDK's struct socklab_ksigaction), SIG_BLOCK..., a 64-bit sigset read/written, ITIMER_*, an itimer (ns) read/written. */
  | 'signo' | 'sigaction' | 'sigaction_out' | 'sigmask_how' | 'sigset' | 'sigset_out' | 'itimer_which' | 'itimerval' | 'itimerval_out'
  /** rt_sigtimedwait: the SDK's siginfo_t it fills, an out-pointer to the signal taken (the result, printed "10 (SIGUSR1)"). */
  | 'siginfo_out' | 'ret_signo'
  /** args_get/environ_get: the process's argument or environment strings written. */
  | 'argv_out' | 'environ_out'
  /** execve's argv (its strings, as strace shows them) and envp (an address and its count, as strace's N vars comment). */
  | 'strv' | 'envv'
  /** wait4: the status written (decoded as W* macros once a child was collected), its options (WNOHANG...). */
  | 'wait_status_out' | 'wait_options'
  /** pipe2/dup3's O_* flags; fcntl's command, its argument (shown per command) and its result (an out-pointer, shown per command). */
  | 'o_flags' | 'fcntl_cmd' | 'fcntl_arg' | 'fcntl_ret'
  /** An fd argument that is also the call's result (dup2, dup3). */
  | 'newfd'
  /** epoll: EPOLL_CLOEXEC, EPOLL_CTL_*, a struct epoll_event read, the array epoll_wait fills (as many as its result), a sigset_t pointer. */
  /** fchownat's AT_* flags; statfs's struct written (socklab's record, host/trace/statfstext.ts). */
  | 'at_flags' | 'statfs_out'
  | 'epoll_flags' | 'epoll_op' | 'epoll_event' | 'epoll_events_out' | 'sigset'
  /** eventfd2's EFD_*, timerfd_create's TFD_*, timerfd_settime's TFD_TIMER_*, a struct itimerspec read or written. */
  | 'efd_flags' | 'tfd_flags' | 'tfd_settime_flags' | 'itimerspec' | 'itimerspec_out'
  /** signalfd4's SFD_* flags. */
  | 'sfd_flags'
  /** clock_nanosleep: TIMER_ABSTIME or 0, a struct timespec read, the time left it writes when interrupted (printed then, else as a pointer). */
  | 'timer_flags' | 'timespec' | 'timespec_rem'
  /** ppoll's sigset_t pointer (shown as an address unless the next argument, its size, is 8); pselect6's {sigmask, sigsetsize} pair. */
  | 'sigset_sized' | 'pselect_sigmask'
  /** ioctl's request (FIONREAD...) and its int argument: read for FIONBIO, written for the others. */
  | 'ioctl_req' | 'ioctl_arg'
  /** prlimit64's RLIMIT_*, a struct rlimit64 read or written; sigaltstack's stack_t (wasm32's) read or written. */
  | 'rlimit_resource' | 'rlimit' | 'rlimit_out' | 'stack_t' | 'stack_t_out'
  /** setgroups' gid_t array (its count: the argument before), getgroups' (as many as its result; host/kernel/creds.ts). */
  | 'gid_list' | 'gid_list_out'
  /**
   * path_open as the openat(2) it stands for: the dirfd (AT_FDCWD for the preopened "/"), the path (absolute
   * from "/"), and the open flags made of its oflags, rights, fdflags and lookupflags (O_RDWR, O_CREAT...).
   */
  | 'wasi_dirfd' | 'wasi_path' | 'wasi_oflags'
  /** lseek's whence: SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE (an unknown one as a number with SEEK_???). */
  | 'whence'
  /**
   * The WASI filestat record a call writes, as strace shows struct stat ({st_mode=S_IFREG|0644, st_size=5, ...});
   * stat_out_at is newfstatat's, followed by its flags (AT_SYMLINK_NOFOLLOW) made from the 'lookupflags' parameter.
   */
  | 'stat_out' | 'stat_out_at'
  /** A path call's WASI lookupflags: not printed where they are, but as the Linux call's last flags argument. */
  | 'lookupflags'
  /** getdents64's buffer (an address and its count of records, as strace's N entries comment). */
  | 'dirents'
  /** The path's length in unlinkat's two WASI calls (not printed): it prints the flags WASI gives by name, 0 or AT_REMOVEDIR. */
  | 'unlink_len' | 'rmdir_len'
  /** utimensat: the atime (printed with the next mtime as strace's NULL, [atime, mtime] from the fstflags), and the fstflags (the Linux flags). */
  | 'utime_atim' | 'utime_fst'
  /** sendfile's loff_t *offset: read at entry, printed [old] => [new] when the call moved bytes (strace's printnum_int64, unsigned); NULL by name. */
  | 'loff_inout'
  /** times(2)'s struct tms (four 64-bit clock_t) the call fills: {tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0}. */
  | 'tms_out'
  /** mmap and friends (host/kernel/mman.ts): PROT_*, MAP_* (the type, then the flags), the offset (hex), the address written (the result), MS_*, MADV_*, MCL_*. */
  | 'mmap_prot' | 'mmap_flags' | 'mmap_off' | 'ret_addr' | 'msync_flags' | 'madv_advice' | 'mlockall_flags'
  /**
   * System V IPC (host/trace/ipctext.ts): a key (IPC_PRIVATE), msgget/semget's IPC_* flags and mode, a struct msgbuf
   * sent or received, msgsnd/msgrcv's flags, msgctl's command and its struct msqid_ds, a struct sembuf array,
   * semctl's command and its union semun; shmat's SHM_* flags, shmctl's command and its struct shmid_ds.
   */
  | 'ipc_key' | 'ipc_getflags' | 'ipc_msgbuf' | 'ipc_msgbuf_out' | 'ipc_msgflags' | 'ipc_msgcmd' | 'ipc_msqid' | 'ipc_sembuf' | 'ipc_semcmd' | 'ipc_semarg'
  | 'ipc_shmflags' | 'ipc_shmcmd' | 'ipc_shmid'
  /** futex(2) (host/kernel/futex.ts): the op (FUTEX_WAIT_PRIVATE...), and the arguments strace shows per op: the timeout, uaddr2, val3. */
  | 'futex_op' | 'futex_timeout' | 'futex_uaddr2' | 'futex_val3'
  /** prctl(2) (host/kernel/prctl.ts, host/trace/prctltext.ts): the option, arg2..arg5 (shown per option, on return), the int result. */
  | 'prctl_option' | 'prctl_arg' | 'prctl_ret';

/** Kinds passed as a wasm i64 (every other kind is an i32). */
export const isI64Kind = (k: ParamKind): boolean => k === 'i64' || k === 'u64' || k === 'skip64' || k === 'utime_atim' || k === 'mmap_off';

/**
 * A fast call with a skip64 parameter (clock_time_get's precision, which no
 * Linux call has and socklab ignores) is imported narrowed: the loader
 * passes that i64 as two i32 halves, low first, in its place (abi/layout.ts
 * NARROW_SUFFIX), since V8 makes a BigInt of every i64 crossing into JS. The
 * general path joins the halves into the BigInt it always gave; the fast
 * path passes undefined, as its handler does not read the value.
 */
export const narrowsI64 = (d: Pick<SyscallDef, 'fast' | 'params'>): boolean => d.fast === true && d.params.some((p) => p.kind === 'skip64');

/** Kinds the call writes (see ParamKind). */
export const OUT_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>([
  'out', 'fd_pair_out', 'ret', 'ret_fd', 'ret_u64', 'ret_mode', 'buf_out', 'iovs_out', 'cstr_out', 'sockaddr_out', 'socklen_inout',
  'msghdr_out', 'mmsghdr', 'mmsghdr_out', 'sockopt_val_out', 'timespec_out', 'events_out', 'fcntl_getfl', 'ai_result', 'ai_count', 'argv_out', 'environ_out', 'wait_status_out', 'fcntl_ret',
  'sigaction_out', 'sigset_out', 'itimerval_out', 'epoll_events_out', 'itimerspec_out', 'timespec_rem', 'ioctl_arg',
  'rlimit_out', 'stack_t_out', 'gid_list_out', 'stat_out', 'stat_out_at', 'dirents', 'siginfo_out', 'ret_signo', 'loff_inout', 'tms_out',
  // msgctl's and semctl's buffer: IPC_STAT fills it.
  'ipc_msgbuf_out', 'ipc_msqid', 'ipc_semarg', 'ipc_shmid',
  'statfs_out',
  // prctl's arguments are shown on return (PR_GET_NAME's string, PR_GET_PDEATHSIG's int).
  'prctl_arg', 'prctl_ret',
]);

export type Handler = (p: Process, ...args: never[]) => number;

export interface SyscallDef {
  /** Import module, e.g. wasi_snapshot_preview1 or socklab. */
  readonly module: string;
  /** Import name. */
  readonly name: string;
  /** The name strace would print for the equivalent Linux call. */
  readonly strace: string;
  readonly classes: readonly SyscallClass[];
  readonly params: readonly { readonly name: string; readonly kind: ParamKind }[];
  /** May suspend the guest: listed for Asyncify. */
  readonly mayBlock: boolean;
  /**
   * Eligible for the untraced fast path (Process.fastCall): the handler
   * never blocks, forks, ends or signals its process, and reads no per-call
   * state (callStart, currentCall...), so only the errno it returns matters.
   * At most 4 parameters, at most one of them an i64 (see narrowsI64).
   */
  readonly fast?: boolean;
  /** Never returns to the guest (proc_exit): imported without a result; every other call returns an i32 errno. */
  readonly noReturn?: boolean;
  /** A C library call socklab implements on the host (getaddrinfo): no Linux syscall, fails with an EAI_* code. */
  readonly library?: boolean;
  /** Not a system call at all (setjmp, longjmp: host/kernel/jmp.ts): no trace line, no clock tick, no fault injection. */
  readonly userspace?: boolean;
  readonly handler: Handler;
  /** A signal's handler interrupted the call while it was blocked: fills what Linux writes then (nanosleep's rem), before the trace shows the call. */
  readonly onInterrupt?: (p: Process, args: readonly number[]) => void;
}

export type SyscallTable = readonly SyscallDef[];

/** Helper to declare a table compactly: params as "name:kind" strings. */
export function syscall(
  module: string,
  name: string,
  spec: { strace?: string; classes?: SyscallClass[]; params?: string[]; mayBlock?: boolean; noReturn?: boolean; library?: boolean; fast?: boolean; userspace?: boolean },
  handler: Handler,
): SyscallDef {
  if (spec.fast && (spec.mayBlock || spec.noReturn || (spec.params?.length ?? 0) > 4)) throw new Error(`${name}: a fast call never blocks or exits and takes at most 4 parameters`);
  const params = (spec.params ?? []).map((s) => {
    const [n, k] = s.split(':');
    return { name: n!, kind: (k ?? 'i32') as ParamKind };
  });
  if (spec.fast && params.filter((p) => isI64Kind(p.kind)).length > 1) throw new Error(`${name}: a fast call takes at most one i64 parameter`);
  return {
    module,
    name,
    strace: spec.strace ?? name,
    classes: spec.classes ?? [],
    params,
    mayBlock: spec.mayBlock ?? false,
    ...(spec.noReturn ? { noReturn: true } : {}),
    ...(spec.library ? { library: true } : {}),
    ...(spec.fast ? { fast: true } : {}),
    ...(spec.userspace ? { userspace: true } : {}),
    handler,
  };
}

/**
 * An observer's hooks that take a call's arguments as Process.dispatch has
 * them, raw values a..i (the first def.params.length are the call's, the
 * rest undefined; a fast call's narrowed skip64 is undefined too), instead
 * of an array made per call. An observer that has them is called through
 * them, not onEnter/onSyscall, for the calls Process.dispatch and
 * Process.fastCall enter and return from (a traced fast call keeps the fast
 * path); its other calls (a blocked call interrupted by a signal, fork)
 * still come with the array. Both must print the same.
 */
export interface RawSyscallHooks {
  onEnterRaw?(p: Process, def: SyscallDef, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): void;
  onSyscallRaw?(p: Process, def: SyscallDef, result: number, start: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): void;
  /**
   * A fast call's (SyscallDef.fast) whole trace work in one function, or undefined for the two hooks above:
   * called once the handler returned, with the call's start in p.callStart. It takes what onSyscallRaw would
   * for a call that cannot block (for such a call onEnterRaw notes nothing), so one call replaces both hooks.
   */
  fastRecorder?(def: SyscallDef): FastRecorder | undefined;
}

/** See RawSyscallHooks.fastRecorder: a fast call's result and its (at most four) raw parameters. */
export type FastRecorder = (p: Process, r: number, a: number, b: number, c: number, d: number) => void;

/** The call's arguments as an array of exactly its parameters' length (what observers and the interceptor see). */
export function argList(def: SyscallDef, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number[] {
  switch (def.params.length) {
    case 0: return [];
    case 1: return [a];
    case 2: return [a, b];
    case 3: return [a, b, c];
    case 4: return [a, b, c, d];
    case 5: return [a, b, c, d, e];
    case 6: return [a, b, c, d, e, f];
    case 7: return [a, b, c, d, e, f, g];
    case 8: return [a, b, c, d, e, f, g, h];
    default: return [a, b, c, d, e, f, g, h, i].slice(0, def.params.length);
  }
}
