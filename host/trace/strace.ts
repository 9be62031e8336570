// strace-style text for every completed syscall, from the kernel's observer
// hook: `[pid 2] 0.001200 connect(3<TCP:[10.0.0.2:49152]>, {sa_family=AF_INET,
// sin_port=htons(8080), sin_addr=inet_addr("10.0.0.1")}, 16) = -1 ECONNREFUSED
// (Connection refused) <0.000310>`. Times are the run's clock (virtual by
// default), so the same seed gives the same trace, byte for byte.
import { atFlagsText, statfsText } from './statfstext.js';
import { errnoByWasi } from '../abi/errno.js';
import { VIRTUAL_EPOCH_NS } from '../kernel/clock.js';
import { SIGNALS, RESTART_CODES, SI_KERNEL, SI_SIGIO, SI_TKILL, SI_USER, CLD_DUMPED, CLD_EXITED, CLD_KILLED, signalName, type SigInfo } from '../kernel/signals.js';
import { F as FCNTL, FD_CLOEXEC, O as LINUX_O } from '../kernel/fdcalls.js';
import type { GuestMemory } from '../abi/memory.js';
import type { SyscallObserver } from '../kernel/kernel.js';
import type { Process } from '../kernel/process.js';
import { MADV, MAP_FLAGS, MAP_TYPES, MCL, MS, PROT } from '../kernel/mman.js';
import { gidList, resourceText, rlimitText, stackText } from './proctext.js';
import { futexArgText, futexOpText } from './futextext.js';
import { prctlArgText, prctlOptionText, prctlResultText } from './prctltext.js';
import { ttyIoctlArg, ttyIoctlName } from './termios.js';
import { ipcArg } from './ipctext.js';
import { argList, OUT_KINDS, type ParamKind, type FastRecorder, type RawSyscallHooks, type SyscallDef } from '../kernel/syscall.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM } from '../kernel/file.js';
import { AF, AF_NAMES, AI, ARPHRD, EAI, IFF, IOCTL, IPPROTO, IPV6_OPT, IP_OPT, MSG, NI, PACKET_MR, PACKET_OPT, RAW_OPT, SHUT, SO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOL, TCP_OPT, UDP_OPT, flagNames, nameOf, sockTypeName, xvalName } from '../net/addr/constants.js';
import { readSockaddr, type Addr } from '../net/addr/sockaddr.js';
import { ipText } from '../net/addr/ipaddr.js';
import { ethProtocolText, sockaddrLlText } from './packettext.js';
import { Chunk, LineBuf, ascii, chunk, putBytes, putSecs, putSmallUint, putUint, type ByteTarget } from './linebuf.js';

/** One completed syscall, as the JSONL trace records it (docs/trace-format.md). */
export interface TraceEvent {
  /** Schema version. */
  v: 1;
  seq: number;
  /** Clock (ns since the run started) when the call began and ended. */
  start: number;
  end: number;
  pid: number;
  host: string;
  /** The call as strace names it, and the import that carried it. */
  call: string;
  import: string;
  /** Decoded arguments, as the text trace prints them. */
  args: string[];
  /** The result as strace prints it: a count, an fd, 0, or -1. */
  ret: string;
  /** Linux errno name when the call failed. */
  errno?: string;
  /** A C library call socklab carries out on the host (getaddrinfo), not a Linux syscall. */
  library?: true;
  /** The result was made by --inject. */
  injected?: true;
  /** socklab's explanation of the result: a --net=real policy refusal, a request Node cannot carry out. */
  note?: string;
  /** Host wall clock in ns since the epoch (--trace-wall only; differs run to run). */
  wall?: number;
}

export interface TextTraceOptions {
  /** text (strace) or jsonl. */
  format?: 'text' | 'jsonl';
  /** Append strace -C's table when the run ends. */
  summary?: boolean;
  /** The table alone, no lines (strace -c): implies summary; it goes where the lines would (or to summaryOut). */
  summaryOnly?: boolean;
  /** Longest string shown before "..." (strace -s). */
  strSize?: number;
  /** One file per process (strace -ff): lines carry no [pid N] prefix. */
  perProcess?: boolean;
  /** Timestamps: seconds since the run began (default), time of day (strace -tt), since the previous line (-r), or none. */
  time?: 'elapsed' | 'absolute' | 'relative' | 'none';
  /** JSONL: add the host's wall clock (ns since the epoch), which differs run to run. */
  wall?: boolean;
  /** Strings in hex: 'nonascii' (strace -x) or 'all' (strace -xx). */
  hex?: 'none' | 'nonascii' | 'all';
  /** Print [pid N] even with one process (strace -f always does with several). */
  pids?: boolean;
  /** Only these calls: names (connect, writev) and %classes (%net, %desc...), as strace -e trace=. */
  classes?: readonly string[];
  /** Only these processes, hosts, or calls whose first argument is one of these fds. */
  onlyPids?: readonly number[];
  hosts?: readonly string[];
  fds?: readonly number[];
  /** Only calls that failed (strace -Z), or only those that succeeded (-z). */
  failedOnly?: boolean;
  successfulOnly?: boolean;
  /** false: leave out library calls (getaddrinfo...), for a trace strace could have made. */
  library?: boolean;
  /** Where the --summary table goes (default: the trace's own stream); a JSONL trace's table goes elsewhere. */
  summaryOut?: (text: string) => void;
  /** The stream write() goes to, as bytes: each syscall's line is written there in place (other lines still come as text through write()). */
  target?: ByteTarget;
  /**
   * With a target: a call whose whole line can be made from its values alone (ints, clock names, timespecs; it
   * returned 0) is written there as a binary record instead (the call's number, its values, its times), for the
   * thread that writes the file to format with expand(): the same bytes, off the guest's thread.
   */
  defer?: boolean;
}

/**
 * Deferred records in a trace stream (TextTraceOptions.defer): byte 0xFF, which UTF-8 text never contains, then a
 * tag. A call: [FF, 1, u16 call id, u32 pid, f64 start, f64 end, (JSONL) f64 seq, the values its kinds need]. A call
 * id's definition or a pid's host: [FF, 2 or 3, u16 0, u32 id or pid, u32 length, that many bytes].
 */
const REC_MARK = 0xff;
const REC_CALL = 1;
const REC_DEF = 2;
const REC_HOST = 3;
/** The kinds a deferred record carries (everything else is formatted on the guest's thread). */
const DEFERRABLE: ReadonlySet<GenKind> = new Set<GenKind>(['none', 'i32', 'u32', 'clockid', 'timespec']);
/** TypedArray's indexOf (a Buffer's own goes through its generic search, several times slower for one byte). */
const u8IndexOf = Uint8Array.prototype.indexOf;
const indexOfMark = (src: Uint8Array, from: number): number => u8IndexOf.call(src, REC_MARK, from);
const recordSize = (kinds: readonly GenKind[], json: boolean): number => kinds.reduce((n, k) => n + (k === 'timespec' ? 8 : k === 'none' ? 0 : 4), json ? 32 : 24);

/** Out-pointers whose value is what strace prints as the result. */
const RET_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>(['ret', 'ret_fd', 'ret_u64', 'ret_mode', 'ret_signo', 'ret_addr']);
/** A mode as strace prints it (print_numeric_umode_t, "%#03o"): 0644, 022, 000. */
export const octalMode = (v: number): string => (v ? `0${(v >>> 0).toString(8)}` : '0').padStart(3, '0');
/** Linux's AT_FDCWD, which the *at calls' dirfd kind prints by name. */
const AT_FDCWD = -100;
/** strace prints " = " from this column on (its -a default). */
const RESULT_COLUMN = 40;
/** clockid_t names: WASI's clock ids are Linux's (strace's clocknames; another id prints as 0x2a with a CLOCK_??? comment). */
const CLOCK = {
  CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_PROCESS_CPUTIME_ID: 2, CLOCK_THREAD_CPUTIME_ID: 3, CLOCK_MONOTONIC_RAW: 4, CLOCK_REALTIME_COARSE: 5,
  CLOCK_MONOTONIC_COARSE: 6, CLOCK_BOOTTIME: 7, CLOCK_REALTIME_ALARM: 8, CLOCK_BOOTTIME_ALARM: 9, CLOCK_SGI_CYCLE: 10, CLOCK_TAI: 11,
} as const;
/** A NULL-terminated array of C strings (execve's argv) in guest memory, at most `max` of them; undefined where unreadable. */
function stringArray(mem: GuestMemory, ptr: number, max: number, strMax: number): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  for (let at = ptr >>> 0; out.length < max; at += 4) {
    if (!mem.valid(at, 4)) return undefined;
    const s = mem.u32(at);
    if (s === 0) break;
    // The first strMax bytes are all a line shows (quote cuts and marks the rest).
    const len = Math.min(strMax, mem.bytes - s);
    if (len <= 0) return undefined;
    const b = mem.view(s, len);
    const z = b.indexOf(0);
    if (z < 0 && len < strMax) return undefined;
    out.push(z < 0 ? b : b.subarray(0, z));
  }
  return out;
}
/** How many pointers precede the NULL of such an array (envp: strace counts, prints none); undefined where unreadable. */
function stringCount(mem: GuestMemory, ptr: number): number | undefined {
  for (let at = ptr >>> 0, n = 0; n < 1 << 20; at += 4, n++) {
    if (!mem.valid(at, 4)) return undefined;
    if (mem.u32(at) === 0) return n;
  }
  return undefined;
}
/** epoll and the event fds, Linux's values in strace's order. */
const EPOLL_EVENTS: readonly [string, number][] = [
  ['EPOLLIN', 0x1], ['EPOLLPRI', 0x2], ['EPOLLOUT', 0x4], ['EPOLLERR', 0x8], ['EPOLLHUP', 0x10], ['EPOLLNVAL', 0x20], ['EPOLLRDNORM', 0x40],
  ['EPOLLRDBAND', 0x80], ['EPOLLWRNORM', 0x100], ['EPOLLWRBAND', 0x200], ['EPOLLMSG', 0x400], ['EPOLLRDHUP', 0x2000],
  ['EPOLLEXCLUSIVE', 0x10000000], ['EPOLLWAKEUP', 0x20000000], ['EPOLLONESHOT', 0x40000000], ['EPOLLET', 0x80000000],
];
const epollEvents = (v: number): string => {
  let rest = v >>> 0;
  if (!rest) return '0';
  const out: string[] = [];
  for (const [k, x] of EPOLL_EVENTS) if ((rest & x) >>> 0 === x) { out.push(k); rest = (rest & ~x) >>> 0; }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.join('|');
};
/** An ioctl request's direction bits, as strace's ioctl_dirs orders them (none is _IOC_NONE). */
const IOC_DIRS = { _IOC_READ: 2, _IOC_WRITE: 1 } as const;
const EPOLL_OPS: Readonly<Record<string, number>> = { EPOLL_CTL_ADD: 1, EPOLL_CTL_DEL: 2, EPOLL_CTL_MOD: 3 };
const EFD_FLAGS = { EFD_SEMAPHORE: 1, EFD_CLOEXEC: 0x80000, EFD_NONBLOCK: 0x800 } as const;
const SFD_FLAGS = { SFD_CLOEXEC: 0x80000, SFD_NONBLOCK: 0x800 } as const;
const TFD_FLAGS = { TFD_CLOEXEC: 0x80000, TFD_NONBLOCK: 0x800 } as const;
const TFD_SETTIME = { TFD_TIMER_ABSTIME: 1, TFD_TIMER_CANCEL_ON_SET: 2 } as const;
/** strace decodes timerfd_create's and timerfd_settime's flags with one table: timerfd_create(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME). */
const TFD_ALL = { ...TFD_SETTIME, ...TFD_FLAGS } as const;
const EPOLL_CREATE_FLAGS = { EPOLL_CLOEXEC: LINUX_O.O_CLOEXEC } as const;
/** A uid or gid as strace's PRINT_FIELD_ID prints it: (uid_t)-1 is -1. */
const idText = (v: number): string => (v === 0xffffffff ? '-1' : String(v));
/** struct ucred: pid, uid, gid. */
const ucredAt = (mem: GuestMemory, a: number): string => `{pid=${mem.i32(a)}, uid=${idText(mem.u32(a + 4))}, gid=${idText(mem.u32(a + 8))}}`;
/** One struct epoll_event (12 bytes, x86-64's packed layout). */
const epollEventAt = (mem: GuestMemory, a: number): string => {
  const d = mem.u64(a + 4);
  return `{events=${epollEvents(mem.u32(a))}, data={u32=${d & 0xffffffffn}, u64=${d}}}`;
};
/** struct itimerspec (wasi-libc's timespec: i64 tv_sec, i32 tv_nsec, padding). */
const itimerspecAt = (mem: GuestMemory, a: number): string => {
  const ts = (o: number): string => `{tv_sec=${mem.i64(o)}, tv_nsec=${mem.i32(o + 8)}}`;
  return `{it_interval=${ts(a)}, it_value=${ts(a + 16)}}`;
};
/** poll's events in strace's order (xlat/pollflags.in): the bits socklab's poll never reports are named too. */
const POLL = {
  POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND: 0x80, POLLWRNORM, POLLWRBAND, POLLMSG: 0x400,
  POLLREMOVE: 0x1000, POLLRDHUP, POLL_BUSY_LOOP: 0x8000,
} as const;
/** WASI fdflags as the Linux open flags fcntl(F_GETFL/F_SETFL) takes. */
const FDFLAG_TO_O: readonly [number, number][] = [[1, 0x400], [2, 0x1000], [4, 0x800], [8, 0x101000], [16, 0x101000]];
const O = { O_APPEND: 0x400, O_NONBLOCK: 0x800, O_SYNC: 0x101000, O_DSYNC: 0x1000 } as const;
const O_RDWR = 2;
const O_WRONLY = 1;
/** WASI rights (fdstat's fs_rights_base, low word) that make wasi-libc's F_GETFL access mode. */
const RIGHT_FD_READ = 1 << 1;
const RIGHT_FD_WRITE = 1 << 6;
const RIGHT_FD_READDIR = 1 << 14;
/** strace's order: SOCK_CLOEXEC|SOCK_NONBLOCK. */
const ACCEPT_FLAGS = { SOCK_CLOEXEC, SOCK_NONBLOCK } as const;
const O_STATUS = { O_APPEND: LINUX_O.O_APPEND, O_NONBLOCK: LINUX_O.O_NONBLOCK, FASYNC: LINUX_O.O_ASYNC } as const;
const OWNER_TYPES = ['F_OWNER_TID', 'F_OWNER_PID', 'F_OWNER_PGRP'];
/** struct f_owner_ex as strace prints it: {type=F_OWNER_PID, pid=42}. */
const ownerExText = (mem: GuestMemory, a: number): string => {
  const t = mem.i32(a);
  return `{type=${OWNER_TYPES[t] ?? `0x${(t >>> 0).toString(16)} /* F_OWNER_??? */`}, pid=${mem.i32(a + 4)}}`;
};
/** struct flock (host/kernel/fdcalls.ts FLOCK_SIZE), as strace's printflock: l_pid only for F_GETLK's answer. */
const flockText = (mem: GuestMemory, a: number, getlk: boolean): string => {
  if (!mem.valid(a, 32)) return hexp(a);
  const xval = (v: number, names: readonly string[], unknown: string): string => names[v] ?? `0x${(v & 0xffff).toString(16)} /* ${unknown} */`;
  const type = xval(mem.u16(a), ['F_RDLCK', 'F_WRLCK', 'F_UNLCK'], 'F_???');
  const whence = xval(mem.u16(a + 2), ['SEEK_SET', 'SEEK_CUR', 'SEEK_END'], 'SEEK_???');
  return `{l_type=${type}, l_whence=${whence}, l_start=${mem.i64(a + 8)}, l_len=${mem.i64(a + 16)}${getlk ? `, l_pid=${mem.i32(a + 24)}` : ''}}`;
};
/** Linux open flags as strace prints them: the access mode (O_RDONLY for 0), then the status flags. */
const openModes = (v: number): string => {
  const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '0x3'][v & 3]!;
  const rest = v & ~3;
  return rest ? `${acc}|${flagNames(O_STATUS, rest)}` : acc;
};
/** open's flags after the access mode, in strace's order (bits taken as they match: O_SYNC before O_DSYNC, O_TMPFILE before O_DIRECTORY, FASYNC last). */
const OPEN_FLAGS: readonly (readonly [string, number])[] = [
  ['O_CREAT', 0o100], ['O_EXCL', 0o200], ['O_NOCTTY', 0o400], ['O_TRUNC', 0o1000], ['O_APPEND', 0o2000], ['O_NONBLOCK', 0o4000],
  ['O_SYNC', 0o4010000], ['O_DSYNC', 0o10000], ['O_DIRECT', 0o40000], ['O_LARGEFILE', 0o100000], ['O_NOFOLLOW', 0o400000], ['O_NOATIME', 0o1000000],
  ['O_CLOEXEC', 0o2000000], ['O_PATH', 0o10000000], ['O_TMPFILE', 0o20200000], ['O_DIRECTORY', 0o200000], ['FASYNC', 0o20000],
];
const O_CREAT_TMPFILE = 0o100 | 0o20000000;
const openFlags = (v: number): string => {
  let out = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][v & 3]!;
  let rest = v & ~3;
  for (const [name, bits] of OPEN_FLAGS) {
    if ((rest & bits) === bits) {
      out += `|${name}`;
      rest &= ~bits;
    }
  }
  return rest ? `${out}|0x${(rest >>> 0).toString(16)}` : out;
};
/** Whether fd is the preopened "/" (the SDK's, or a plain wasip1 module's fd 3): path_open from it is an openat from AT_FDCWD. */
const rootPreopen = (p: Process, fd: number): boolean => p.fds.has(fd) && p.fds.get(fd).preopen === '/';
/**
 * path_open's open flags as Linux's, in strace's order: the access mode from the rights (wasi-libc asks
 * fd_read for O_RDONLY, fd_write for O_WRONLY, both for O_RDWR), then O_CREAT... from oflags, fdflags and a
 * lookup that does not follow symlinks (O_NOFOLLOW); with O_CREAT, the mode socklab gives the file (0666).
 */
const wasiOpenFlags = (oflags: number, rights: bigint, fdflags: number, lookup: number): string => {
  const write = (rights & (1n << 6n)) !== 0n;
  const read = (rights & ((1n << 1n) | (1n << 14n))) !== 0n || !write;
  const names = [read && write ? 'O_RDWR' : write ? 'O_WRONLY' : 'O_RDONLY'];
  if (oflags & 1) names.push('O_CREAT');
  if (oflags & 4) names.push('O_EXCL');
  if (oflags & 8) names.push('O_TRUNC');
  if (fdflags & 1) names.push('O_APPEND');
  if (fdflags & 4) names.push('O_NONBLOCK');
  if (fdflags & (8 | 16)) names.push('O_SYNC');
  else if (fdflags & 2) names.push('O_DSYNC');
  if (oflags & 2) names.push('O_DIRECTORY');
  if (!(lookup & 1)) names.push('O_NOFOLLOW');
  return names.join('|') + (oflags & 1 ? ', 0666' : '');
};
/** gai_strerror's texts (glibc). */
const EAI_TEXT: Readonly<Record<string, string>> = {
  EAI_BADFLAGS: 'Bad value for ai_flags', EAI_NONAME: 'Name or service not known', EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution', EAI_NODATA: 'No address associated with hostname', EAI_FAMILY: 'ai_family not supported',
  EAI_SOCKTYPE: 'ai_socktype not supported', EAI_SERVICE: 'Servname not supported for ai_socktype', EAI_ADDRFAMILY: 'Address family for hostname not supported',
  EAI_MEMORY: 'Memory allocation failure', EAI_SYSTEM: 'System error', EAI_OVERFLOW: 'Argument buffer overflow',
};
/** Each level's option names and the prefix strace gives one it does not know (0x3e7 and the comment UDP_???); other levels' names print as numbers. */
const OPTNAMES: Readonly<Record<number, { names: Readonly<Record<string, number>>; prefix: string }>> = {
  [SOL.SOL_SOCKET]: { names: SO, prefix: 'SO' }, [IPPROTO.IPPROTO_TCP]: { names: TCP_OPT, prefix: 'TCP' }, [IPPROTO.IPPROTO_IP]: { names: IP_OPT, prefix: 'IP' },
  [IPPROTO.IPPROTO_IPV6]: { names: IPV6_OPT, prefix: 'IPV6' }, [SOL.SOL_UDP]: { names: UDP_OPT, prefix: 'UDP' }, [SOL.SOL_RAW]: { names: RAW_OPT, prefix: 'RAW' },
  [SOL.SOL_PACKET]: { names: PACKET_OPT, prefix: 'PACKET' },
};
/**
 * SOL_SOCKET options strace 6.1 decodes as an int: setsockopt shows the address when fewer than 4 bytes are given and
 * the int from 4 on (`[1], 64`); getsockopt shows fewer than 4 bytes in \x escapes (`"\x00"`, SO_ERROR's too).
 * Other options' values print as any string (`"\1\0\0"`), as strace -f shows them on x86-64.
 */
const SO_INT: ReadonlySet<number> = new Set([
  SO.SO_DEBUG, SO.SO_REUSEADDR, SO.SO_DONTROUTE, SO.SO_BROADCAST, SO.SO_SNDBUF, SO.SO_RCVBUF, SO.SO_KEEPALIVE,
  SO.SO_OOBINLINE, SO.SO_REUSEPORT, SO.SO_PASSCRED, SO.SO_RCVLOWAT, SO.SO_SNDLOWAT, SO.SO_ACCEPTCONN,
]);

/** ICMP message types by number (linux/icmp.h), as strace's icmpfilterflags names them. */
const ICMP_TYPES: Readonly<Record<number, string>> = {
  0: 'ICMP_ECHOREPLY', 3: 'ICMP_DEST_UNREACH', 4: 'ICMP_SOURCE_QUENCH', 5: 'ICMP_REDIRECT', 8: 'ICMP_ECHO', 11: 'ICMP_TIME_EXCEEDED',
  12: 'ICMP_PARAMETERPROB', 13: 'ICMP_TIMESTAMP', 14: 'ICMP_TIMESTAMPREPLY', 15: 'ICMP_INFO_REQUEST', 16: 'ICMP_INFO_REPLY',
  17: 'ICMP_ADDRESS', 18: 'ICMP_ADDRESSREPLY',
};
/**
 * A struct icmp_filter's 32-bit mask (the bytes given, the rest 0) as the set of types it holds, `[ICMP_ECHOREPLY
 * ICMP_ECHO]`, or as strace prints a set with more than half of its bits, the complement: `~[ICMP_ECHO]`, `~[]`.
 */
function icmpFilterText(b: Uint8Array): string {
  let mask = 0;
  for (let i = 0; i < b.length; i++) mask |= b[i]! << (8 * i);
  let count = 0;
  for (let t = 0; t < 32; t++) count += (mask >>> t) & 1;
  const invert = count > 16;
  const out: string[] = [];
  for (let t = 0; t < 32; t++) if (((mask >>> t) & 1) !== (invert ? 1 : 0)) out.push(ICMP_TYPES[t] ?? `0x${t.toString(16)} /* ICMP_??? */`);
  return `${invert ? '~' : ''}[${out.join(' ')}]`;
}

/** Strings as strace prints them; hex 'nonascii' is strace -x, 'all' is -xx. */
function quote(b: Uint8Array, max: number, hex: 'none' | 'nonascii' | 'all' = 'none'): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (hex === 'all' || (hex === 'nonascii' && (c < 0x20 || c >= 0x7f))) s += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0c) s += '\\f';
    else if (c === 0x0b) s += '\\v';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    // string_quote: all three octal digits when an octal digit follows, so "\0354" is not read as "\354".
    else if (i + 1 < n && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x37) s += `\\${c.toString(8).padStart(3, '0')}`;
    else s += `\\${c.toString(8)}`;
  }
  return `${s}"${b.length > max ? '...' : ''}`;
}

/** The interface requests strace decodes from a struct ifreq or (SIOCGIFCONF) a struct ifconf. */
const IF_REQS: ReadonlySet<number> = new Set<number>([
  IOCTL.SIOCGIFNAME, IOCTL.SIOCGIFINDEX, IOCTL.SIOCGIFCONF, IOCTL.SIOCGIFFLAGS, IOCTL.SIOCGIFADDR, IOCTL.SIOCGIFDSTADDR, IOCTL.SIOCGIFBRDADDR,
  IOCTL.SIOCGIFNETMASK, IOCTL.SIOCGIFMTU, IOCTL.SIOCGIFHWADDR,
]);
/** wasm32's sizeof(struct ifreq): strace's comments count in it. */
const IFREQ_SIZE = 32;
/** ifr_name as strace's print_ifname: up to its NUL, or 15 bytes and "..." when the 16 hold none. */
function ifrName(mem: GuestMemory, ptr: number): string {
  const raw = mem.view(ptr, 16), end = raw.indexOf(0);
  return end < 0 ? `${quote(raw.subarray(0, 15), 15)}...` : quote(raw.subarray(0, end), 16);
}
/** An ifc_len with strace's print_ifc_len comment when it is a whole number of structs. */
function ifcLen(n: number): string {
  return n > 0 && n % IFREQ_SIZE === 0 ? `${n} /* ${n / IFREQ_SIZE} * sizeof(struct ifreq) */` : String(n);
}
/**
 * The interface ioctls' argument as strace's sock_ioctl prints it: the
 * name, then the field the call filled in once it succeeded
 * ({ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}); SIOCGIFNAME
 * the index first. SIOCGIFCONF: ifc_len in => out and each struct filled
 * in; with a NULL ifc_buf only the length the call gave; on failure the
 * length and the pointer.
 */
function ifreqArg(mem: GuestMemory, req: number, v: number, ok: boolean, inLen: number | undefined): string {
  if (req === IOCTL.SIOCGIFCONF) {
    const out = mem.i32(v), buf = mem.u32(v + 4);
    const len = inLen ?? out;
    if (!ok) return `{ifc_len=${ifcLen(len)}, ifc_buf=${hexp(buf)}}`;
    if (!buf) return `{ifc_len=${ifcLen(out)}, ifc_buf=NULL}`;
    const items: string[] = [];
    for (let k = 0; k + IFREQ_SIZE <= out; k += IFREQ_SIZE) items.push(`{ifr_name=${ifrName(mem, buf + k)}, ifr_addr=${sockaddrAt(mem, buf + k + 16, 16)}}`);
    return `{ifc_len=${ifcLen(len)}${len !== out ? ` => ${ifcLen(out)}` : ''}, ifc_buf=[${items.join(', ')}]}`;
  }
  const name = `ifr_name=${ifrName(mem, v)}`, u = v + 16;
  if (req === IOCTL.SIOCGIFNAME) return `{ifr_ifindex=${mem.i32(u)}${ok ? `, ${name}` : ''}}`;
  if (!ok) return `{${name}}`;
  let field: string;
  switch (req) {
    case IOCTL.SIOCGIFINDEX: field = `ifr_ifindex=${mem.i32(u)}`; break;
    case IOCTL.SIOCGIFFLAGS: field = `ifr_flags=${flagNames(IFF, mem.u16(u), 'IFF_???')}`; break;
    case IOCTL.SIOCGIFMTU: field = `ifr_mtu=${mem.i32(u)}`; break;
    case IOCTL.SIOCGIFHWADDR: {
      const mac = Array.from(mem.view(u + 2, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
      field = `ifr_hwaddr={sa_family=${xvalName(ARPHRD, mem.u16(u), 'ARPHRD_???')}, sa_data=${mac}}`;
      break;
    }
    default: {
      const which = req === IOCTL.SIOCGIFNETMASK ? 'ifr_netmask' : req === IOCTL.SIOCGIFBRDADDR ? 'ifr_broadaddr' : req === IOCTL.SIOCGIFDSTADDR ? 'ifr_dstaddr' : 'ifr_addr';
      field = `${which}=${sockaddrAt(mem, u, 16)}`;
    }
  }
  return `{${name}, ${field}}`;
}

/** sin6_flowinfo as memory holds it (network order, read little-endian): strace prints htonl() of its value. */
const ntohl = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/** socket()'s IP protocol names beyond IPPROTO's (strace's inet_protocols; IPPROTO_HOPOPTS is 0, printed IPPROTO_IP). */
const SOCKET_PROTOCOLS: Readonly<Record<string, number>> = {
  ...IPPROTO, IPPROTO_IGMP: 2, IPPROTO_IPIP: 4, IPPROTO_EGP: 8, IPPROTO_PUP: 12, IPPROTO_IDP: 22, IPPROTO_TP: 29, IPPROTO_DCCP: 33,
  IPPROTO_RSVP: 46, IPPROTO_GRE: 47, IPPROTO_ESP: 50, IPPROTO_AH: 51, IPPROTO_MTP: 92, IPPROTO_BEETPH: 94, IPPROTO_ENCAP: 98,
  IPPROTO_PIM: 103, IPPROTO_COMP: 108, IPPROTO_L2TP: 115, IPPROTO_SCTP: 132, IPPROTO_UDPLITE: 136, IPPROTO_MPLS: 137,
  IPPROTO_ETHERNET: 143, IPPROTO_MPTCP: 262,
};

function fmtSockaddr(a: Addr, v6Scope = true): string {
  if (a.family === 4) return `{sa_family=AF_INET, sin_port=htons(${a.port}), sin_addr=inet_addr("${a.ip}")}`;
  if (a.family === 6) return `{sa_family=AF_INET6, sin6_port=htons(${a.port}), sin6_flowinfo=htonl(${ntohl(a.flowinfo ?? 0)}), inet_pton(AF_INET6, "${a.ip}", &sin6_addr)${v6Scope ? `, sin6_scope_id=${a.scope ?? 0}` : ''}}`;
  if (a.family === 'unix') return `{sa_family=AF_UNIX, sun_path=${a.abstract ? '@' : ''}"${a.path}"}`;
  return '{sa_family=AF_UNSPEC}';
}

/** sizeof(struct sockaddr_storage): strace reads no more of an address. */
const SOCKADDR_STORAGE = 128;
/**
 * A sockaddr of `len` bytes as strace's decode_sockaddr prints it: the
 * pointer below 2 bytes; the family, then the family's fields once `len`
 * holds them (sockaddr_in: 16, sockaddr_in6: 24, scope id from 28), else
 * sa_data's raw bytes; sun_path up to its NUL.
 */
function sockaddrAt(mem: GuestMemory, ptr: number, len: number, q: (b: Uint8Array, m: number) => string = (b, m) => quote(b, m)): string {
  if (!ptr) return 'NULL';
  len |= 0;
  if (len < 2) return hexp(ptr);
  try {
    const n = Math.min(len, SOCKADDR_STORAGE);
    const b = mem.view(ptr, n);
    const fam = b[0]! | (b[1]! << 8);
    const head = `{sa_family=${xvalName(AF_NAMES, fam, 'AF_???')}`;
    if (n === 2) return `${head}}`;
    if (fam === AF.AF_UNIX) {
      const path = b.subarray(2, Math.min(n, 2 + 108));
      if (path[0] === 0) return `${head}, sun_path=@${q(path.subarray(1), Infinity)}}`;
      const end = path.indexOf(0);
      return `${head}, sun_path=${q(end < 0 ? path : path.subarray(0, end), Infinity)}}`;
    }
    if (fam === AF.AF_INET && n >= 16) return fmtSockaddr(readSockaddr(mem, ptr, 16));
    if (fam === AF.AF_PACKET && n >= 20) return `${head}, ${sockaddrLlText(b)}}`;
    if (fam === AF.AF_INET6 && n >= 24) return fmtSockaddr(readSockaddr(mem, ptr, n >= 28 ? 28 : 24), n >= 28);
    return `${head}, sa_data=${q(b.subarray(2), Infinity)}}`;
  } catch {
    return hexp(ptr);
  }
}


/** mmap's flags as strace prints them: the map type's name, then the flags. */
function mmapFlags(v: number): string {
  const type = MAP_TYPES[v & 0xf] ?? `0x${(v & 0xf).toString(16)} /* MAP_??? */`;
  const rest = v & ~0xf;
  return rest ? `${type}|${flagNames(MAP_FLAGS, rest).replace(/ \/\*.*$/, '')}` : type;
}
const hexp = (v: number): string => (v ? `0x${(v >>> 0).toString(16)}` : 'NULL');
/** lseek's whence values (Linux's; WASI's 0-2 are the same). */
const SEEK_NAMES: Readonly<Record<number, string>> = { 0: 'SEEK_SET', 1: 'SEEK_CUR', 2: 'SEEK_END', 3: 'SEEK_DATA', 4: 'SEEK_HOLE' };
/** WASI lookupflags as the *at call's flags: without SYMLINK_FOLLOW (1) the call is AT_SYMLINK_NOFOLLOW. */
const atFlags = (lookup: number): string => (lookup & 1 ? '0' : 'AT_SYMLINK_NOFOLLOW');
const S_IFMT_NAMES: Readonly<Record<number, string>> = { 0o140000: 'S_IFSOCK', 0o120000: 'S_IFLNK', 0o100000: 'S_IFREG', 0o060000: 'S_IFBLK', 0o040000: 'S_IFDIR', 0o020000: 'S_IFCHR', 0o010000: 'S_IFIFO' };
/**
 * A WASI filestat record as strace's abbreviated struct stat: st_mode from the Linux mode the host keeps at
 * offset 20 (host/wasi/files.ts writeStat), then st_rdev (its major and minor at offsets 17, 18) for a device,
 * st_size for anything else.
 */
function statText(mem: GuestMemory, ptr: number): string {
  const mode = mem.u32(ptr + 20);
  const fmt = mode & 0o170000;
  const type = S_IFMT_NAMES[fmt];
  const m = `st_mode=${type ? `${type}|` : ''}${octalMode(mode & 0o7777)}`;
  if (fmt === 0o020000 || fmt === 0o060000) return `{${m}, st_rdev=makedev(0x${mem.u8At(ptr + 17).toString(16)}, 0x${mem.u8At(ptr + 18).toString(16)}), ...}`;
  return `{${m}, st_size=${mem.u64(ptr + 32)}, ...}`;
}
/** WASI dirent records (24-byte header, d_namlen at 16, then the name) in the first `used` bytes of a buffer. */
function direntCount(mem: GuestMemory, ptr: number, used: number): number {
  let n = 0;
  for (let o = 0; o + 24 <= used; n++) o += 24 + mem.u32(ptr + o + 16);
  return n;
}
/** One of utimensat's times from WASI's: UTIME_OMIT without either flag, UTIME_NOW with the _NOW one. */
function utimeText(ns: bigint, set: number, now: number): string {
  if (now) return 'UTIME_NOW';
  if (!set) return 'UTIME_OMIT';
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  const iso = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return `{tv_sec=${sec}, tv_nsec=${nsec}} /* ${iso}${nsec ? `.${String(nsec).padStart(9, '0')}` : ''}+0000 */`;
}
const wasiToOpen = (f: number): number => FDFLAG_TO_O.reduce((a, [w, o]) => (f & w ? a | o : a), 0);
const nsToTimespec = (ns: bigint): string => `{tv_sec=${ns / 1_000_000_000n}, tv_nsec=${ns % 1_000_000_000n}}`;
/** A u64 ns value in guest memory as a timespec: in number arithmetic while it is below 2^53 (no BigInt per call). */
function timespecAt(mem: GuestMemory, ptr: number): string {
  const lo = mem.u32(ptr);
  const hi = mem.u32(ptr + 4);
  if (hi < 0x200000) {
    const ns = hi * 4294967296 + lo;
    const sec = Math.floor(ns / 1e9);
    return `{tv_sec=${sec}, tv_nsec=${ns - sec * 1e9}}`;
  }
  return nsToTimespec(mem.u64(ptr));
}
/** Seconds with 6 decimals, as (ns / 1e9).toFixed(6) prints them; whole microseconds (the virtual clock's) without toFixed. */
function secs(ns: number): string {
  if (ns >= 0 && ns <= 9e15 && ns % 1000 === 0) {
    const us = ns / 1000;
    const s = Math.floor(us / 1e6);
    const frac = us - s * 1e6;
    return `${s}.${frac >= 100000 ? frac : PAD6[String(frac).length]! + frac}`;
  }
  return (ns / 1e9).toFixed(6);
}
const PAD6 = ['', '00000', '0000', '000', '00', '0', ''];
/** Spaces up to strace's result column. */
const SPACES = Array.from({ length: 41 }, (_, i) => ' '.repeat(i));

/** What the tracer needs to know about a call's parameters, worked out once per syscall. */
interface CallShape {
  /** Index of the first parameter of each kind. */
  readonly index: ReadonlyMap<ParamKind, number>;
  /** First parameter the call writes (see splitAt). */
  readonly split: number;
  /** Has in/out values to remember at entry (socklen_inout, msghdr_out). */
  readonly before: boolean;
  /** poll_oneoff (may print as clock_nanosleep). */
  readonly sleepy: boolean;
  /** Index of the RET_KINDS parameter, -1 if none. */
  readonly ret: number;
  /** A successful result prints as more than "0" (an out-pointer's value, revents, ready sets...). */
  readonly resultShown: boolean;
  /** Nothing to note at entry: every parameter before split is a PURE_KINDS one, and no in/out value. */
  readonly pure: boolean;
  /** The last name the call was printed under, with "name(" and the JSONL fields from "call" to "args":[ as bytes. */
  named?: { name: string; text: Chunk; json: Chunk };
}
/** Bytes of the line's fixed parts (host/trace/linebuf.ts). */
const B = {
  seq: ascii('{"v":1,"seq":'), start: ascii(',"start":'), end: ascii(',"end":'), pid: ascii(',"pid":'), ret: ascii('],"ret":'),
  dur: ascii(' <'), tvSec: ascii('{tv_sec='), tvSecJ: ascii('"{tv_sec='), tvNsec: ascii(', tv_nsec='), resumedOpen: ascii('<... '), resumed: ascii(' resumed>'),
  closeEq: SPACES.map((sp) => ascii(`)${sp}= `)), retZero: ascii('],"ret":"0"'),
  /** The whole end of a line whose call returned 0 in no virtual time, per column (text) and as JSONL's ret field. */
  zeroTail: SPACES.map((sp) => ascii(`)${sp}= 0 <0.000000>`)), retZeroLine: ascii('],"ret":"0"}'),
};
/** clockid_t names by id (a number for the ids between): what arg() prints, as bytes, plain and as a JSON string. */
const CLOCK_BYTES = Array.from({ length: 12 }, (_, v) => ascii(nameOf(CLOCK, v)));
const CLOCK_BYTES_J = Array.from({ length: 12 }, (_, v) => ascii(JSON.stringify(nameOf(CLOCK, v))));
/** The call's name in bytes, as text ("name(") and as JSONL's fields from "call" on. */
function namedBytes(sh: CallShape, def: SyscallDef, name: string): { name: string; text: Chunk; json: Chunk } {
  let nb = sh.named;
  if (nb === undefined || nb.name !== name) {
    nb = sh.named = { name, text: ascii(`${name}(`), json: chunk(`,"call":${JSON.stringify(name)},"import":${importJson(def)},"args":[`) };
  }
  return nb;
}
/** Kinds whose text is a function of the argument's value alone (no guest memory, no fd table): printed from the value when the call returns. */
const PURE_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>([
  'skip', 'skip64', 'strlen', 'ret', 'ret_fd', 'ret_u64', 'ret_mode', 'ret_signo', 'mode', 'ai_count', 'i32', 'len', 'u32', 'iovcnt', 'i64', 'u64', 'ptr', 'flags', 'wait_options', 'o_flags',
  'fcntl_cmd', 'fcntl_arg', 'ioctl_req', 'epoll_flags', 'epoll_op', 'efd_flags', 'sfd_flags', 'tfd_flags', 'tfd_settime_flags', 'family', 'socktype', 'protocol',
  'accept_flags', 'msg_flags', 'shut_how', 'sockopt_level', 'sockopt_name', 'clockid', 'fcntl_setfl', 'fcntl_getfl', 'ni_flags', 'signo', 'sigmask_how',
  'itimer_which', 'timer_flags', 'sigpipe_disp', 'whence', 'lookupflags', 'unlink_len', 'rmdir_len',
  'mmap_prot', 'mmap_flags', 'msync_flags', 'madv_advice', 'mlockall_flags',
]);
const RESULT_KINDS: readonly ParamKind[] = ['prctl_ret', 'ret', 'ret_fd', 'ret_u64', 'ret_mode', 'ret_signo', 'ret_addr', 'newfd', 'fcntl_ret', 'fcntl_getfl', 'pollfds', 'fdset', 'events_out', 'subscriptions'];
const ZERO: { text: string; n: number } = Object.freeze({ text: '0', n: 0 });
const SHAPES = new WeakMap<SyscallDef, CallShape>();
let lastDef: SyscallDef | undefined;
let lastShape: CallShape | undefined;
function shapeOf(def: SyscallDef): CallShape {
  // A traced loop asks for one call's shape several times per call: the last one is at hand.
  if (def === lastDef) return lastShape!;
  let sh = SHAPES.get(def);
  if (sh) {
    lastDef = def;
    lastShape = sh;
    return sh;
  }
  const index = new Map<ParamKind, number>();
  def.params.forEach((x, i) => {
    if (!index.has(x.kind)) index.set(x.kind, i);
  });
  const firstOut = def.params.findIndex((x) => OUT_KINDS.has(x.kind));
  sh = {
    index,
    split: firstOut < 0 ? def.params.length : firstOut,
    before: def.params.some((x) => x.kind === 'socklen_inout' || x.kind === 'loff_inout' || x.kind === 'msghdr_out' || x.kind === 'ioctl_arg' || x.kind === 'mmsg_timeout'),
    sleepy: index.has('subscriptions') && index.has('subcount'),
    ret: def.params.findIndex((x) => RET_KINDS.has(x.kind)),
    resultShown: def.params.some((x) => RESULT_KINDS.includes(x.kind)),
    pure: false,
  };
  sh = { ...sh, pure: !sh.before && !sh.sleepy && def.strace !== 'clone' && def.params.slice(0, sh.split).every((x) => PURE_KINDS.has(x.kind)) };
  SHAPES.set(def, sh);
  return sh;
}

/**
 * accept/accept4 with a NULL address or length: strace (fetch_socklen fails) prints the address and
 * length as pointers, and accept4's flags, when the call begins, not when it returns.
 */
function acceptDecodedAtEntry(def: SyscallDef, args: readonly unknown[]): boolean {
  return (def.strace === 'accept' || def.strace === 'accept4') && (!(args[1] as number) || !(args[2] as number));
}

const NO_BEFORE: Map<number, number> = new Map();
const IMPORT_JSON = new WeakMap<SyscallDef, string>();
function importJson(def: SyscallDef): string {
  let s = IMPORT_JSON.get(def);
  if (s === undefined) IMPORT_JSON.set(def, (s = JSON.stringify(`${def.module}.${def.name}`)));
  return s;
}

/** What onEnter saw: the text of the arguments strace prints on entering, and in/out values before the call. */
interface Entry {
  text: (string | undefined)[];
  before: Map<number, number>;
}
/** The entry of a call whose shape is pure: its arguments are printed from their values at exit. */
const PURE_ENTRY: Entry = Object.freeze({ text: [], before: NO_BEFORE }) as Entry;

/** One parameter's writer in a compiled line writer: v is its raw value; args the call's arguments as an array when the writer needs it (Writer.needsArgs), else empty. */
type Step = (p: Process, v: number, ok: boolean, n: number, json: boolean, args: readonly unknown[]) => void;
/**
 * How a generated line writer (genLine) writes a parameter: not at all, an int in place, a timespec or a clock name in
 * place (the step when that does not apply), or through its step: always printing something, or maybe not.
 */
type GenKind = 'none' | 'i32' | 'u32' | 'timespec' | 'clockid' | 'always' | 'maybe';
/** A call's whole line, from its raw values (Writer.line). */
type LineFn = (p: Process, r: number, start: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => void;
const NO_STEP: Step = () => {};
const NO_ARGS: readonly unknown[] = Object.freeze([]);
/** Room made at once for a line's head (with its prefix and name) and for its tail after the result: written with no check per piece. */
const HEAD_ROOM = 160;
const TAIL_ROOM = 96;
/** Values whose bytes a step keeps, per parameter. */
const MEMO_VALUES = 64;
/** A syscall's line writer, made once per tracer from its parameter kinds (a pure shape only). */
interface Writer {
  /** One per parameter. */
  readonly steps: readonly Step[];
  /** The whole line, made by genLine at the call's first use. */
  line: LineFn;
  /** A step or the result reads the arguments as an array. */
  readonly needsArgs: boolean;
  readonly resultShown: boolean;
  /** "name(" and JSONL's fields from "call" to "args":[, as bytes. */
  readonly text: Chunk;
  readonly json: Chunk;
  /** Shown by the call filters that depend on the call alone (strace -e trace=, library calls). */
  readonly shown: boolean;
  /** The first parameter is an fd (the fd filter). */
  readonly fdFirst: boolean;
  /** A fast call's recorder (RawSyscallHooks.fastRecorder), where its line can be a record. */
  rec?: FastRecorder;
}
export type TextTracer = SyscallObserver & RawSyscallHooks & {
  finish(): void;
  /** The file-writing side of a deferred trace: the stream's text goes to raw(bytes, from, to) as it is, each record as its line into the target. */
  expand(src: Uint8Array, raw: (b: Uint8Array, from: number, to: number) => void): void;
};

export function createTextTracer(write: (line: string, pid?: number) => void, opts: TextTraceOptions = {}): TextTracer {
  if (opts.summaryOnly) {
    // strace -c: every call is counted as for -C, no line goes out (none is written in place either), the table goes where the lines would.
    const out = write;
    opts = { ...opts, summary: true, target: undefined, defer: false, summaryOut: opts.summaryOut ?? ((text: string): void => out(text)) };
    write = () => {};
  }
  const max = opts.strSize ?? 32;
  const q = (b: Uint8Array, m: number): string => quote(b, m, opts.hex ?? 'none');
  const sockaddrText = (mem: GuestMemory, ptr: number, len: number): string => sockaddrAt(mem, ptr, len, q);
  const classes = opts.classes ? new Set(opts.classes.filter((c) => c.startsWith('%') || !/^[a-z_0-9]+$/.test(c) || ['net', 'desc', 'file', 'process', 'clock', 'signal', 'memory', 'ipc'].includes(c)).map((c) => c.replace(/^%/, ''))) : undefined;
  const names = opts.classes ? new Set(opts.classes.filter((c) => !c.startsWith('%') && !classes!.has(c))) : undefined;
  const pidSet = opts.onlyPids ? new Set(opts.onlyPids) : undefined;
  const hostSet = opts.hosts ? new Set(opts.hosts) : undefined;
  const fdSet = opts.fds ? new Set(opts.fds) : undefined;
  /** strace -e trace= semantics: a call is shown if its name or one of its classes was asked for. */
  const shown = (p: Process, def: SyscallDef, args: readonly unknown[]): boolean => {
    if (def.library && opts.library === false) return false;
    if (classes || names) {
      const name = callName(p, def, args);
      if (!(names?.has(name) || names?.has(def.strace) || names?.has(def.name) || def.classes.some((c) => classes?.has(c)))) return false;
    }
    if (pidSet && !pidSet.has(p.pid)) return false;
    if (hostSet && !hostSet.has(p.host)) return false;
    if (fdSet && !(def.params[0]?.kind === 'fd' && fdSet.has(args[0] as number))) return false;
    return true;
  };
  /**
   * strace -yy's socket details as strace keeps them: the first that names more than the inode (an
   * address, a peer, a path) is cached by inode for the rest of the trace (strace's socketutils.c), so
   * a socket bound and then connected keeps showing its bound address, a disconnected one its peer.
   */
  const sockDetails = new WeakMap<object, string>();
  /** strace -yy: an open fd with its description (a socket's protocol and addresses, pipe:[N], a path, anon_inode:[...]). */
  const fdText = (p: Process, fd: number): string => {
    if (!p.fds.has(fd)) return String(fd);
    const f = p.fds.file(fd);
    if (f.isSocket) {
      const cached = sockDetails.get(f);
      if (cached !== undefined) return `${fd}<${cached}>`;
      const d = f.describe();
      if (d && !/^[\w-]+:\[\d+\]$/.test(d)) sockDetails.set(f, d);
      return d ? `${fd}<${d}>` : String(fd);
    }
    const d = f.describe();
    if (!d) return String(fd);
    // strace takes " (deleted)" off the path it reads and prints it after the decoration.
    return d.endsWith(' (deleted)') ? `${fd}<${d.slice(0, -10)}>(deleted)` : `${fd}<${d}>`;
  };
  const kindIndex = (def: SyscallDef, kind: ParamKind): number => shapeOf(def).index.get(kind) ?? -1;
  /** poll_oneoff with one clock subscription alone is sleep(): strace shows clock_nanosleep. */
  const sleepOf = (p: Process, def: SyscallDef, args: readonly unknown[]): { id: number; ns: bigint; abs: boolean } | undefined => {
    const sh = shapeOf(def);
    if (!sh.sleepy) return undefined;
    const i = sh.index.get('subscriptions')!;
    const c = sh.index.get('subcount')!;
    if (args[c] !== 1) return undefined;
    try {
      const s = args[i] as number;
      if (p.mem.u8At(s + 8) !== 0) return undefined;
      return { id: p.mem.u32(s + 16), ns: p.mem.u64(s + 24), abs: (p.mem.u16(s + 40) & 1) !== 0 };
    } catch {
      return undefined;
    }
  };
  const callName = (p: Process, def: SyscallDef, args: readonly unknown[]): string => (sleepOf(p, def, args) ? 'clock_nanosleep' : def.strace);
  /** First parameter the call writes: it and those after it are printed when the call returns. */
  const splitAt = (def: SyscallDef): number => shapeOf(def).split;
  /**
   * An option's value, read by setsockopt or (`got`) written by getsockopt, as strace 6.1's print_setsockopt and
   * print_getsockopt print it: the few structures it knows, else an int when the length is exactly 4 and the bytes
   * (`"\\1\\0\\0"`, `""` for none) otherwise; the address where it cannot read them (a NULL, a bad pointer, a
   * negative length, a structure's length too short). SO_RCVTIMEO/SO_SNDTIMEO are decoded (docs/trace-format.md).
   */
  const sockoptVal = (p: Process, level: number, name: number, v: number, len: number, got = false): string => {
    if (!v) return 'NULL';
    if (len < 0 || (got && len === 0)) return hexp(v);
    const mem = p.mem;
    const bytes = (hex: 'none' | 'all'): string => (hex === 'all' ? quote(mem.view(v, Math.min(len, max + 1)), max, 'all') : q(mem.view(v, Math.min(len, max + 1)), max));
    if (level === SOL.SOL_SOCKET && (name === SO.SO_RCVTIMEO || name === SO.SO_SNDTIMEO) && len >= 16) return `{tv_sec=${mem.i64(v)}, tv_usec=${mem.i64(v + 8)}}`;
    // struct icmp_filter (SOL_RAW, a raw ICMP socket's): the ICMP types it drops, as strace's print_icmp_filter.
    if (level === SOL.SOL_RAW && name === RAW_OPT.ICMP_FILTER) return len <= 0 ? hexp(v) : icmpFilterText(mem.view(v, Math.min(len, 4)));
    // SO_GET_FILTER's buffer (counted in instructions) is left as an address; struct tpacket_stats is shown.
    if (got && level === SOL.SOL_SOCKET && name === SO.SO_ATTACH_FILTER) return hexp(v);
    if (got && level === SOL.SOL_PACKET && name === PACKET_OPT.PACKET_STATISTICS && len >= 8) return `{tp_packets=${mem.u32(v)}, tp_drops=${mem.u32(v + 4)}}`;
    if (got) {
      // struct linger and struct ucred cut short: the fields that fit, a field cut in its bytes (MAYBE_PRINT_FIELD_LEN).
      const fields = (names: readonly string[], show: (i: number, x: number) => string): string => {
        const n = Math.min(len, names.length * 4);
        const out: string[] = [];
        for (let i = 0; i * 4 < n; i++) out.push(`${names[i]}=${n - i * 4 >= 4 ? show(i, mem.i32(v + i * 4)) : quote(mem.view(v + i * 4, n - i * 4), max, 'all')}`);
        return `{${out.join(', ')}}`;
      };
      if (level === SOL.SOL_SOCKET && name === SO.SO_LINGER) return fields(['l_onoff', 'l_linger'], (_i, x) => String(x));
      if (level === SOL.SOL_SOCKET && name === SO.SO_PEERCRED) return fields(['pid', 'uid', 'gid'], (i, x) => (i ? idText(x >>> 0) : String(x)));
      // getsockopt's SO_ERROR holds an errno (WASI's numbering in the guest): strace names it.
      if (level === SOL.SOL_SOCKET && name === SO.SO_ERROR && len === 4) {
        const e = mem.i32(v);
        return `[${e === 0 ? 0 : errnoByWasi(e)?.name ?? e}]`;
      }
      if (len === 4) return `[${mem.i32(v)}]`;
      return bytes(level === SOL.SOL_SOCKET && (SO_INT.has(name) || name === SO.SO_ERROR) ? 'all' : 'none');
    }
    // struct sock_fprog (wasm32: 8 bytes), decoded only at its exact size, as strace's print_sock_fprog.
    if (level === SOL.SOL_SOCKET && name === SO.SO_ATTACH_FILTER) return len === 8 ? `{len=${mem.u16(v)}, filter=${mem.u32(v + 4) ? hexp(mem.u32(v + 4)) : 'NULL'}}` : hexp(v);
    // struct packet_mreq: the address as mr_alen bytes (at most 8).
    if (level === SOL.SOL_PACKET && (name === PACKET_OPT.PACKET_ADD_MEMBERSHIP || name === PACKET_OPT.PACKET_DROP_MEMBERSHIP)) {
      if (len < 16) return hexp(v);
      const ifindex = mem.i32(v);
      const ifname = ({ 1: 'lo', 2: 'eth0' } as Record<number, string>)[ifindex];
      const type = mem.u16(v + 4);
      const alen = mem.u16(v + 6);
      const addr = [...mem.view(v + 8, Math.min(alen, 8))].map((b) => b.toString(16).padStart(2, '0')).join(':');
      return `{mr_ifindex=${ifname ? `if_nametoindex("${ifname}")` : ifindex}, mr_type=${nameOf(PACKET_MR, type) !== String(type) ? nameOf(PACKET_MR, type) : `${type} /* PACKET_MR_??? */`}, mr_alen=${alen}, mr_address=${addr}}`;
    }
    if (level === SOL.SOL_SOCKET && name === SO.SO_LINGER) return len >= 8 ? `{l_onoff=${mem.i32(v)}, l_linger=${mem.i32(v + 4)}}` : hexp(v);
    // struct ip_mreq (an ip_mreqn shows as one too, as strace 6 prints it) and struct ipv6_mreq.
    if (level === IPPROTO.IPPROTO_IP && (name === IP_OPT.IP_ADD_MEMBERSHIP || name === IP_OPT.IP_DROP_MEMBERSHIP)) {
      return len >= 8 ? `{imr_multiaddr=inet_addr("${ipText(mem.view(v, 4))}"), imr_interface=inet_addr("${ipText(mem.view(v + 4, 4))}")}` : hexp(v);
    }
    if (level === IPPROTO.IPPROTO_IPV6 && (name === IPV6_OPT.IPV6_ADD_MEMBERSHIP || name === IPV6_OPT.IPV6_DROP_MEMBERSHIP)) {
      if (len < 20) return hexp(v);
      const ifindex = mem.u32(v + 16);
      const ifname = ({ 1: 'lo', 2: 'eth0' } as Record<number, string>)[ifindex];
      return `{inet_pton(AF_INET6, "${ipText(mem.view(v, 16))}", &ipv6mr_multiaddr), ipv6mr_interface=${ifname ? `if_nametoindex("${ifname}")` : ifindex}}`;
    }
    if (level === SOL.SOL_SOCKET && SO_INT.has(name)) return len >= 4 ? `[${mem.i32(v)}]` : hexp(v);
    return len === 4 ? `[${mem.i32(v)}]` : bytes('none');
  };
  /**
   * An iovec array as strace's print_iov: each buffer up to what is left of `limit` (a read's result), NULL, or its
   * address where it cannot be read; the first -s elements and "..."; the array's address where it cannot be read
   * or would run past the 32-bit address space.
   */
  const iovText = (p: Process, ptr: number, cnt: number, limit: number): string => {
    const m = p.mem;
    if (!ptr) return 'NULL';
    if (ptr + cnt * 8 > 2 ** 32) return hexp(ptr);
    let left = limit;
    const parts: string[] = [];
    for (let k = 0; k < cnt; k++) {
      if (k === max) {
        parts.push('...');
        break;
      }
      let base: number, len: number;
      try {
        base = m.u32(ptr + k * 8);
        len = m.u32(ptr + k * 8 + 4);
      } catch {
        if (k === 0) return hexp(ptr);
        parts.push(`... /* ${hexp(ptr + k * 8)} */`);
        break;
      }
      const take = Math.max(0, Math.min(len, left));
      left -= take;
      let text: string;
      try {
        // Nothing to show (an empty buffer, or the data ran out): strace reads nothing and prints "".
        text = !base ? 'NULL' : take ? q(m.view(base, Math.min(take, max + 1)), max) : '""';
      } catch {
        text = hexp(base);
      }
      parts.push(`{iov_base=${text}, iov_len=${len}}`);
    }
    return `[${parts.join(', ')}]`;
  };
  /**
   * A SOL_IP control message's type and data as strace's cmsg_ip_printers
   * show them: data only when it is as long as the type's structure
   * (IP_PKTINFO's struct in_pktinfo, IP_TTL's int, IP_TOS's byte).
   */
  const ipCmsgText = (m: Process['mem'], at: number, dataLen: number, type: number): string => {
    const d = at + 12;
    if (type === IP_OPT.IP_PKTINFO) {
      if (dataLen < 12) return 'cmsg_type=IP_PKTINFO';
      const ifindex = m.i32(d);
      const ifname = ifindex === 1 ? 'lo' : ifindex === 2 ? 'eth0' : undefined;
      const ip = (o: number): string => `inet_addr("${Array.from(m.view(o, 4)).join('.')}")`;
      return `cmsg_type=IP_PKTINFO, cmsg_data={ipi_ifindex=${ifname ? `if_nametoindex("${ifname}")` : ifindex}, ipi_spec_dst=${ip(d + 4)}, ipi_addr=${ip(d + 8)}}`;
    }
    if (type === IP_OPT.IP_TTL) return dataLen >= 4 ? `cmsg_type=IP_TTL, cmsg_data=[${m.u32(d)}]` : 'cmsg_type=IP_TTL';
    if (type === IP_OPT.IP_TOS) return dataLen >= 1 ? `cmsg_type=IP_TOS, cmsg_data=[${m.view(d, 1)[0] ? `0x${m.view(d, 1)[0]!.toString(16)}` : '0'}]` : 'cmsg_type=IP_TOS';
    const name = nameOf(IP_OPT, type);
    return `cmsg_type=${name === String(type) ? `${type === 0 ? '0' : `0x${type.toString(16)}`} /* IP_??? */` : name}`;
  };
  /** One control message (wasm32 struct cmsghdr, 12 bytes), as strace prints SCM_RIGHTS' descriptors and SCM_CREDENTIALS' struct ucred. */
  const cmsgText = (p: Process, at: number, avail: number, len: number, level: number, type: number): string => {
    const m = p.mem;
    const scm = level === SOL.SOL_SOCKET;
    if (level === SOL.SOL_IP) return `{cmsg_len=${len}, cmsg_level=SOL_IP, ${ipCmsgText(m, at, avail - 12, type)}}`;
    // strace names the types of SOL_SOCKET and SOL_IP only: other levels' (SOL_IPV6's IPV6_PKTINFO, 0x32) are
    // hexadecimal numbers (print_cmsg_type_data's PRINT_VAL_X), their data not shown.
    const typeName = scm && type === 1 ? 'SCM_RIGHTS' : scm && type === 2 ? 'SCM_CREDENTIALS' : scm || type === 0 ? String(type) : `0x${(type >>> 0).toString(16)}`;
    let data = '';
    if (scm && type === 1 && avail > 12) {
      const fds: string[] = [];
      const n = Math.floor((avail - 12) / 4);
      for (let i = 0; i < n; i++) {
        if (i === max) { fds.push('...'); break; }
        fds.push(fdText(p, m.i32(at + 12 + 4 * i)));
      }
      data = `, cmsg_data=[${fds.join(', ')}]`;
    } else if (scm && type === 2 && avail >= 24) {
      data = `, cmsg_data=${ucredAt(m, at + 12)}`;
    }
    return `{cmsg_len=${len}, cmsg_level=${nameOf(SOL, level)}, cmsg_type=${typeName}${data}}`;
  };
  /** struct msghdr (wasm32): name, namelen, iov, iovlen, control, controllen, flags. */
  const msghdrText = (p: Process, v: number, limit: number, namelenBefore?: number, written = false): string => {
    const m = p.mem;
    const name = m.u32(v), namelen = m.u32(v + 4), iov = m.u32(v + 8), iovlen = m.u32(v + 12), control = m.u32(v + 16), controllen = m.u32(v + 20), flags = m.i32(v + 24);
    const nl = namelenBefore !== undefined && namelenBefore !== namelen ? `${namelenBefore} => ${namelen}` : String(namelen);
    const nameText = name ? (namelen ? sockaddrText(m, name, namelen) : hexp(name)) : 'NULL';
    // strace's decode_msg_control with the guest's 12-byte cmsghdr: the address when shorter than one header or
    // unreadable; a header whose cmsg_len is too short or runs past msg_controllen ends the list, with "..." and the
    // address of what is left when something is.
    let ctl = '';
    if (controllen) {
      let text: string;
      try {
        if (controllen < 12) throw new RangeError('short');
        m.view(control, controllen);
        const cmsgs: string[] = [];
        let o = 0;
        let left = controllen;
        while (left >= 12) {
          const len = m.u32(control + o);
          cmsgs.push(cmsgText(p, control + o, Math.min(len, left), len, m.i32(control + o + 4), m.i32(control + o + 8)));
          if (len < 12) {
            left -= 12;
            break;
          }
          const step = Math.ceil(len / 4) * 4;
          if (step >= left) {
            left = 0;
            break;
          }
          o += step;
          left -= step;
        }
        if (left) cmsgs.push(`... /* ${hexp(control + controllen - left)} */`);
        text = `[${cmsgs.join(', ')}]`;
      } catch {
        text = hexp(control);
      }
      ctl = `msg_control=${text}, `;
    }
    return `{msg_name=${nameText}, msg_namelen=${nl}, msg_iov=${iovText(p, iov, iovlen, limit)}, msg_iovlen=${iovlen}, ${ctl}msg_controllen=${controllen}, msg_flags=${written ? flagNames(MSG, flags) : flags}}`;
  };
  /**
   * A struct mmsghdr array (wasm32: a msghdr, then msg_len; 32 bytes each), as strace's decode_mmsgvec prints it:
   * `count` entries (at most -s of them), msg_len for the first `withLen`; a received one's data up to its msg_len.
   */
  const mmsgText = (p: Process, v: number, count: number, withLen: number, received: boolean): string => {
    if (!v) return 'NULL';
    const parts: string[] = [];
    const shown = Math.min(count, max);
    for (let k = 0; k < shown; k++) {
      const at = v + k * 32;
      const len = p.mem.u32(at + 28);
      parts.push(`{msg_hdr=${msghdrText(p, at, received ? len : Infinity, undefined, received)}${k < withLen ? `, msg_len=${len}` : ''}}`);
    }
    if (count > shown) parts.push('...');
    return `[${parts.join(', ')}]`;
  };
  const fdsetText = (p: Process, v: number): string => {
    if (!v) return 'NULL';
    const n = Math.min(p.mem.u32(v), 1024);
    const fds: number[] = [];
    for (let i = 0; i < n; i++) fds.push(p.mem.i32(v + 4 + i * 4));
    return `[${fds.sort((a, b) => a - b).join(' ')}]`;
  };
  const aiText = (p: Process, v: number, count: number): string => {
    const m = p.mem;
    const recs: string[] = [];
    for (let i = 0; i < count; i++) {
      const o = v + i * 404;
      const fam = m.i32(o + 4);
      const canon = i === 0 && m.u8At(o + 148) ? `, ai_canonname=${q(Buffer.from(m.cstring(o + 148, 256)), max)}` : '';
      recs.push(`{ai_flags=${flagNames(AI, m.i32(o))}, ai_family=${nameOf(AF, fam)}, ai_socktype=${nameOf(SOCK, m.i32(o + 8))}, ai_protocol=${nameOf(IPPROTO, m.i32(o + 12))}, ai_addrlen=${m.i32(o + 16)}, ai_addr=${sockaddrText(m, o + 20, m.i32(o + 16))}${canon}}`);
    }
    return `[${recs.join(', ')}]`;
  };

  /**
   * One argument as strace prints it, from its kind. undefined: not printed
   * (a result pointer, a length strace does not show). `ok`: the call
   * succeeded; `n`: its result (bytes a read returned).
   */
  const arg = (p: Process, def: SyscallDef, args: readonly unknown[], i: number, ok: boolean, n: number, entry?: Entry): string | undefined => {
    const { kind } = def.params[i]!;
    const v = args[i] as number;
    const mem = p.mem;
    const next = args[i + 1] as number;
    const before = entry?.before.get(i);
    try {
      if (kind.startsWith('ipc_')) return ipcArg(kind, mem, args, i, ok, max, q);
      switch (kind) {
        case 'skip': case 'skip64': case 'strlen': case 'ret': case 'ret_fd': case 'ret_u64': case 'ret_mode': case 'ret_signo': case 'ret_addr': case 'ai_count': return undefined;
        case 'i32': return String(v | 0);
        case 'mode': return octalMode(v);
        case 'open_flags': return openFlags(v);
        case 'open_mode': return (args[i - 1] as number) & O_CREAT_TMPFILE ? octalMode(v) : undefined;
        case 'mknod_mode': {
          const fmt = v & 0o170000;
          // An unknown type: the whole mode in octal (0170600), as strace.
          return !fmt ? octalMode(v & 0o7777) : S_IFMT_NAMES[fmt] ? `${S_IFMT_NAMES[fmt]}|${octalMode(v & 0o7777)}` : octalMode(v);
        }
        case 'mknod_dev': {
          const fmt = (args[i - 1] as number) & 0o170000;
          // Linux's dev_t encoding (glibc's makedev): the major's low 12 bits at 8, the minor's low 8 bits at 0 and the rest at 12.
          return fmt === 0o020000 || fmt === 0o060000 ? `makedev(0x${((v >>> 8) & 0xfff).toString(16)}, 0x${((v & 0xff) | ((v >>> 12) & 0xfff00)).toString(16)})` : undefined;
        }
        case 'dirfd': return v === AT_FDCWD ? 'AT_FDCWD' : fdText(p, v);
        case 'at_flags': return atFlagsText(v);
        case 'statfs_out': return ok && v ? statfsText(mem, v) : v ? hexp(v) : 'NULL';
        // A sockaddr's or an option's length is an int (socklen_t): strace prints bind(3, 0x.., -1).
        case 'len': return def.params[i - 1]?.kind === 'sockaddr' || def.params[i - 1]?.kind === 'sockopt_val' ? String(v | 0) : String(v >>> 0);
        case 'u32': case 'iovcnt': return String(v >>> 0);
        case 'i64': case 'u64': return String(v);
        case 'ptr': return hexp(v);
        case 'mmap_prot': return v ? flagNames(PROT, v, 'PROT_???') : 'PROT_NONE';
        case 'mmap_flags': return mmapFlags(v);
        case 'mmap_off': { const o = BigInt(args[i] as bigint); return o ? `0x${BigInt.asUintN(64, o).toString(16)}` : '0'; }
        case 'msync_flags': return flagNames(MS, v, 'MS_???');
        case 'madv_advice': return xvalName(MADV, v, 'MADV_???');
        case 'mlockall_flags': return flagNames(MCL, v, 'MCL_???');
        case 'futex_op': return futexOpText(v);
        case 'prctl_option': return prctlOptionText(v);
        case 'prctl_arg': { const oi = kindIndex(def, 'prctl_option'); return prctlArgText(args[oi] as number, i - oi + 1, v, mem, ok, max, q); }
        case 'prctl_ret': return undefined;
        case 'futex_timeout': case 'futex_uaddr2': case 'futex_val3': return futexArgText(kind, v, args[kindIndex(def, 'futex_op')] as number, mem);
        case 'flags': return v ? `0x${(v >>> 0).toString(16)}` : '0';
        case 'fd': return fdText(p, v);
        case 'out': return ok && v ? `[${mem.i32(v)}]` : hexp(v);
        case 'wait_status_out': {
          if (!v) return 'NULL';
          if (!ok || n <= 0) return hexp(v);
          const s = mem.i32(v);
          if ((s & 0x7f) === 0) return `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}]`;
          return `[{WIFSIGNALED(s) && WTERMSIG(s) == ${SIGNAL_NAMES[s & 0x7f] ?? s & 0x7f}}]`;
        }
        case 'wait_options': return flagNames({ WNOHANG: 1, WUNTRACED: 2, WCONTINUED: 8 }, v);
        case 'o_flags': return flagNames({ O_NONBLOCK: LINUX_O.O_NONBLOCK, O_CLOEXEC: LINUX_O.O_CLOEXEC }, v);
        // A command strace does not know: 0x270f /* F_??? */.
        case 'fcntl_cmd': return Object.values(FCNTL).includes(v as never) ? nameOf(FCNTL, v) : `0x${(v >>> 0).toString(16)} /* F_??? */`;
        case 'fcntl_arg': {
          const cmd = args[kindIndex(def, 'fcntl_cmd')] as number;
          // strace prints no third argument for the F_GET* commands.
          if (cmd === FCNTL.F_GETFD || cmd === FCNTL.F_GETFL || cmd === FCNTL.F_GETOWN || cmd === FCNTL.F_GETSIG) return undefined;
          if (cmd === FCNTL.F_SETOWN) return String(v | 0);
          if (cmd === FCNTL.F_SETSIG) return v ? signalName(v) : '0';
          if (cmd === FCNTL.F_SETOWN_EX) return ownerExText(mem, v);
          if (cmd === FCNTL.F_SETLK || cmd === FCNTL.F_SETLKW) return flockText(mem, v, false);
          // F_GETLK's struct is read back once the call answered it (fcntl_ret).
          if (cmd === FCNTL.F_GETLK) return undefined;
          // F_GETOWN_EX's struct is an output: the result parameter prints it (fcntl_ret).
          if (cmd === FCNTL.F_GETOWN_EX) return undefined;
          // The open flags with their access mode, O_RDONLY when it is 0 (strace's tprint_open_modes).
          if (cmd === FCNTL.F_SETFL) return openModes(v);
          if (cmd === FCNTL.F_SETFD) return flagNames({ FD_CLOEXEC }, v, 'FD_???');
          // F_DUPFD's argument as the 64-bit register strace reads: -1 is 4294967295.
          return String(v >>> 0);
        }
        case 'fcntl_ret': {
          // Only F_GETOWN_EX and F_GETLK show something here: the struct the call filled in, where its argument goes.
          const getCmd = args[kindIndex(def, 'fcntl_cmd')] as number;
          const ptr = args[kindIndex(def, 'fcntl_arg')] as number;
          if (getCmd === FCNTL.F_GETLK) return ok ? flockText(mem, ptr, true) : hexp(ptr);
          if (getCmd !== FCNTL.F_GETOWN_EX) return undefined;
          return ok ? ownerExText(mem, ptr) : hexp(ptr);
        }
        // strace: ioctl(3, FIONREAD, [5]); a request it does not know by its fields (ioctl_print_code), _IOC(_IOC_NONE, 0x12, 0x34, 0).
        case 'ioctl_req': {
          const r = v >>> 0;
          if (Object.values(IOCTL).includes(r as never)) return nameOf(IOCTL, r);
          const tty = ttyIoctlName(r);
          if (tty) return tty;
          // linux/sockios.h's first driver-private request (the other 15 strace prints by their fields).
          if (r === 0x89f0) return 'SIOCDEVPRIVATE';
          const hex = (x: number): string => (x ? `0x${x.toString(16)}` : '0');
          return `_IOC(${r >>> 30 ? flagNames(IOC_DIRS, r >>> 30) : '_IOC_NONE'}, ${hex((r >>> 8) & 0xff)}, ${hex(r & 0xff)}, ${hex((r >>> 16) & 0x3fff)})`;
        }
        case 'ioctl_arg': {
          const req = (args[kindIndex(def, 'ioctl_req')] as number) >>> 0;
          if (IF_REQS.has(req) && v) return ifreqArg(mem, req, v, ok, before);
          const tty = ttyIoctlArg(mem, req, v);
          if (tty !== undefined) return tty;
          const into = req === IOCTL.FIONREAD || req === IOCTL.TIOCOUTQ || req === IOCTL.SIOCATMARK || req === IOCTL.FIOGETOWN || req === IOCTL.SIOCGPGRP;
          const known = req === IOCTL.FIONBIO || req === IOCTL.FIOASYNC || req === IOCTL.FIOSETOWN || req === IOCTL.SIOCSPGRP || (into && ok);
          return known && v ? `[${mem.i32(v)}]` : hexp(v);
        }
        case 'newfd': return fdText(p, v);
        case 'epoll_flags': return flagNames(EPOLL_CREATE_FLAGS, v, 'EPOLL_???');
        case 'epoll_op': return nameOf(EPOLL_OPS, v) !== String(v) ? nameOf(EPOLL_OPS, v) : `0x${(v >>> 0).toString(16)} /* EPOLL_CTL_??? */`;
        // EPOLL_CTL_DEL reads no event: strace shows the pointer.
        case 'epoll_event': return !v ? 'NULL' : args[kindIndex(def, 'epoll_op')] === 2 ? hexp(v) : epollEventAt(mem, v);
        case 'epoll_events_out': {
          if (!ok) return hexp(v);
          const parts: string[] = [];
          for (let k = 0; k < Math.min(n, 64); k++) parts.push(epollEventAt(mem, v + k * 12));
          return `[${parts.join(', ')}${n > 64 ? ', ...' : ''}]`;
        }
        case 'efd_flags': return flagNames(EFD_FLAGS, v, 'EFD_???');
        case 'sfd_flags': return flagNames(SFD_FLAGS, v, 'SFD_???');
        case 'tfd_flags': case 'tfd_settime_flags': return flagNames(TFD_ALL, v, 'TFD_???');
        case 'itimerspec': return v ? itimerspecAt(mem, v) : 'NULL';
        case 'itimerspec_out': return ok && v ? itimerspecAt(mem, v) : v ? hexp(v) : 'NULL';
        case 'fd_pair_out': return ok && v ? `[${fdText(p, mem.i32(v))}, ${fdText(p, mem.i32(v + 4))}]` : hexp(v);
        case 'buf': return v ? q(mem.view(v, Math.min(next >>> 0, max + 1)), max) : 'NULL';
        // recv with MSG_TRUNC returns the datagram's length: no more than the buffer holds is shown.
        case 'buf_out': return ok && v ? q(mem.view(v, Math.min(Math.max(n, 0), next >>> 0, max + 1)), max) : hexp(v);
        case 'iovs': return iovText(p, v, next, Infinity);
        case 'iovs_out': return ok ? iovText(p, v, next, n) : hexp(v);
        // A path: strace's printpath shows it whole (up to PATH_MAX), whatever -s says.
        case 'str': return q(mem.view(v, Math.min(next, 4096)), 4096);
        case 'wasi_dirfd': return rootPreopen(p, v) ? 'AT_FDCWD' : fdText(p, v);
        case 'wasi_path': {
          const b = mem.view(v, Math.min(next, 4096));
          // The dirfd it is relative to: the nearest wasi_dirfd before it (renameat has two).
          let d = i - 1;
          while (d > 0 && def.params[d]!.kind !== 'wasi_dirfd') d--;
          if (!rootPreopen(p, args[d] as number)) return q(b, 4096);
          // Relative to the preopened "/": the absolute path it names ("." is "/" itself).
          const abs = b.length === 1 && b[0] === 46 ? Buffer.from('/') : Buffer.concat([Buffer.from('/'), b]);
          return q(abs, 4096);
        }
        case 'wasi_oflags': return wasiOpenFlags(v, BigInt(args[i + 1] as bigint), args[i + 3] as number, args[1] as number);
        case 'cstr': return v ? q(Buffer.from(mem.cstring(v, 1024)), max) : 'NULL';
        case 'whence': return SEEK_NAMES[v] ?? `0x${(v >>> 0).toString(16)} /* SEEK_??? */`;
        case 'lookupflags': return undefined;
        case 'unlink_len': return '0';
        case 'rmdir_len': return 'AT_REMOVEDIR';
        case 'stat_out': return ok && v ? statText(mem, v) : hexp(v);
        case 'stat_out_at': return `${ok && v ? statText(mem, v) : hexp(v)}, ${atFlags(args[kindIndex(def, 'lookupflags')] as number)}`;
        case 'dirents': return ok && v ? `${hexp(v)} /* ${direntCount(mem, v, n)} entries */` : hexp(v);
        case 'utime_atim': {
          const fst = args[kindIndex(def, 'utime_fst')] as number;
          // futimens is utimensat(fd, NULL, times, 0): the fd call has no path of its own (no lookupflags).
          const path = kindIndex(def, 'lookupflags') < 0 ? 'NULL, ' : '';
          return `${path}[${utimeText(BigInt(args[i] as bigint), fst & 1, fst & 2)}, ${utimeText(BigInt(args[i + 1] as bigint), fst & 4, fst & 8)}]`;
        }
        case 'utime_fst': { const lk = kindIndex(def, 'lookupflags'); return lk < 0 ? '0' : atFlags(args[lk] as number); }
        // Within the buffer's length when one follows (fd_prestat_dir_name fills exactly that many bytes, no NUL).
        case 'cstr_out': {
          if (!ok || !v) return hexp(v);
          if (def.params[i + 1]?.kind !== 'len') return q(Buffer.from(mem.cstring(v, 1024)), max);
          const b = mem.view(v, Math.min(next >>> 0, 4096));
          const nul = b.indexOf(0);
          return q(nul < 0 ? b : b.subarray(0, nul), max);
        }
        case 'family': return xvalName(AF_NAMES, v, 'AF_???');
        case 'socktype': return sockTypeName(v);
        case 'protocol': {
          // strace names the protocol only for socket() on IP sockets: socket(AF_UNIX, SOCK_STREAM, 0),
          // socket(0x63 /* AF_??? */, SOCK_STREAM, 0); socketpair's is always a number.
          const fam = args[kindIndex(def, 'family')];
          if (def.strace === 'socket' && fam === AF.AF_PACKET) return ethProtocolText(v);
          return def.strace === 'socket' && (fam === AF.AF_INET || fam === AF.AF_INET6) ? xvalName(SOCKET_PROTOCOLS, v, 'IPPROTO_???') : String(v >>> 0);
        }
        case 'accept_flags': return flagNames(ACCEPT_FLAGS, v, 'SOCK_???');
        case 'msg_flags': return flagNames(MSG, v, 'MSG_???');
        case 'shut_how': return xvalName(SHUT, v, 'SHUT_???');
        case 'sockaddr': return sockaddrText(mem, v, next);
        case 'sockaddr_out': {
          if (!ok || !v) return hexp(v);
          const lenPtr = args[i + 1] as number;
          const out = lenPtr ? mem.u32(lenPtr) : 0;
          const inLen = entry?.before.get(i + 1) ?? out;
          return sockaddrText(mem, v, Math.min(out, inLen));
        }
        case 'tms_out': {
          if (!v) return 'NULL';
          if (!ok) return hexp(v);
          return `{tms_utime=${mem.i64(v)}, tms_stime=${mem.i64(v + 8)}, tms_cutime=${mem.i64(v + 16)}, tms_cstime=${mem.i64(v + 24)}}`;
        }
        case 'loff_inout': {
          if (!v) return 'NULL';
          const u = (x: bigint): string => String(BigInt.asUintN(64, x));
          const was = before !== undefined ? BigInt(before) : undefined;
          if (was === undefined) return hexp(v);
          return ok && n !== 0 ? `[${u(was)}] => [${u(mem.i64(v))}]` : `[${u(was)}]`;
        }
        case 'socklen_inout': {
          if (!v) return 'NULL';
          // strace's fetch_socklen reads the length only with an address to fill: accept(3, NULL, 0x7ffc...) (also getsockname, recvfrom).
          if (def.params[i - 1]?.kind === 'sockaddr_out' && !args[i - 1]) return hexp(v);
          const now = mem.i32(v);
          const was = before ?? now;
          return !ok || was === now ? `[${ok ? now : was}]` : `[${was} => ${now}]`;
        }
        case 'msghdr': return v ? msghdrText(p, v, Infinity) : 'NULL';
        case 'mmsghdr': return mmsgText(p, v, next >>> 0, ok ? n : 0, false);
        case 'mmsghdr_out': return ok ? mmsgText(p, v, n, n, true) : hexp(v);
        case 'mmsg_timeout': {
          const nsec = entry?.before.get(-1 - i);
          return !v ? 'NULL' : before !== undefined && nsec !== undefined ? `{tv_sec=${before}, tv_nsec=${nsec}}` : hexp(v);
        }
        // A failed recvmsg: strace shows what it read on entering, the name's length (fetch_msghdr_namelen).
        case 'msghdr_out': return ok && v ? msghdrText(p, v, n, before, true) : before !== undefined ? `{msg_namelen=${before}}` : hexp(v);
        case 'sockopt_level': return nameOf(SOL, v) !== String(v) ? nameOf(SOL, v) : `0x${(v >>> 0).toString(16)} /* SOL_?? */`;
        case 'sockopt_name': {
          const t = OPTNAMES[args[kindIndex(def, 'sockopt_level')] as number];
          if (!t) return String(v >>> 0);
          // getsockopt's name for option 26 is SO_GET_FILTER (strace's sock_options order).
          if (def.strace === 'getsockopt' && t.names === SO && v === SO.SO_ATTACH_FILTER) return 'SO_GET_FILTER';
          // strace's rendering of an option it does not know: 0x270f /* SO_??? */.
          return xvalName(t.names, v, `${t.prefix}_???`);
        }
        case 'sockopt_val': return sockoptVal(p, args[kindIndex(def, 'sockopt_level')] as number, args[kindIndex(def, 'sockopt_name')] as number, v, next);
        case 'sockopt_val_out': {
          if (!ok) return hexp(v);
          // print_getsockopt: a length the caller gave as 0 or less shows the address (the kernel took it as unsigned).
          const asked = entry?.before.get(i + 1);
          if (asked !== undefined && asked <= 0) return hexp(v);
          const lenPtr = args[i + 1] as number;
          return sockoptVal(p, args[kindIndex(def, 'sockopt_level')] as number, args[kindIndex(def, 'sockopt_name')] as number, v, lenPtr ? mem.i32(lenPtr) : 0, true);
        }
        case 'pollfds': {
          if (!v) return 'NULL';
          const parts: string[] = [];
          for (let k = 0; k < Math.min(next >>> 0, 64); k++) {
            const fd = mem.i32(v + k * 8);
            // strace's print_pollfd: an ignored entry (negative fd) shows no events.
            parts.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fdText(p, fd)}, events=${flagNames(POLL, mem.u16(v + k * 8 + 4))}}`);
          }
          return `[${parts.join(', ')}]`;
        }
        case 'fdset': {
          // strace -yy: the fds below nfds, each with its description.
          const nfds = (args[0] as number) | 0;
          if (!v) return 'NULL';
          // No fd to read (decode_select allocates no set): the address, select(0, 0x.., ...).
          if (nfds <= 0) return hexp(v);
          const n = Math.min(mem.u32(v), 1024);
          const fds: number[] = [];
          for (let k = 0; k < n; k++) fds.push(mem.i32(v + 4 + k * 4));
          return `[${fds.filter((fd) => fd < nfds).sort((a, b) => a - b).map((fd) => fdText(p, fd)).join(' ')}]`;
        }
        case 'timeval': return v ? `{tv_sec=${mem.i64(v)}, tv_usec=${mem.i64(v + 8)}}` : 'NULL';
        case 'clockid': return xvalName(CLOCK, v, 'CLOCK_???');
        case 'timespec_out': return ok && v ? timespecAt(mem, v) : hexp(v);
        case 'subscriptions': {
          const sl = sleepOf(p, def, args);
          if (sl) return `${nameOf(CLOCK, sl.id)}, ${sl.abs ? 'TIMER_ABSTIME' : '0'}, ${nsToTimespec(sl.ns)}`;
          const parts: string[] = [];
          for (let k = 0; k < Math.min(next >>> 0, 64); k++) {
            const s = v + k * 48;
            const tag = mem.u8At(s + 8);
            if (tag === 0) parts.push(`{clock=${nameOf(CLOCK, mem.u32(s + 16))}, timeout=${nsToTimespec(mem.u64(s + 24))}${mem.u16(s + 40) & 1 ? ', flags=TIMER_ABSTIME' : ''}}`);
            else parts.push(`{fd=${fdText(p, mem.u32(s + 16))}, events=${tag === 1 ? 'POLLIN' : tag === 2 ? 'POLLOUT' : tag}}`);
          }
          // The events array follows; poll_oneoff's count after it.
          return `[${parts.join(', ')}]`;
        }
        case 'events_out': return sleepOf(p, def, args) ? 'NULL' : undefined;
        case 'subcount': return sleepOf(p, def, args) ? undefined : String(v);
        case 'fcntl_setfl': return `F_SETFL, ${flagNames({ O_RDWR, ...O }, O_RDWR | wasiToOpen(v))}`;
        case 'fcntl_getfl': return 'F_GETFL';
        case 'ai_hints': return v ? `{ai_flags=${flagNames(AI, mem.i32(v))}, ai_family=${nameOf(AF, mem.i32(v + 4))}, ai_socktype=${nameOf(SOCK, mem.i32(v + 8))}, ai_protocol=${nameOf(IPPROTO, mem.i32(v + 12))}}` : 'NULL';
        case 'ai_result': return ok && v ? aiText(p, v, mem.i32(args[kindIndex(def, 'ai_count')] as number)) : hexp(v);
        case 'ni_flags': return flagNames(NI, v);
        case 'signo': return signalName(v);
        case 'sigmask_how': return ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][v] ?? String(v);
        // The kernel's sigsetsize (8) follows the last sigset or sigaction, as strace prints it.
        case 'sigset': {
          // rt_sigtimedwait's set: strace decodes it only when its sigsetsize is the kernel's 8.
          const size = def.params.findIndex((q) => q.name === 'sigsetsize');
          if (v && size >= 0 && args[size] !== 8) return hexp(v);
          return `${v ? sigsetText(mem.u64(v)) : 'NULL'}${i === def.params.length - 1 ? ', 8' : ''}`;
        }
        case 'siginfo_out': return ok && v ? siginfoAt(mem, v) : hexp(v);
        case 'sigset_out': return `${ok && v ? sigsetText(mem.u64(v)) : hexp(v)}${i === def.params.length - 1 ? ', 8' : ''}`;
        // ppoll's mask: strace decodes it only when sigsetsize is the kernel's 8.
        case 'sigset_sized': return v ? (next === 8 ? sigsetText(mem.u64(v)) : hexp(v)) : 'NULL';
        case 'pselect_sigmask': {
          if (!v) return 'NULL';
          const ss = mem.u32(v), size = mem.u32(v + 4);
          return `{sigmask=${ss ? (size === 8 ? sigsetText(mem.u64(ss)) : hexp(ss)) : 'NULL'}, sigsetsize=${size}}`;
        }
        case 'sigaction': return v ? sigactionText(mem, v) : 'NULL';
        case 'sigaction_out': return `${ok && v ? sigactionText(mem, v) : hexp(v)}, 8`;
        case 'itimer_which': return ['ITIMER_REAL', 'ITIMER_VIRTUAL', 'ITIMER_PROF'][v] ?? String(v);
        case 'itimerval': return v ? itimervalText(mem, v) : 'NULL';
        case 'itimerval_out': return ok && v ? itimervalText(mem, v) : hexp(v);
        case 'rlimit_resource': return resourceText(v);
        case 'rlimit': return v ? rlimitText(mem, v) : 'NULL';
        case 'rlimit_out': return ok && v ? rlimitText(mem, v) : hexp(v);
        case 'stack_t': return v ? stackText(mem, v) : 'NULL';
        case 'stack_t_out': return ok && v ? stackText(mem, v) : hexp(v);
        case 'gid_list': return gidList(mem, v, args[i - 1] as number);
        case 'gid_list_out': return ok ? gidList(mem, v, (args[i - 1] as number) ? n : 0) : hexp(v);
        case 'timer_flags': return v & 1 ? 'TIMER_ABSTIME' : v ? `0x${(v >>> 0).toString(16)}` : '0';
        case 'timespec': return v ? `{tv_sec=${mem.i64(v)}, tv_nsec=${mem.i32(v + 8)}}` : 'NULL';
        // Written only when a handler interrupted the sleep (ERESTART_RESTARTBLOCK).
        case 'timespec_rem': return v && lastResult === RESTART_CODES.ERESTART_RESTARTBLOCK.code ? `{tv_sec=${mem.i64(v)}, tv_nsec=${mem.i32(v + 8)}}` : hexp(v);
        case 'sigpipe_disp': return `SIGPIPE, {sa_handler=${v === 1 ? 'SIG_IGN' : 'SIG_DFL'}, sa_mask=[], sa_flags=0}, NULL, 8`;
        // execve's argv: strace's printargv, at most -s strings then "...", the pointer itself where unreadable.
        case 'strv': {
          if (!v) return 'NULL';
          const strs = stringArray(mem, v, max + 1, max + 1);
          if (strs === undefined) return hexp(v);
          return `[${strs.slice(0, max).map((a) => q(a, max)).join(', ')}${strs.length > max ? ', ...' : ''}]`;
        }
        case 'envv': {
          if (!v) return 'NULL';
          const n = stringCount(mem, v);
          return n === undefined ? hexp(v) : `${hexp(v)} /* ${n} var${n === 1 ? '' : 's'} */`;
        }
        case 'argv_out': case 'environ_out': return ok ? `[${(kind === 'argv_out' ? p.argv : p.env).map((a) => q(Buffer.from(a), max)).join(', ')}]` : hexp(v);
        default: return String(v);
      }
    } catch {
      return hexp(v);
    }
  };

  /** select's, ppoll's and pselect6's ", left {...}": the time left the call wrote back to a non-NULL timeout. */
  const leftText = (p: Process, def: SyscallDef, args: readonly unknown[]): string => {
    if (def.strace === 'select') {
      const tv = args[kindIndex(def, 'timeval')] as number;
      return tv ? `, left {tv_sec=${p.mem.i64(tv)}, tv_usec=${p.mem.i64(tv + 8)}}` : '';
    }
    if (def.strace !== 'ppoll' && def.strace !== 'pselect6') return '';
    const ts = args[kindIndex(def, 'timespec')] as number;
    return ts ? `, left {tv_sec=${p.mem.i64(ts)}, tv_nsec=${p.mem.i32(ts + 8)}}` : '';
  };

  /** The result as strace prints it: value, then what the call reported (revents, ready sets, F_GETFL's flags). */
  const result = (p: Process, def: SyscallDef, args: readonly unknown[], r: number, entry?: Entry): { text: string; n: number } => {
    if (def.noReturn) return { text: '?', n: 0 };
    if (r !== 0) {
      const restart = RESTART_TEXT.get(r);
      if (restart && !def.library) return { text: restart.text, n: 0 };
      if (def.library) {
        const name = nameOf(EAI, r);
        return { text: `${r} ${name}${EAI_TEXT[name] ? ` (${EAI_TEXT[name]})` : ''}`, n: 0 };
      }
      const e = errnoByWasi(r);
      return { text: e ? `-1 ${e.name} (${e.message})` : `-1 errno ${r}`, n: 0 };
    }
    if (!shapeOf(def).resultShown) return ZERO;
    let n = 0;
    let text = '0';
    const mem = p.mem;
    try {
      const ri = shapeOf(def).ret;
      if (ri >= 0) {
        const ptr = args[ri] as number;
        const kind = def.params[ri]!.kind;
        n = kind === 'ret_u64' ? Number(mem.u64(ptr)) : kind === 'ret_addr' ? mem.u32(ptr) : mem.i32(ptr);
        text = kind === 'ret_addr' ? `0x${n.toString(16)}` : kind === 'ret_fd' ? fdText(p, n) : kind === 'ret_mode' ? octalMode(n) : kind === 'ret_signo' ? `${n} (${signalName(n)})` : String(n);
      }
      const ni = kindIndex(def, 'newfd');
      if (ni >= 0) {
        // dup2/dup3 return the new fd.
        n = args[ni] as number;
        return { text: fdText(p, n), n };
      }
      const xi = kindIndex(def, 'prctl_ret');
      if (xi >= 0) {
        const v = mem.i32(args[xi] as number);
        return { text: prctlResultText(args[kindIndex(def, 'prctl_option')] as number, v), n: v };
      }
      const fi = kindIndex(def, 'fcntl_ret');
      if (fi >= 0) {
        const v = mem.i32(args[fi] as number);
        const cmd = args[kindIndex(def, 'fcntl_cmd')] as number;
        if (cmd === FCNTL.F_DUPFD || cmd === FCNTL.F_DUPFD_CLOEXEC) return { text: fdText(p, v), n: v };
        if (cmd === FCNTL.F_GETFD) return { text: v === FD_CLOEXEC ? '0x1 (flags FD_CLOEXEC)' : v ? `0x${v.toString(16)}` : '0', n: v };
        if (cmd === FCNTL.F_GETFL) return { text: `${v ? `0x${v.toString(16)}` : '0'} (flags ${openModes(v)})`, n: v };
        if (cmd === FCNTL.F_GETSIG && v) return { text: `${v} (${signalName(v)})`, n: v };
        return { text: String(v), n: v };
      }
      const gi = kindIndex(def, 'fcntl_getfl');
      if (gi >= 0) {
        // The access mode as wasi-libc's fcntl(F_GETFL) makes it from the rights the call reported (read or readdir, write).
        const at = args[gi] as number;
        const rights = mem.u32(at + 8);
        const read = (rights & (RIGHT_FD_READ | RIGHT_FD_READDIR)) !== 0;
        const write = (rights & RIGHT_FD_WRITE) !== 0;
        const fl = (read && write ? O_RDWR : write ? O_WRONLY : 0) | wasiToOpen(mem.u16(at + 2));
        return { text: `${fl ? `0x${fl.toString(16)}` : '0'} (flags ${openModes(fl)})`, n: fl };
      }
      const pi = kindIndex(def, 'pollfds');
      if (pi >= 0) {
        if (n === 0) return { text: `${text} (Timeout)`, n };
        const ptr = args[pi] as number;
        const parts: string[] = [];
        for (let k = 0; k < Math.min((args[pi + 1] as number) >>> 0, 64); k++) {
          const rev = mem.u16(ptr + k * 8 + 6);
          if (rev) parts.push(`{fd=${mem.i32(ptr + k * 8)}, revents=${flagNames(POLL, rev)}}`);
        }
        return { text: `${text} ([${parts.join(', ')}]${leftText(p, def, args)})`, n };
      }
      // recvmmsg (strace's SYS_FUNC(recvmmsg)): none received is "Timeout"; else the time left in the timeout given.
      const mi = kindIndex(def, 'mmsg_timeout');
      if (mi >= 0) {
        if (n === 0) return { text: `${text} (Timeout)`, n };
        const ts = args[mi] as number;
        return { text: ts ? `${text} (left {tv_sec=${mem.i64(ts)}, tv_nsec=${mem.i32(ts + 8)}})` : text, n };
      }
      const si = kindIndex(def, 'fdset');
      if (si >= 0) {
        if (n === 0) return { text: `${text} (Timeout)`, n };
        const sets = ['in', 'out', 'except'].map((name, k) => {
          const ptr = args[si + k] as number;
          return ptr && mem.u32(ptr) ? `${name} ${fdsetText(p, ptr)}` : '';
        }).filter(Boolean);
        return { text: `${text} (${sets.join(', ')}${leftText(p, def, args)})`, n };
      }
      const ei = kindIndex(def, 'events_out');
      if (ei >= 0 && !sleepOf(p, def, args)) {
        const ptr = args[ei] as number;
        const parts: string[] = [];
        for (let k = 0; k < Math.min(n, 64); k++) {
          const o = ptr + k * 32;
          const type = mem.u8At(o + 10), err = mem.u16(o + 8);
          parts.push(type === 0 ? '{clock}' : `{type=${type === 1 ? 'FD_READ' : 'FD_WRITE'}${err ? `, error=${err}` : ''}, nbytes=${mem.u64(o + 16)}}`);
        }
        return { text: n ? `${text} ([${parts.join(', ')}])` : `${text} (Timeout)`, n };
      }
      // A sleep returns 0 (its restart_syscall line prints n).
      if (kindIndex(def, 'subscriptions') >= 0) return { text: '0', n: 0 };
    } catch {
      /* unreadable result pointer: the bare value */
    }
    void entry;
    return { text, n };
  };

  const format = opts.format ?? 'text';
  /** JSONL's sequence number (an object: the generated line writers increment it too). */
  const st = { seq: 0 };
  const prefixes: string[] = [];
  const prefixOf = (pid: number): string => (opts.pids !== false && !opts.perProcess ? (prefixes[pid] ??= `[pid ${pid}] `) : '');
  /** The result of the call being printed (a kind shown only on some results reads it). */
  let lastResult = 0;
  /** The result text of each process's last call: what rt_sigreturn hands back after a handler that interrupted nothing. */
  const lastText: (string | undefined)[] = [];
  /** Per process, for each handler running: lastText when it was entered. */
  const frames = new Map<number, string[]>();
  let lastStamp = 0;
  /** The line's timestamp and its trailing space, per --trace-time. */
  const stamp = (ns: number): string => {
    const mode = opts.time ?? 'elapsed';
    if (mode === 'none') return '';
    if (mode === 'relative') {
      const d = ns - lastStamp;
      lastStamp = ns;
      return `${secs(d)} `;
    }
    if (mode === 'absolute') {
      const t = VIRTUAL_EPOCH_NS + BigInt(Math.round(ns));
      const ms = Number(t / 1_000_000n);
      const us = String(Number((t / 1000n) % 1_000_000n)).padStart(6, '0');
      return `${new Date(ms).toISOString().slice(11, 19)}.${us} `;
    }
    return `${secs(ns)} `;
  };
  /** --trace-time: the default (written in place) and none. */
  const stampElapsed = (opts.time ?? 'elapsed') === 'elapsed';
  const stampNone = opts.time === 'none';
  /** " = result", from column 40 as strace aligns it. */
  const tab = (head: string): string => tabAt(head, head.length - head.lastIndexOf('\n') - 1);
  const tabAt = (head: string, col: number): string => (col < RESULT_COLUMN ? `${head}${SPACES[RESULT_COLUMN - col]}= ` : `${head} = `);
  /** Calls that suspended: their opening text, printed as <unfinished ...> once another process's line comes first. */
  const pending = new Map<number, { text: string; shown: boolean; name: string; decoded?: boolean; loff?: boolean }>();
  /** Per pid: the call a restart block resumes (onRestart), printed as strace prints restart_syscall. */
  const restarting: (string | undefined)[] = [];
  /** Per pid: what onEnter saw of the call in progress (an array: pids are small integers). */
  const entries: (Entry | undefined)[] = [];
  const emit = (pid: number, line: string): void => {
    if (format === 'text') {
      for (const [other, u] of pending) {
        if (other !== pid && !u.shown) {
          write(u.text, other);
          u.shown = true;
        }
      }
    }
    write(line, pid);
  };
  const stats = new Map<string, { calls: number; errors: number; ns: number }>();
  const perPid = new Map<number, Map<string, { calls: number; errors: number; ns: number }>>();
  const join = (xs: readonly (string | undefined)[]): string => {
    let out = '';
    let first = true;
    for (const x of xs) {
      if (x === undefined) continue;
      out = first ? x : `${out}, ${x}`;
      first = false;
    }
    return out;
  };

  const L = new LineBuf(opts.target);
  /** The line in L, after the <unfinished ...> lines of other processes it follows. */
  const emitLine = (pid: number): void => {
    if (!L.end()) write(L.text(), pid);
  };
  /** The <unfinished ...> lines of other processes that a line of pid's follows: out before the line is begun in place. */
  const unfinishedBefore = (pid: number): void => {
    if (format !== 'text' || !pending.size) return;
    for (const [other, u] of pending) {
      if (other !== pid && !u.shown) {
        write(u.text, other);
        u.shown = true;
      }
    }
  };
  const prefixBytes: Chunk[] = [];
  let lastHost: string | undefined;
  let lastHostBytes: Chunk = B.pid;
  /** ',"host":"name"' in bytes, for the last host seen. */
  const hostBytes = (host: string): Chunk => {
    if (host !== lastHost) {
      lastHost = host;
      lastHostBytes = chunk(`,"host":${JSON.stringify(host)}`);
    }
    return lastHostBytes;
  };
  const jnumL = (v: number): void => (Number.isFinite(v) ? L.num(v) : L.str('null'));
  /** 0: the next argument is the first; 1: the first in a JSON array; 2: one came before. */
  let sep = 0;
  const putText = (x: string | undefined, json: boolean): void => {
    if (x === undefined) return;
    if (sep === 2) {
      L.ch(44);
      if (!json) L.ch(32);
    }
    sep = 2;
    if (json) L.json(x);
    else L.str(x);
  };
  /** One argument into L: the common kinds straight as bytes, the others through arg()'s text. */
  const putArg = (p: Process, def: SyscallDef, args: readonly unknown[], i: number, ok: boolean, n: number, entry: Entry | undefined, json: boolean): void => {
    const kind = def.params[i]!.kind;
    const v = args[i] as number;
    if (kind === 'timespec_out' && ok && v) {
      const mem = p.mem;
      let lo: number, hi: number;
      try {
        lo = mem.u32(v);
        hi = mem.u32(v + 4);
      } catch {
        hi = 0x200000;
      }
      if (hi < 0x200000) {
        if (sep === 2) {
          L.ch(44);
          if (!json) L.ch(32);
        }
        sep = 2;
        let sec: number, nsec: number;
        if (hi === 0 && lo! < 0x80000000) {
          sec = (lo! / 1000000000) | 0;
          nsec = lo! - sec * 1000000000;
        } else {
          const ns = hi * 4294967296 + lo!;
          sec = Math.floor(ns / 1e9);
          nsec = ns - sec * 1e9;
        }
        L.bytes(json ? B.tvSecJ : B.tvSec);
        L.uint(sec);
        L.bytes(B.tvNsec);
        L.uint(nsec);
        L.ch(125);
        if (json) L.ch(34);
        return;
      }
    } else if (kind === 'clockid' && v >= 0 && v < CLOCK_BYTES.length) {
      if (sep === 2) {
        L.ch(44);
        if (!json) L.ch(32);
      }
      sep = 2;
      L.bytes(json ? CLOCK_BYTES_J[v]! : CLOCK_BYTES[v]!);
      return;
    } else if (kind === 'i32' || kind === 'u32' || kind === 'iovcnt') {
      if (sep === 2) {
        L.ch(44);
        if (!json) L.ch(32);
      }
      sep = 2;
      if (json) L.ch(34);
      L.num(kind === 'i32' ? v | 0 : v >>> 0);
      if (json) L.ch(34);
      return;
    }
    putText(arg(p, def, args, i, ok, n, entry), json);
  };

  /** The line's start: JSONL's fields up to "args":[, from the call's name bytes on. */
  const lineHeadJson = (p: Process, start: number, now: number, nameJson: Chunk): void => {
    // The TraceEvent as JSON.stringify would write it (same keys, same order), without building the object.
    const host = hostBytes(p.host);
    L.reserve(HEAD_ROOM + host.length + nameJson.length);
    const dv = L.dv;
    let n = putBytes(dv, L.n, B.seq);
    n = putUint(dv, n, ++st.seq);
    n = putBytes(dv, n, B.start);
    n = jnumAt(dv, n, start);
    n = putBytes(dv, n, B.end);
    n = jnumAt(dv, n, now);
    n = putBytes(dv, n, B.pid);
    n = putSmallUint(dv, n, p.pid);
    n = putBytes(dv, n, host);
    L.n = putBytes(dv, n, nameJson);
  };
  /** A time in JSON as JSON.stringify writes it: a whole number of ns in place, anything else as text (room: 24 bytes). */
  const jnumAt = (dv: DataView, n: number, v: number): number => {
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) return putUint(dv, n, v);
    const t = Number.isFinite(v) ? String(v) : 'null';
    for (let i = 0; i < t.length; i++) dv.setUint8(n + i, t.charCodeAt(i));
    return n + t.length;
  };
  /** The text line's [pid N] and timestamp, then the call's name bytes. */
  const lineHeadText = (p: Process, now: number, name: Chunk | undefined): void => {
    const prefix = (prefixBytes[p.pid] ??= ascii(prefixOf(p.pid)));
    L.reserve(HEAD_ROOM + prefix.length + (name === undefined ? 0 : name.length));
    const b = L.buf;
    const dv = L.dv;
    let n = putBytes(dv, L.n, prefix);
    if (stampElapsed) {
      const at = putSecs(dv, n, now);
      if (at >= 0) {
        b[at] = 32;
        n = at + 1;
      } else {
        L.n = n;
        L.str(stamp(now));
        if (name !== undefined) L.bytes(name);
        return;
      }
    } else if (stampNone) {
      // no timestamp
    } else {
      L.n = n;
      L.str(stamp(now));
      if (name !== undefined) L.bytes(name);
      return;
    }
    L.n = name === undefined ? n : putBytes(dv, n, name);
  };
  /** The line's end, from the closing parenthesis (JSONL: bracket) on: the result, its marks, the time the call took. */
  const lineTail = (def: SyscallDef, r: number, ok: boolean, resText: string, injected: boolean, note: string | undefined, start: number, now: number, json: boolean): void => {
    if (json) {
      if (resText === '0' && ok) L.bytes(B.retZero);
      else {
        // getaddrinfo/getnameinfo fail with an EAI_* code, not an errno.
        const restart = RESTART_TEXT.get(r);
        const e = ok || def.library ? undefined : restart ? { name: restart.name } : errnoByWasi(r);
        const errno = e ? e.name : def.library && !ok ? nameOf(EAI, r) : undefined;
        L.bytes(B.ret);
        L.json(ok ? resText : def.library ? String(r) : restart ? '?' : '-1');
        if (errno !== undefined) {
          L.str(',"errno":');
          L.json(errno);
        }
      }
      if (def.library) L.str(',"library":true');
      if (injected) L.str(',"injected":true');
      if (note) {
        L.str(',"note":');
        L.json(note);
      }
      if (opts.wall) {
        L.str(',"wall":');
        jnumL(Date.now() * 1e6);
      }
      L.reserve(2);
      const b = L.buf;
      const n = L.n;
      b[n] = 125;
      b[n + 1] = 10;
      L.n = n + 2;
    } else {
      // ")", then " = " from strace's result column (40), counted from the line's start or its last newline.
      const col = L.column() + 1;
      L.reserve(TAIL_ROOM);
      let b = L.buf;
      let dv = L.dv;
      let n = putBytes(dv, L.n, B.closeEq[col < RESULT_COLUMN ? RESULT_COLUMN - col : 1]!);
      if (resText === '0' && !injected && !def.library && !note) b[n++] = 48;
      else {
        L.n = n;
        L.str(resText);
        if (injected) L.str(' (INJECTED)');
        if (def.library) L.str(' [library call]');
        if (note) {
          L.str(' [');
          L.str(note);
          L.ch(93);
        }
        L.reserve(TAIL_ROOM);
        b = L.buf;
        dv = L.dv;
        n = L.n;
      }
      n = putBytes(dv, n, B.dur);
      const at = putSecs(dv, n, now - start);
      if (at < 0) {
        L.n = n;
        L.secs(now - start);
        L.reserve(2);
        b = L.buf;
        n = L.n;
      } else n = at;
      b[n] = 62;
      b[n + 1] = 10;
      L.n = n + 2;
    }
  };

  /** ", " (JSONL: ",") before an argument that is not the first. */
  const comma = (json: boolean): void => {
    if (sep === 2) {
      L.ch(44);
      if (!json) L.ch(32);
    }
    sep = 2;
  };
  /**
   * A writer per parameter kind, chosen once per syscall (compileWriter):
   * the common kinds write their bytes straight away; kinds whose text is a
   * function of the value alone keep the bytes of the values seen; the rest
   * go through putArg with the call's arguments as an array.
   */
  const compileStep = (def: SyscallDef, idx: number): { step: Step; generic: boolean; gen: GenKind } => {
    const kind = def.params[idx]!.kind;
    const generic: Step = (p, _v, ok, n, json, args) => putArg(p, def, args, idx, ok, n, undefined, json);
    switch (kind) {
      case 'skip': case 'skip64': case 'strlen': case 'ret': case 'ret_fd': case 'ret_u64': case 'ret_mode': case 'ret_signo': case 'ret_addr': case 'ai_count':
        return { step: NO_STEP, generic: false, gen: 'none' };
      case 'i32':
        return { step: (_p, v, _ok, _n, json) => intStep(v | 0, json), generic: false, gen: 'i32' };
      case 'u32': case 'iovcnt':
        return { step: (_p, v, _ok, _n, json) => intStep(v >>> 0, json), generic: false, gen: 'u32' };
      case 'len': {
        // A sockaddr's or an option's length is an int (socklen_t), as arg() prints it.
        const prev = def.params[idx - 1]?.kind;
        const signed = prev === 'sockaddr' || prev === 'sockopt_val';
        return { step: (_p, v, _ok, _n, json) => intStep(signed ? v | 0 : v >>> 0, json), generic: false, gen: signed ? 'i32' : 'u32' };
      }
      case 'fd':
        return { step: (p, v, _ok, _n, json) => putText(fdText(p, v), json), generic: false, gen: 'always' };
      case 'timespec_out':
        return {
          step: (p, v, ok, n, json) => {
            if (ok && v && timespecStep(p, v, json)) return;
            // arg() reads this parameter's value alone.
            const xs: unknown[] = [];
            xs[idx] = v;
            putArg(p, def, xs, idx, ok, n, undefined, json);
          },
          generic: false,
          gen: 'timespec',
        };
      case 'flags': case 'wait_options': case 'o_flags': case 'fcntl_cmd': case 'ioctl_req': case 'epoll_flags': case 'epoll_op': case 'efd_flags': case 'sfd_flags': case 'tfd_flags':
      case 'tfd_settime_flags': case 'family': case 'socktype': case 'accept_flags': case 'msg_flags': case 'shut_how': case 'sockopt_level': case 'clockid':
      case 'fcntl_setfl': case 'fcntl_getfl': case 'ni_flags': case 'signo': case 'sigmask_how': case 'itimer_which': case 'timer_flags': case 'sigpipe_disp': {
        // The text of these is a function of the value alone (arg() reads nothing else): each value's bytes are made once.
        const memo = new Map<number, { text: Chunk; json: Chunk } | null>();
        return {
          step: (p, v, _ok, _n, json) => {
            let m = memo.get(v);
            if (m === undefined) {
              const xs: unknown[] = [];
              xs[idx] = v;
              const x = arg(p, def, xs, idx, false, 0);
              m = x === undefined ? null : { text: chunk(x), json: chunk(JSON.stringify(x)) };
              if (memo.size < MEMO_VALUES) memo.set(v, m);
            }
            if (m === null) return;
            const x = json ? m.json : m.text;
            L.reserve(x.length + 2);
            const b = L.buf;
            const dv = L.dv;
            let at = L.n;
            if (sep === 2) {
              b[at++] = 44;
              if (!json) b[at++] = 32;
            }
            sep = 2;
            L.n = putBytes(dv, at, x);
          },
          generic: false,
          gen: kind === 'clockid' ? 'clockid' : 'maybe',
        };
      }
      default:
        return { step: generic, generic: true, gen: 'maybe' };
    }
  };
  const intStep = (v: number, json: boolean): void => {
    comma(json);
    if (json) L.ch(34);
    L.num(v);
    if (json) L.ch(34);
  };
  /**
   * A view of the guest memory the last line read, for the hot steps: one bounds check per value instead of a
   * checked read per word (GuestMemory's). A grown (non-shared) memory detaches the old buffer, whose length then
   * reads 0, as GuestMemory.fresh() relies on.
   */
  let viewMem: GuestMemory | undefined;
  let viewBuf: ArrayBuffer = new ArrayBuffer(0);
  let viewDv = new DataView(viewBuf);
  const guestView = (mem: GuestMemory): DataView => {
    if (mem !== viewMem || viewBuf.byteLength === 0) {
      viewMem = mem;
      viewBuf = mem.memory.buffer;
      viewDv = new DataView(viewBuf);
    }
    return viewDv;
  };
  /** A timespec_out below 2^53 ns, in place (false: leave it to putArg). */
  const timespecStep = (p: Process, v: number, json: boolean): boolean => {
    const gv = guestView(p.mem);
    if (v < 0 || v + 8 > gv.byteLength) return false;
    const lo = gv.getUint32(v, true);
    const hi = gv.getUint32(v + 4, true);
    if (hi >= 0x200000) return false;
    let sec: number, nsec: number;
    if (hi === 0 && lo < 0x80000000) {
      sec = (lo / 1000000000) | 0;
      nsec = lo - sec * 1000000000;
    } else {
      const ns = hi * 4294967296 + lo;
      sec = Math.floor(ns / 1e9);
      nsec = ns - sec * 1e9;
    }
    L.reserve(64);
    const b = L.buf;
    const dv = L.dv;
    let n = L.n;
    if (sep === 2) {
      b[n++] = 44;
      if (!json) b[n++] = 32;
    }
    sep = 2;
    n = putBytes(dv, n, json ? B.tvSecJ : B.tvSec);
    n = putUint(dv, n, sec);
    n = putBytes(dv, n, B.tvNsec);
    n = putSmallUint(dv, n, nsec);
    b[n++] = 125;
    if (json) b[n++] = 34;
    L.n = n;
    return true;
  };
  /** A syscall's line writer, or null where the general path prints it (a shape that is not pure: in/out values, sleep, clone). */
  const compileWriter = (def: SyscallDef): Writer | null => {
    const sh = shapeOf(def);
    if (!sh.pure) return null;
    const steps = def.params.map((_, i) => compileStep(def, i));
    const named = namedBytes(sh, def, def.strace);
    const w: Writer = {
      steps: steps.map((x) => x.step),
      line: () => {},
      needsArgs: sh.resultShown || steps.some((x) => x.generic),
      resultShown: sh.resultShown,
      text: named.text,
      json: named.json,
      // strace -e trace= and --library=false: decided once (callName is def.strace for a shape that is not sleepy).
      shown: !(def.library && opts.library === false) && (!(classes || names) || !!(names?.has(def.strace) || names?.has(def.name) || def.classes.some((c) => classes?.has(c)))),
      fdFirst: def.params[0]?.kind === 'fd',
    };
    const kinds = steps.map((x) => x.gen);
    w.line = genLine(def, w, kinds, steps.some((x) => x.generic));
    if (deferOK && w.shown && !w.needsArgs && !w.resultShown && !def.library && kinds.every((k) => DEFERRABLE.has(k))) {
      const id = nextCallId++;
      if (def.fast && def.params.length <= 4) {
        // A fast call's recorder (fastRecorder) does what onSyscallRaw checks first and hands it what it would not record;
        // there the line is printed at once (a failed call, or one taken by dispatch: rare), so one record writer is made.
        const u = undefined as unknown as number;
        const slow: FastRecorder = (p, r, a, b, c, d) => self.onSyscallRaw(p, def, r, p.callStart, a, b, c, d, u, u, u, u, u);
        w.rec = genRecord(def, id, kinds, slow as unknown as LineFn, true) as unknown as FastRecorder;
      } else w.line = genRecord(def, id, kinds, w.line);
    }
    return w;
  };

  // Deferred records (TextTraceOptions.defer). Not with what a record cannot carry: -r's time since the previous
  // line and -tt's time of day (stamp()), the host's wall clock, one file per process, -c's counts, -Z.
  const deferOK = opts.defer === true && opts.target !== undefined && !opts.perProcess && !opts.summary && !opts.failedOnly && (format === 'jsonl' ? !opts.wall : stampElapsed || stampNone);
  let nextCallId = 0;
  /** The host each pid's records were last made with (JSONL prints it). */
  const hostSeen: (string | undefined)[] = [];
  /** A definition record into the target: tag, key, bytes. */
  const putRecord = (tag: number, key: number, body: Uint8Array): void => {
    L.reset();
    L.reserve(12 + body.length);
    const b = L.buf;
    const dv = L.dv;
    const n = L.n;
    b[n] = REC_MARK;
    b[n + 1] = tag;
    dv.setUint16(n + 2, 0, true);
    dv.setUint32(n + 4, key, true);
    dv.setUint32(n + 8, body.length, true);
    b.set(body, n + 12);
    L.n = n + 12 + body.length;
    L.end();
  };
  /** The target's bytes the records were last written into, and a view of them (the recorders compare inline). */
  const RV: { b: Uint8Array | undefined; dv: DataView<ArrayBufferLike> } = { b: undefined, dv: new DataView(new ArrayBuffer(0)) };
  const recView = (b: Uint8Array): DataView<ArrayBufferLike> => {
    if (b !== RV.b) {
      RV.b = b;
      RV.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return RV.dv;
  };
  const defineHost = (pid: number, host: string): void => {
    hostSeen[pid] = host;
    putRecord(REC_HOST, pid, Buffer.from(host, 'utf8'));
  };
  /**
   * genLine's writer for the guest's thread when the line can be deferred: checks what the line needs (a result of
   * 0, a clock id with a name, a readable timespec below 2^53 ns), else prints it at once (direct); takes what the
   * line prints from guest memory now, and writes the record.
   */
  const genRecord = (def: SyscallDef, id: number, kinds: readonly GenKind[], direct: LineFn, fast = false): LineFn => {
    const json = format === 'jsonl';
    putRecord(REC_DEF, id, Buffer.from(JSON.stringify({ module: def.module, name: def.name, strace: def.strace, classes: def.classes, params: def.params, mayBlock: def.mayBlock })));
    const size = recordSize(kinds, json);
    const env: Record<string, unknown> = { T: opts.target, recView, RV, entries, lastText, ZT: ZERO.text, st, pidSet, hostSet, fdSet, direct, hostSeen, defineHost, pending };
    // The fast recorder (RawSyscallHooks.fastRecorder) takes at most four values, its start from the process, and
    // leaves to onSyscallRaw (its fallback, direct) what that one would not record.
    const vals = fast ? ['a', 'b_', 'c', 'd'] : ['a', 'b_', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const all = fast ? vals.join(', ') : `start, ${vals.join(', ')}`;
    const code: string[] = [];
    const put = (x: string): void => {
      code.push(x);
    };
    // Written for V8's first tiers too: a fresh worker runs a hot call's first thousands of times unoptimised, where
    // every call (a getter, GuestMemory's checks) costs tens of ns, so guest memory and the target are read inline.
    const filters: string[] = [];
    if (fast) filters.push('pending.size !== 0', 'p.injected !== undefined', 'p.note !== undefined');
    if (pidSet !== undefined) filters.push('!pidSet.has(p.pid)');
    if (hostSet !== undefined) filters.push('!hostSet.has(p.host)');
    if (fdSet !== undefined) filters.push(def.params[0]?.kind === 'fd' ? '!fdSet.has(a)' : 'true');
    filters.push('r !== 0');
    put(`if (${filters.join(' || ')}) return direct(p, r, ${all});`);
    let q = json ? 32 : 24;
    const stores: string[] = [];
    if (kinds.includes('timespec')) put('const m = p.mem;');
    kinds.forEach((kind, idx) => {
      const v = vals[idx]!;
      if (kind === 'none') return;
      if (kind === 'timespec') {
        // GuestMemory.valid inline (see GuestMemory.dv): NULL, out of memory or a view gone stale go the checked way.
        put(`if (${v} <= 0 || ${v} + 8 > m.bytes || m.u8.length === 0) return direct(p, r, ${all});`);
        put(`const lo_${v} = m.dv.getUint32(${v}, true), hi_${v} = m.dv.getUint32(${v} + 4, true);`);
        put(`if (hi_${v} >= 0x200000) return direct(p, r, ${all});`);
        stores.push(`dv.setUint32(n + ${q}, lo_${v}, true); dv.setUint32(n + ${q + 4}, hi_${v}, true);`);
        q += 8;
        return;
      }
      if (kind === 'clockid') put(`if (!(${v} >= 0 && ${v} < ${CLOCK_BYTES.length})) return direct(p, r, ${all});`);
      stores.push(`dv.setInt32(n + ${q}, ${v}, true);`);
      q += 4;
    });
    put('const pid = p.pid;');
    put('if (entries[pid] !== undefined) entries[pid] = undefined;');
    if (fast) put('const start = p.callStart;');
    put('const now = p.kernel.clock.now();');
    if (json) {
      put('if (hostSeen[pid] !== p.host) defineHost(pid, p.host);');
      put('const seq = ++st.seq;');
    } else put('lastText[pid] = ZT;');
    // Straight into the target (no line: no columns to count), through a view kept while its bytes stay the same.
    // All inline, one exit per refusal: a shared head function and a single labelled exit (less bytecode, for
    // TurboFan's inlining) both measured slower in the fresh-worker bench row, which runs this code unoptimised first.
    put(`let n = T.length, tb = T.bytes; if (n + ${size} > tb.length) { T.flush(); n = T.length; tb = T.bytes; }`);
    put('const dv = tb === RV.b ? RV.dv : recView(tb);');
    put(`dv.setUint32(n, ${REC_MARK | (REC_CALL << 8) | (id << 16)}, true); dv.setUint32(n + 4, pid, true);`);
    put('dv.setFloat64(n + 8, start, true); dv.setFloat64(n + 16, now, true);');
    if (json) put('dv.setFloat64(n + 24, seq, true);');
    for (const x of stores) put(x);
    put(`T.hold(n + ${size});`);
    const body = `return function record(p, r, ${all}) {\n${code.join('\n')}\n};`;
    return new Function(...Object.keys(env), body)(...Object.values(env)) as LineFn;
  };

  /** The file-writing side: each call id's line writer from its definition record, and each pid's host. */
  const formatters: { line: (rv: DataView, o: number) => void; size: number }[] = [];
  const hostOfPid: Chunk[] = [];
  const defineFormatter = (id: number, d: Pick<SyscallDef, 'module' | 'name' | 'strace' | 'classes' | 'params' | 'mayBlock'>): void => {
    const def: SyscallDef = { ...d, handler: () => 0 };
    const steps = def.params.map((_, i) => compileStep(def, i));
    const named = namedBytes(shapeOf(def), def, def.strace);
    const kinds = steps.map((x) => x.gen);
    const w: Writer = {
      steps: steps.map((x) => x.step), line: () => {}, needsArgs: false, resultShown: false, text: named.text, json: named.json, shown: true,
      fdFirst: def.params[0]?.kind === 'fd',
    };
    formatters[id] = { line: genLine(def, w, kinds, false, 'format') as unknown as (rv: DataView, o: number) => void, size: recordSize(kinds, format === 'jsonl') };
  };
  const expand = (src: Uint8Array, raw: (b: Uint8Array, from: number, to: number) => void): void => {
    const rv = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const len = src.length;
    let i = 0;
    while (i < len) {
      // Records come in runs (a loop of trivial calls): the next one is most often right here.
      let j = src[i] === REC_MARK ? i : indexOfMark(src, i);
      if (j < 0) j = len;
      if (j > i) raw(src, i, j);
      if (j >= len) break;
      if (src[j + 1] === REC_CALL) {
        const f = formatters[rv.getUint16(j + 2, true)]!;
        f.line(rv, j);
        i = j + f.size;
        continue;
      }
      const key = rv.getUint32(j + 4, true);
      const end = j + 12 + rv.getUint32(j + 8, true);
      const body = Buffer.from(src.buffer, src.byteOffset + j + 12, end - j - 12).toString('utf8');
      if (src[j + 1] === REC_DEF) defineFormatter(key, JSON.parse(body) as Parameters<typeof defineFormatter>[1]);
      else hostOfPid[key] = chunk(`,"host":${JSON.stringify(body)}`);
      i = end;
    }
  };
  /** A step called from a generated line writer: sep as the writer has it in, as the step left it out. */
  const stepAt = (step: Step, sepIn: number, p: Process, v: number, ok: boolean, n: number, json: boolean, args: readonly unknown[]): number => {
    sep = sepIn;
    step(p, v, ok, n, json, args);
    return sep;
  };
  const prefixFor = (pid: number): Chunk => (prefixBytes[pid] ??= ascii(prefixOf(pid)));
  const setLast = (r: number): void => {
    lastResult = r;
  };
  /**
   * A syscall's whole line as one function, made with new Function when the call is first traced: straight-line code
   * for its parameter kinds and this trace's format and options, the line's constant bytes as literal 32-bit stores,
   * ints, timespecs and clock names in place, one room check for all of that. What a line costs is mostly V8's
   * warm-up (host/trace/linebuf.ts): one function per call, calling few others, is optimised after far fewer lines
   * than a dozen small ones each waiting for its own, and TurboFan compiles it once instead of each piece again.
   * The other kinds go through their steps (compileStep), which print what putArg does.
   */
  const genLine = (def: SyscallDef, w: Writer, kinds: readonly GenKind[], generic: boolean, mode: 'direct' | 'format' = 'direct'): LineFn => {
    const json = format === 'jsonl';
    // 'format': the same line from a deferred record (recordedLine), on the thread that writes the file: the values
    // come from the record, which the recording thread made only for a call that returned 0 with every value in range.
    const fmt = mode === 'format';
    const env: Record<string, unknown> = {
      L, entries, lastText, ZERO, NO_ARGS, def, st, result, fillArgs, stepAt, prefixFor, hostBytes, setLast, lineTail, jnumAt, putUint, putSmallUint, putSecs,
      putBytes, stamp, write, pidSet, hostSet, fdSet, ZT: B.zeroTail, CB: json ? CLOCK_BYTES_J : CLOCK_BYTES, steps: w.steps, hostOfPid,
    };
    const code: string[] = [];
    const put = (line: string): void => {
      code.push(line);
    };
    /** The bytes of c at dv[n...], as literal stores, then n past them. */
    const putConst = (c: Chunk): void => {
      const len = c.length;
      if (len < 4) for (let k = 0; k < len; k++) put(`b[n + ${k}] = ${c[k]};`);
      else {
        const words = c.words;
        for (let k = 0; k < words.length - 1; k++) put(`dv.setInt32(n + ${4 * k}, ${words[k]}, true);`);
        put(`dv.setInt32(n + ${len - 4}, ${words[words.length - 1]}, true);`);
      }
      put(`n += ${len};`);
    };
    // Room for the line's head, every in-place argument and a zero tail.
    const room = HEAD_ROOM + TAIL_ROOM + w.text.length + w.json.length + kinds.length * 64;
    /** After a step wrote at L.n (and may have moved the line): the line's buffer and end again, with room. */
    const resync = (): void => put(`L.reserve(${room}); b = L.buf; dv = L.dv; n = L.n;`);
    const vals = ['a', 'b_', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    if (fmt) {
      put('const pid = rv.getUint32(o + 4, true), start = rv.getFloat64(o + 8, true), now = rv.getFloat64(o + 16, true);');
      if (json) put('const seq = rv.getFloat64(o + 24, true);');
      let q = json ? 32 : 24;
      kinds.forEach((kind, idx) => {
        const v = vals[idx]!;
        if (kind === 'timespec') {
          put(`const lo_${v} = rv.getUint32(o + ${q}, true), hi_${v} = rv.getUint32(o + ${q + 4}, true);`);
          q += 8;
        } else if (kind !== 'none') {
          put(`const ${v} = rv.getInt32(o + ${q}, true);`);
          q += 4;
        }
      });
      put('const r = 0, ok = true, res = ZERO, rn = 0, p = undefined, args = NO_ARGS;');
    } else {
      put('const pid = p.pid;');
      put('if (entries[pid] !== undefined) entries[pid] = undefined;');
    }
    if (fmt) {
      // The recording thread applied the filters.
    } else if (!w.shown || (fdSet !== undefined && !w.fdFirst)) {
      put('return;');
      return new Function(...Object.keys(env), `return function line(p) { ${code.join('\n')} };`)(...Object.values(env)) as LineFn;
    }
    if (!fmt) {
      if (pidSet !== undefined) put('if (!pidSet.has(pid)) return;');
      if (hostSet !== undefined) put('if (!hostSet.has(p.host)) return;');
      if (fdSet !== undefined) put('if (!fdSet.has(a)) return;');
      put('const ok = r === 0;');
      if (generic) put('setLast(r);');
      if (opts.failedOnly) put('if (ok) return;');
      if (opts.successfulOnly) put('if (!ok) return;');
      put('const now = p.kernel.clock.now();');
      put(`const args = ${w.needsArgs ? 'fillArgs(a, b_, c, d, e, f, g, h, i)' : 'NO_ARGS'};`);
      put(`const res = ${w.resultShown ? 'result(p, def, args, r, undefined)' : 'ok ? ZERO : result(p, def, args, r, undefined)'};`);
      put('const rn = ok ? res.n : 0;');
    }
    put('L.reset();');
    if (json) {
      put(fmt ? 'const host = hostOfPid[pid];' : 'const host = hostBytes(p.host);');
      put(`L.reserve(${room} + host.length);`);
      put('let b = L.buf, dv = L.dv, n = L.n;');
      putConst(B.seq);
      put(fmt ? 'n = putUint(dv, n, seq);' : 'n = putUint(dv, n, ++st.seq);');
      putConst(B.start);
      put('const at = n;');
      put('n = jnumAt(dv, n, start);');
      put('if (now === start) {');
      put('const len = n - at;');
      putConst(B.end);
      put('for (let k = 0; k < len; k++) b[n + k] = b[at + k];');
      put('n += len;');
      put('} else {');
      putConst(B.end);
      put('n = jnumAt(dv, n, now);');
      put('}');
      // ',"pid":N' and the host's bytes, then the call's fields to '"args":[' as literal stores: a copy into the
      // trace tail's shared memory with TypedArray.set costs more than writing the whole line.
      putConst(B.pid);
      put('n = putSmallUint(dv, n, pid);');
      put('n = putBytes(dv, n, host);');
      putConst(w.json);
    } else {
      if (!fmt) put('lastText[pid] = res.text;');
      const prefixed = opts.pids !== false && !opts.perProcess;
      if (prefixed) put('const prefix = prefixFor(pid);');
      put(`L.reserve(${room}${prefixed ? ' + prefix.length' : ''});`);
      put('let b = L.buf, dv = L.dv, n = L.n;');
      if (prefixed) put('n = putBytes(dv, n, prefix);');
      if (stampElapsed) {
        put('const at = putSecs(dv, n, now);');
        put(`if (at >= 0) { b[at] = 32; n = at + 1; } else { L.n = n; L.str(stamp(now)); L.reserve(${room}); b = L.buf; dv = L.dv; n = L.n; }`);
      } else if (!stampNone) {
        put('L.n = n;');
        put('L.str(stamp(now));');
        resync();
      }
      putConst(w.text);
    }
    /** 'first': no argument printed yet; 'after': one was; 'runtime': sp says. */
    let state: 'first' | 'after' | 'runtime' = 'first';
    const comma = (): void => {
      const text = json ? 'b[n++] = 44;' : 'b[n] = 44; b[n + 1] = 32; n += 2;';
      if (state === 'after') put(text);
      else if (state === 'runtime') put(`if (sp === 2) { ${text} }`);
      state = 'after';
    };
    const sepNow = (): string => (state === 'first' ? (json ? '1' : '0') : state === 'after' ? '2' : 'sp');
    put('let sp = 0;');
    kinds.forEach((kind, idx) => {
      const v = vals[idx]!;
      if (kind === 'none') return;
      if (kind === 'i32' || kind === 'u32') {
        comma();
        if (json) put('b[n++] = 34;');
        if (kind === 'i32') put(`{ const x = ${v} | 0; if (x < 0) { b[n++] = 45; n = putUint(dv, n, -x); } else n = putSmallUint(dv, n, x); }`);
        else put(`n = putUint(dv, n, ${v} >>> 0);`);
        if (json) put('b[n++] = 34;');
        return;
      }
      if (kind === 'clockid' && fmt) {
        comma();
        put(`n = putBytes(dv, n, CB[${v}]);`);
        return;
      }
      if (kind === 'clockid') {
        put(`if (${v} >= 0 && ${v} < CB.length) {`);
        const before = state;
        comma();
        put(`n = putBytes(dv, n, CB[${v}]);`);
        put('} else {');
        state = before;
        put(`L.n = n; sp = stepAt(steps[${idx}], ${sepNow()}, p, ${v}, ok, rn, ${json}, args);`);
        resync();
        put('}');
        state = 'after';
        return;
      }
      if (kind === 'timespec') {
        put('{');
        put('let done = false;');
        if (fmt) {
          put(`const lo = lo_${v}, hi = hi_${v};`);
          put('{ {');
        } else {
          put(`if (ok && ${v}) {`);
          put(`if (p.mem.valid(${v}, 8)) {`);
          put(`const lo = p.mem.u32(${v}), hi = p.mem.u32(${v} + 4);`);
        }
        put('if (hi < 0x200000) {');
        put('let sec, nsec;');
        put('if (hi === 0 && lo < 0x80000000) { sec = (lo / 1000000000) | 0; nsec = lo - sec * 1000000000; } else { const ns = hi * 4294967296 + lo; sec = Math.floor(ns / 1e9); nsec = ns - sec * 1e9; }');
        const before = state;
        comma();
        putConst(json ? B.tvSecJ : B.tvSec);
        put('n = putUint(dv, n, sec);');
        putConst(B.tvNsec);
        put('n = putSmallUint(dv, n, nsec);');
        put(json ? 'b[n] = 125; b[n + 1] = 34; n += 2;' : 'b[n++] = 125;');
        put('done = true;');
        put('}');
        put('}');
        put('}');
        state = before;
        put(`if (!done) { L.n = n; sp = stepAt(steps[${idx}], ${sepNow()}, p, ${v}, ok, rn, ${json}, args);`);
        resync();
        put('}');
        put('}');
        state = 'after';
        return;
      }
      put(`L.n = n; sp = stepAt(steps[${idx}], ${sepNow()}, p, ${v}, ok, rn, ${json}, args);`);
      resync();
      state = kind === 'always' ? 'after' : 'runtime';
    });
    // The end: a call that returned 0 in no virtual time with no mark in one piece, any other through lineTail.
    put(`if (ok && res === ZERO && now === start${def.library || (json && opts.wall) ? ' && false' : ''}) {`);
    if (json) {
      putConst(B.retZeroLine);
      put('b[n++] = 10;');
    } else {
      put('L.n = n;');
      put('const col = L.column() + 1;');
      put(`n = putBytes(dv, n, ZT[col < ${RESULT_COLUMN} ? ${RESULT_COLUMN} - col : 1]);`);
      put('b[n++] = 10;');
    }
    put('L.n = n;');
    put('} else {');
    put(`L.n = n; lineTail(def, r, ok, res.text, false, undefined, start, now, ${json});`);
    put('}');
    put('if (!L.end()) write(L.text(), pid);');
    const body = fmt ? `return function line(rv, o) {\n${code.join('\n')}\n};` : `return function line(p, r, start, a, b_, c, d, e, f, g, h, i) {\n${code.join('\n')}\n};`;
    return new Function(...Object.keys(env), body)(...Object.values(env)) as LineFn;
  };
  const writers = new WeakMap<SyscallDef, Writer | null>();
  let lastWriterDef: SyscallDef | undefined;
  let lastWriter: Writer | undefined;
  const writerOf = (def: SyscallDef): Writer | undefined => {
    if (def === lastWriterDef) return lastWriter;
    let w = writers.get(def);
    if (w === undefined) writers.set(def, (w = compileWriter(def)));
    lastWriterDef = def;
    lastWriter = w ?? undefined;
    return lastWriter;
  };
  const rawArgs: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  const fillArgs = (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): readonly unknown[] => {
    const x = rawArgs;
    x[0] = a;
    x[1] = b;
    x[2] = c;
    x[3] = d;
    x[4] = e;
    x[5] = f;
    x[6] = g;
    x[7] = h;
    x[8] = i;
    return x;
  };
  /** shown(), for a call with a compiled writer. */
  const shownRaw = (p: Process, w: Writer, a: number): boolean =>
    w.shown && (pidSet === undefined || pidSet.has(p.pid)) && (hostSet === undefined || hostSet.has(p.host)) && (fdSet === undefined || (w.fdFirst && fdSet.has(a)));

  const self: TextTracer & { onSyscallRaw: NonNullable<RawSyscallHooks['onSyscallRaw']> } = {
    onEnter(p, def, args) {
      if (!shown(p, def, args)) return;
      const sh = shapeOf(def);
      if (sh.pure) {
        entries[p.pid] = PURE_ENTRY;
        return;
      }
      const before = sh.before ? new Map<number, number>() : NO_BEFORE;
      if (sh.before) {
        def.params.forEach((x, i) => {
          const v = args[i] as number;
          try {
            if (x.kind === 'socklen_inout' && v) before.set(i, p.mem.i32(v));
            if (x.kind === 'loff_inout' && v) before.set(i, Number(p.mem.i64(v)));
            if (x.kind === 'msghdr_out' && v) before.set(i, p.mem.u32(v + 4));
            // SIOCGIFCONF's ifc_len in and out: {ifc_len=3200 => 64, ...}.
            if (x.kind === 'ioctl_arg' && v && (args[i - 1] as number) >>> 0 === IOCTL.SIOCGIFCONF) before.set(i, p.mem.i32(v));
            // recvmmsg writes the time left over its timeout: strace prints the timeout it read on entering.
            if (x.kind === 'mmsg_timeout' && v) {
              before.set(i, Number(p.mem.i64(v)));
              before.set(-1 - i, p.mem.i32(v + 8));
            }
          } catch {
            /* a bad pointer: the call fails with EFAULT */
          }
        });
      }
      const text: (string | undefined)[] = [];
      for (let i = 0; i < sh.split; i++) text.push(arg(p, def, args, i, false, 0));
      entries[p.pid] = { text, before };
    },
    onSuspend(p, def, args) {
      if (!shown(p, def, args)) return;
      if (format !== 'text' || pending.has(p.pid)) return;
      const e = entries[p.pid];
      const name = callName(p, def, args);
      if (acceptDecodedAtEntry(def, args)) {
        // strace's do_accept: without both an address and a length to read, it prints every argument at entry.
        const all = join(def.params.map((_x, i) => arg(p, def, args, i, false, 0, e === PURE_ENTRY ? undefined : e)));
        pending.set(p.pid, { text: `${prefixOf(p.pid)}${stamp(p.callStart)}${name}(${all} <unfinished ...>\n`, shown: false, name, decoded: true });
        return;
      }
      const text = join(e === PURE_ENTRY ? Array.from({ length: splitAt(def) }, (_, i) => arg(p, def, args, i, false, 0)) : e?.text ?? []);
      const at = splitAt(def);
      if (def.params[at]?.kind === 'loff_inout' && e !== PURE_ENTRY) {
        // strace's sendfile: the offset it read ([0]) at entry; a NULL or unreadable one with the count, decoded whole.
        const was = e?.before.get(at);
        const whole = args[at] === 0 || was === undefined;
        const head = `${text}, ${arg(p, def, args, at, false, 0, e)}${whole ? `, ${arg(p, def, args, at + 1, false, 0, e)}` : ''}`;
        pending.set(p.pid, { text: `${prefixOf(p.pid)}${stamp(p.callStart)}${name}(${head} <unfinished ...>\n`, shown: false, name, decoded: whole, loff: !whole });
        return;
      }
      const more = splitAt(def) < def.params.length && def.params.slice(splitAt(def)).some((x, k) => arg(p, def, args, splitAt(def) + k, false, 0, e) !== undefined);
      pending.set(p.pid, { text: `${prefixOf(p.pid)}${stamp(p.callStart)}${name}(${text}${more ? (text ? ',  ' : ' ') : ' '}<unfinished ...>\n`, shown: false, name });
    },
    onRestart(p, def, args) {
      // A JSONL trace records the restarted call as the call it is.
      if (format !== 'text' || !shown(p, def, args)) return;
      const name = callName(p, def, args);
      restarting[p.pid] = name;
      pending.set(p.pid, { text: `${prefixOf(p.pid)}${stamp(p.callStart)}restart_syscall(<... resuming interrupted ${name} ...> <unfinished ...>\n`, shown: false, name: 'restart_syscall' });
    },
    onSyscall(p, def, args, r, start) {
      // The injector marks the call it changed; clear the mark even for calls this trace does not show.
      const injected = p.injected === true;
      if (p.injected !== undefined) p.injected = undefined;
      // A handler's explanation of its result (a policy refusal, something --net=real cannot do).
      const note = p.note;
      if (note !== undefined) p.note = undefined;
      const entry = entries[p.pid];
      if (entry !== undefined) entries[p.pid] = undefined;
      if (!shown(p, def, args)) return;
      const ok = r === 0;
      lastResult = r;
      const u = pending.size ? pending.get(p.pid) : undefined;
      if (u !== undefined) pending.delete(p.pid);
      const resumes = restarting[p.pid];
      if (resumes !== undefined) restarting[p.pid] = undefined;
      if ((opts.failedOnly && ok) || (opts.successfulOnly && !ok)) {
        // strace -Z/-z: an <unfinished ...> line already printed is closed all the same.
        if (!u?.shown) return;
      }
      const now = p.kernel.clock.now();
      const res = result(p, def, args, r, entry);
      const n = ok ? res.n : 0;
      const split = splitAt(def);
      const name = resumes !== undefined ? 'restart_syscall' : callName(p, def, args);
      if (opts.summary) {
        for (const m of [stats, perPid.get(p.pid) ?? perPid.set(p.pid, new Map()).get(p.pid)!]) {
          const st = m.get(name) ?? { calls: 0, errors: 0, ns: 0 };
          st.calls++;
          if (!ok) st.errors++;
          st.ns += now - start;
          m.set(name, st);
        }
      }
      if (resumes !== undefined) {
        // strace's restart_syscall: no arguments, the result undecoded.
        unfinishedBefore(p.pid);
        L.reset();
        lineHeadText(p, now, undefined);
        L.str(u?.shown ? '<... restart_syscall resumed>' : `restart_syscall(<... resuming interrupted ${resumes} ...>`);
        lastText[p.pid] = res.text;
        lineTail(def, r, ok, ok ? String(res.n) : res.text, injected, note, start, now, false);
        emitLine(p.pid);
        return;
      }
      const json = format === 'jsonl';
      const named = namedBytes(shapeOf(def), def, name);
      unfinishedBefore(p.pid);
      L.reset();
      if (json) lineHeadJson(p, start, now, named.json);
      else {
        lastText[p.pid] = res.text;
        lineHeadText(p, now, u?.shown ? undefined : named.text);
        if (u?.shown) {
          L.bytes(B.resumedOpen);
          L.str(name);
          L.bytes(B.resumed);
        }
      }
      sep = json ? 1 : 0;
      if (!u?.shown || json) {
        // fork() is clone(2) with glibc's arguments; the child tid pointer is where fork's result goes.
        if (def.strace === 'clone') for (const x of cloneArgs(args)) putText(x, json);
        else if (entry !== undefined && entry !== PURE_ENTRY) for (const x of entry.text) putText(x, json);
        else for (let i = 0; i < split; i++) putArg(p, def, args, i, entry ? false : ok, entry ? 0 : n, entry, json);
      }
      // An accept whose arguments its <unfinished ...> line printed resumes with none of them.
      if (u?.shown && u.loff && !json) {
        // strace's sendfile resumed: " => [new]" when it moved bytes, then the count.
        if (ok && n !== 0) L.str(` => [${BigInt.asUintN(64, p.mem.i64(args[split] as number))}]`);
        sep = 2;
        for (let i = split + 1; i < def.params.length; i++) putArg(p, def, args, i, ok, n, entry, json);
      } else if (!(u?.shown && u.decoded) || json) for (let i = split; i < def.params.length; i++) putArg(p, def, args, i, ok, n, entry, json);
      lineTail(def, r, ok, res.text, injected, note, start, now, json);
      emitLine(p.pid);
    },
    onEnterRaw(p, def, a, b, c, d, e, f, g, h, i) {
      // A call that cannot block notes nothing at entry when it has a compiled writer (a pure shape): no lookup for it.
      if (!def.mayBlock && def === lastWriterDef && lastWriter !== undefined) return;
      const w = writerOf(def);
      if (w === undefined) {
        this.onEnter!(p, def, argList(def, a, b, c, d, e, f, g, h, i));
        return;
      }
      // A pure shape notes nothing at entry: its arguments are printed from their values when it returns
      // (the mark is for onSuspend, which only a call that may block reaches).
      if (def.mayBlock && shownRaw(p, w, a)) entries[p.pid] = PURE_ENTRY;
    },
    fastRecorder(def) {
      // Only a deferred trace makes recorders (deferOK: not with --summary, -Z, -tt...).
      return writerOf(def)?.rec;
    },
    onSyscallRaw(p, def, r, start, a, b, c, d, e, f, g, h, i) {
      const w = writerOf(def);
      // What the compiled writer leaves to the general path: a shape that is not pure, an injected or explained result, a call left unfinished, --summary.
      if (w === undefined || p.injected !== undefined || p.note !== undefined || pending.size !== 0 || opts.summary) {
        this.onSyscall(p, def, argList(def, a, b, c, d, e, f, g, h, i), r, start);
        return;
      }
      w.line(p, r, start, a, b, c, d, e, f, g, h, i);
    },
    onSignal(p, sig, info) {
      if ((pidSet && !pidSet.has(p.pid)) || (hostSet && !hostSet.has(p.host))) return;
      if (format === 'jsonl') {
        emit(p.pid, `${JSON.stringify({ v: 1, seq: ++st.seq, end: p.kernel.clock.now(), pid: p.pid, host: p.host, signal: signalEvent(sig, info) })}\n`);
        return;
      }
      const u = pending.get(p.pid);
      if (u && !u.shown) {
        write(u.text, p.pid);
        u.shown = true;
      }
      // What the code the handler interrupts sees in its result register once rt_sigreturn puts it back.
      (frames.get(p.pid) ?? frames.set(p.pid, []).get(p.pid)!).push(lastText[p.pid] ?? '0');
      emit(p.pid, `${prefixOf(p.pid)}${stamp(p.kernel.clock.now())}--- ${sig} ${siginfoText(sig, info)} ---\n`);
    },
    onSigreturn(p, mask, how, def) {
      // strace's line for the return from a handler: the mask put back, and what the interrupted code sees in its result register.
      if (format !== 'text' || !shown(p, SIGRETURN_DEF, [])) return;
      const before = frames.get(p.pid)?.pop() ?? '0';
      const ret = how === 'eintr' ? '-1 EINTR (Interrupted system call)' : how === 'restart' ? String((def && X86_64_NR[def.strace]) ?? '?') : before;
      lastText[p.pid] = ret;
      emit(p.pid, `${tab(`${prefixOf(p.pid)}${stamp(p.kernel.clock.now())}rt_sigreturn({mask=${sigsetText(mask)}})`)}${ret}\n`);
    },
    onExit(p) {
      if ((pidSet && !pidSet.has(p.pid)) || (hostSet && !hostSet.has(p.host))) return;
      const e = p.exit;
      const u = pending.get(p.pid);
      if (u !== undefined && e?.signal === 'SIGKILL') {
        // Killed (SIGKILL) in a call that never returned: strace ends its line with "= ?", on a "resumed" line if
        // it was cut. (Another fatal signal interrupts the call first, Process.traceInterruptedCall: "= ? ERESTARTSYS",
        // then the signal's line, so no call is left open here.)
        pending.delete(p.pid);
        emit(p.pid, u.shown ? `${prefixOf(p.pid)}${stamp(p.kernel.clock.now())}<... ${u.name} resumed> <unfinished ...>) = ?\n` : `${u.text.slice(0, -1)}) = ?\n`);
      }
      pending.delete(p.pid);
      frames.delete(p.pid);
      lastText[p.pid] = undefined;
      restarting[p.pid] = undefined;
      if (format === 'jsonl') {
        emit(p.pid, `${JSON.stringify({ v: 1, seq: ++st.seq, end: p.kernel.clock.now(), pid: p.pid, host: p.host, exit: e?.signal ? { signal: e.signal } : { code: e?.code ?? 0 } })}\n`);
      } else {
        const t = stamp(p.kernel.clock.now());
        emit(p.pid, e?.signal ? `${prefixOf(p.pid)}${t}+++ killed by ${e.signal} +++\n` : `${prefixOf(p.pid)}${t}+++ exited with ${e?.code ?? 0} +++\n`);
      }
    },
    expand,
    finish() {
      if (!opts.summary) return;
      const write1 = opts.summaryOut ?? ((text: string): void => write(text));
      // With several processes: one table each, then the whole run (strace -c -f gives only the last).
      if (perPid.size > 1) for (const [pid, m] of [...perPid].sort((a, b) => a[0] - b[0])) write1(`pid ${pid}:\n${summaryTable(m)}\n`);
      if (perPid.size > 1) write1('all processes:\n');
      write1(summaryTable(stats));
    },
  };
  return self;
}

function cloneArgs(args: readonly unknown[]): string[] {
  return ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', `child_tidptr=0x${((args[0] as number) >>> 0).toString(16)}`];
}
const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SIGNALS).map(([k, v]) => [v, k]));

/** The restart codes an interrupted call reports (host/kernel/signals.ts), by code. */
const RESTART_TEXT = new Map<number, { name: string; text: string }>(Object.entries(RESTART_CODES).map(([name, c]) => [c.code, { name, text: c.text }]));
/** rt_sigreturn is no import: a stand-in for trace filters (class signal). */
const SIGRETURN_DEF: SyscallDef = { module: 'socklab', name: 'rt_sigreturn', strace: 'rt_sigreturn', classes: ['signal'], params: [], mayBlock: false, handler: () => 0 };
/** x86_64 syscall numbers: what rt_sigreturn returns to a call the kernel restarts (strace shows it). */
const X86_64_NR: Readonly<Record<string, number>> = {
  read: 0, write: 1, readv: 19, writev: 20, accept: 43, accept4: 288, connect: 42, sendto: 44, recvfrom: 45, sendmsg: 46, recvmsg: 47, sendmmsg: 307, recvmmsg: 299, wait4: 61, flock: 73, fsync: 74, openat: 257,
};

/** A sigset as strace prints it: [INT TERM], or ~[...] for the complement of a set with more than half the signals. */
export function sigsetText(set: bigint): string {
  const names = (want: boolean): string[] => {
    const out: string[] = [];
    for (let sig = 1; sig <= 64; sig++) if ((((set >> BigInt(sig - 1)) & 1n) === 1n) === want) out.push(signalName(sig).replace(/^SIG/, ''));
    return out;
  };
  let n = 0;
  for (let v = set; v; v &= v - 1n) n++;
  return n > 32 ? `~[${names(false).join(' ')}]` : `[${names(true).join(' ')}]`;
}
const SA_FLAGS: readonly [string, number][] = [
  ['SA_RESTORER', 0x04000000], ['SA_ONSTACK', 0x08000000], ['SA_RESTART', 0x10000000], ['SA_NODEFER', 0x40000000], ['SA_RESETHAND', 0x80000000],
  ['SA_SIGINFO', 4], ['SA_NOCLDSTOP', 1], ['SA_NOCLDWAIT', 2],
];
/** The SDK's struct socklab_ksigaction (kind, handler, flags, restorer, mask) as strace prints a struct sigaction. */
function sigactionText(mem: GuestMemory, v: number): string {
  const kind = mem.u32(v), handler = mem.u32(v + 4), flags = mem.u32(v + 8), restorer = mem.u32(v + 12), mask = mem.u64(v + 16);
  const h = kind === 0 ? 'SIG_DFL' : kind === 1 ? 'SIG_IGN' : `0x${handler.toString(16)}`;
  let rest = flags;
  const names: string[] = [];
  for (const [name, bit] of SA_FLAGS) if ((flags & bit) >>> 0 === bit) { names.push(name); rest = (rest & ~bit) >>> 0; }
  if (rest) names.push(`0x${rest.toString(16)}`);
  const f = names.length ? names.join('|') : '0';
  return `{sa_handler=${h}, sa_mask=${sigsetText(mask)}, sa_flags=${f}${flags & 0x04000000 ? `, sa_restorer=0x${restorer.toString(16)}` : ''}}`;
}
/** struct socklab_itimer (value_ns, interval_ns) as struct itimerval. */
function itimervalText(mem: GuestMemory, v: number): string {
  const tv = (ns: bigint): string => `{tv_sec=${ns / 1_000_000_000n}, tv_usec=${(ns % 1_000_000_000n) / 1000n}}`;
  return `{it_interval=${tv(mem.u64(v + 8))}, it_value=${tv(mem.u64(v))}}`;
}
const SI_CODES: Readonly<Record<number, string>> = { [SI_USER]: 'SI_USER', [SI_KERNEL]: 'SI_KERNEL', [SI_TKILL]: 'SI_TKILL', [SI_SIGIO]: 'SI_SIGIO' };
const POLL_CODES: Readonly<Record<number, string>> = { 1: 'POLL_IN', 2: 'POLL_OUT', 3: 'POLL_MSG', 4: 'POLL_ERR', 5: 'POLL_PRI', 6: 'POLL_HUP' };
const CLD_CODES: Readonly<Record<number, string>> = { [CLD_EXITED]: 'CLD_EXITED', [CLD_KILLED]: 'CLD_KILLED', [CLD_DUMPED]: 'CLD_DUMPED' };
const codeName = (sig: string, info: SigInfo): string => (sig === 'SIGCHLD' && CLD_CODES[info.code]) || (info.band !== undefined && POLL_CODES[info.code]) || SI_CODES[info.code] || String(info.code);
/** The SDK's siginfo_t that rt_sigtimedwait filled (sigcalls.ts writeSiginfo), as strace prints Linux's. */
function siginfoAt(mem: { u32(p: number): number; i32(p: number): number }, v: number): string {
  const signo = mem.u32(v);
  const code = mem.i32(v + 8);
  const sig = signalName(signo);
  const info: SigInfo = { signo, code, pid: mem.i32(v + 12), uid: mem.u32(v + 16), status: mem.i32(v + 20) };
  // Signal-driven I/O's siginfo (a POLL_* code from F_SETSIG): si_band and si_fd.
  if (sig !== 'SIGCHLD' && code > 0 && code < SI_KERNEL && POLL_CODES[code]) Object.assign(info, { band: mem.i32(v + 28), fd: mem.i32(v + 36) });
  return siginfoText(sig, info);
}
/** A delivered signal's siginfo as strace prints it (a signal from outside the run: SI_USER from pid 0). */
function siginfoText(sig: string, info: SigInfo | undefined): string {
  if (!info) return `{si_signo=${sig}, si_code=SI_USER, si_pid=0, si_uid=0}`;
  const code = codeName(sig, info);
  if (sig === 'SIGCHLD' && CLD_CODES[info.code]) {
    const status = info.code === CLD_EXITED ? String(info.status ?? 0) : signalName(info.status ?? 0);
    return `{si_signo=${sig}, si_code=${code}, si_pid=${info.pid}, si_uid=${info.uid}, si_status=${status}, si_utime=0, si_stime=0}`;
  }
  if (info.code === SI_KERNEL) return `{si_signo=${sig}, si_code=${code}}`;
  if (info.band !== undefined) {
    // F_SETSIG's siginfo: strace names POLL_* only for SIGIO; for another signal it reads the union as kill's fields (x86-64 layout).
    if (sig === 'SIGIO' && POLL_CODES[info.code]) return `{si_signo=${sig}, si_code=${POLL_CODES[info.code]}, si_band=${info.band}, si_fd=${info.fd}}`;
    const c = info.code < 0 ? SI_CODES[info.code] ?? String(info.code) : `0x${info.code.toString(16)}`;
    return `{si_signo=${sig}, si_code=${c}, si_pid=${info.band}, si_uid=0, si_int=${info.fd}, si_ptr=0x${(info.fd ?? 0).toString(16)}}`;
  }
  return `{si_signo=${sig}, si_code=${code}, si_pid=${info.pid}, si_uid=${info.uid}}`;
}
/** The JSONL record of a delivered signal (docs/trace-format.md). */
function signalEvent(sig: string, info: SigInfo | undefined): Record<string, string | number> {
  if (!info) return { signo: sig, code: 'SI_USER', pid: 0 };
  const ev: Record<string, string | number> = { signo: sig, code: codeName(sig, info) };
  if (info.band !== undefined) {
    ev['band'] = info.band;
    ev['fd'] = info.fd ?? -1;
  } else if (info.code !== SI_KERNEL) ev['pid'] = info.pid;
  if (sig === 'SIGCHLD' && CLD_CODES[info.code]) ev['status'] = info.code === CLD_EXITED ? info.status ?? 0 : signalName(info.status ?? 0);
  return ev;
}

/** strace -c's table: time share, seconds, usecs/call, calls, errors, syscall. */
export function summaryTable(stats: Map<string, { calls: number; errors: number; ns: number }>): string {
  const rows = [...stats].sort((a, b) => b[1].ns - a[1].ns || b[1].calls - a[1].calls || a[0].localeCompare(b[0]));
  const total = rows.reduce((a, [, s]) => a + s.ns, 0);
  const calls = rows.reduce((a, [, s]) => a + s.calls, 0);
  const errors = rows.reduce((a, [, s]) => a + s.errors, 0);
  const line = (pct: string, secs: string, per: string, c: string, e: string, name: string): string =>
    `${pct.padStart(6)} ${secs.padStart(11)} ${per.padStart(11)} ${c.padStart(9)} ${e.padStart(9)} ${name}\n`;
  let out = line('% time', 'seconds', 'usecs/call', 'calls', 'errors', 'syscall');
  out += '------ ----------- ----------- --------- --------- ----------------\n';
  for (const [name, s] of rows) {
    out += line(total ? ((100 * s.ns) / total).toFixed(2) : '0.00', (s.ns / 1e9).toFixed(6), Math.round(s.ns / 1e3 / s.calls).toString(), String(s.calls), s.errors ? String(s.errors) : '', name);
  }
  out += '------ ----------- ----------- --------- --------- ----------------\n';
  out += line('100.00', (total / 1e9).toFixed(6), calls ? Math.round(total / 1e3 / calls).toString() : '0', String(calls), errors ? String(errors) : '', 'total');
  return out;
}
