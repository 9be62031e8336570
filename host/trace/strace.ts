// strace-style text for every completed syscall, from the kernel's observer
// hook: `[pid 2] 0.001200 connect(3<TCP:[10.0.0.2:49152]>, {sa_family=AF_INET,
// sin_port=htons(8080), sin_addr=inet_addr("10.0.0.1")}, 16) = -1 ECONNREFUSED
// (Connection refused) <0.000310>`. Times are the run's clock (virtual by
// default), so the same seed gives the same trace, byte for byte.
import { errnoByWasi } from '../abi/errno.js';
import { VIRTUAL_EPOCH_NS } from '../kernel/clock.js';
import { SIGNALS } from '../kernel/signals.js';
import { F as FCNTL, FD_CLOEXEC, O as LINUX_O } from '../kernel/fdcalls.js';
import type { GuestMemory } from '../abi/memory.js';
import type { SyscallObserver } from '../kernel/kernel.js';
import type { Process } from '../kernel/process.js';
import { OUT_KINDS, type ParamKind, type SyscallDef } from '../kernel/syscall.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDHUP, POLLRDNORM, POLLWRNORM } from '../kernel/file.js';
import { AF, AI, EAI, IOCTL, IPPROTO, IPV6_OPT, IP_OPT, MSG, NI, SHUT, SO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOL, TCP_OPT, flagNames, nameOf, sockTypeName } from '../net/addr/constants.js';
import { readSockaddr, type Addr } from '../net/addr/sockaddr.js';

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
  /** Append strace -c's table when the run ends. */
  summary?: boolean;
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
}

/** Out-pointers whose value is what strace prints as the result. */
const RET_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>(['ret', 'ret_fd', 'ret_u64']);
/** strace prints " = " from this column on (its -a default). */
const RESULT_COLUMN = 40;
/** clockid_t names: WASI's clock ids are Linux's. */
const CLOCK = { CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_PROCESS_CPUTIME_ID: 2, CLOCK_THREAD_CPUTIME_ID: 3 } as const;
const POLL = { POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM, POLLRDHUP } as const;
/** WASI fdflags as the Linux open flags fcntl(F_GETFL/F_SETFL) takes. */
const FDFLAG_TO_O: readonly [number, number][] = [[1, 0x400], [2, 0x1000], [4, 0x800], [8, 0x101000], [16, 0x101000]];
const O = { O_APPEND: 0x400, O_NONBLOCK: 0x800, O_SYNC: 0x101000, O_DSYNC: 0x1000 } as const;
const O_RDWR = 2;
/** gai_strerror's texts (glibc). */
const EAI_TEXT: Readonly<Record<string, string>> = {
  EAI_BADFLAGS: 'Bad value for ai_flags', EAI_NONAME: 'Name or service not known', EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution', EAI_NODATA: 'No address associated with hostname', EAI_FAMILY: 'ai_family not supported',
  EAI_SOCKTYPE: 'ai_socktype not supported', EAI_SERVICE: 'Servname not supported for ai_socktype', EAI_ADDRFAMILY: 'Address family for hostname not supported',
  EAI_MEMORY: 'Memory allocation failure', EAI_SYSTEM: 'System error', EAI_OVERFLOW: 'Argument buffer overflow',
};
const OPTNAMES: Readonly<Record<number, Readonly<Record<string, number>>>> = { [SOL.SOL_SOCKET]: SO, [IPPROTO.IPPROTO_TCP]: TCP_OPT, [IPPROTO.IPPROTO_IP]: IP_OPT, [IPPROTO.IPPROTO_IPV6]: IPV6_OPT };

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
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\${c.toString(8)}`;
  }
  return `${s}"${b.length > max ? '...' : ''}`;
}

function fmtSockaddr(a: Addr): string {
  if (a.family === 4) return `{sa_family=AF_INET, sin_port=htons(${a.port}), sin_addr=inet_addr("${a.ip}")}`;
  if (a.family === 6) return `{sa_family=AF_INET6, sin6_port=htons(${a.port}), sin6_flowinfo=htonl(${a.flowinfo ?? 0}), inet_pton(AF_INET6, "${a.ip}", &sin6_addr), sin6_scope_id=${a.scope ?? 0}}`;
  if (a.family === 'unix') return `{sa_family=AF_UNIX, sun_path=${a.abstract ? '@' : ''}"${a.path}"}`;
  return '{sa_family=AF_UNSPEC}';
}

function sockaddrAt(mem: GuestMemory, ptr: number, len: number): string {
  if (!ptr) return 'NULL';
  try {
    return fmtSockaddr(readSockaddr(mem, ptr, len));
  } catch {
    return hexp(ptr);
  }
}

const hexp = (v: number): string => (v ? `0x${(v >>> 0).toString(16)}` : 'NULL');
const wasiToOpen = (f: number): number => FDFLAG_TO_O.reduce((a, [w, o]) => (f & w ? a | o : a), 0);
const nsToTimespec = (ns: bigint): string => `{tv_sec=${ns / 1_000_000_000n}, tv_nsec=${ns % 1_000_000_000n}}`;

/** What onEnter saw: the text of the arguments strace prints on entering, and in/out values before the call. */
interface Entry {
  text: (string | undefined)[];
  before: Map<number, number>;
}

export function createTextTracer(write: (line: string, pid?: number) => void, opts: TextTraceOptions = {}): SyscallObserver & { finish(): void } {
  const max = opts.strSize ?? 32;
  const q = (b: Uint8Array, m: number): string => quote(b, m, opts.hex ?? 'none');
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
  const seen = new Set<number>();
  /** strace -yy: a socket fd with its protocol and addresses. */
  const fdText = (p: Process, fd: number): string => {
    if (!p.fds.has(fd)) return String(fd);
    const f = p.fds.file(fd);
    return f.isSocket ? `${fd}<${f.describe()}>` : String(fd);
  };
  const kindIndex = (def: SyscallDef, kind: ParamKind): number => def.params.findIndex((x) => x.kind === kind);
  /** poll_oneoff with one clock subscription alone is sleep(): strace shows clock_nanosleep. */
  const sleepOf = (p: Process, def: SyscallDef, args: readonly unknown[]): { id: number; ns: bigint; abs: boolean } | undefined => {
    const i = kindIndex(def, 'subscriptions');
    const c = kindIndex(def, 'subcount');
    if (i < 0 || c < 0 || args[c] !== 1) return undefined;
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
  const splitAt = (def: SyscallDef): number => {
    const i = def.params.findIndex((x) => OUT_KINDS.has(x.kind));
    return i < 0 ? def.params.length : i;
  };
  const sockoptVal = (p: Process, level: number, name: number, v: number, len: number): string => {
    if (!v) return 'NULL';
    const mem = p.mem;
    if (level === SOL.SOL_SOCKET && (name === SO.SO_RCVTIMEO || name === SO.SO_SNDTIMEO) && len >= 16) return `{tv_sec=${mem.i64(v)}, tv_usec=${mem.i64(v + 8)}}`;
    if (level === SOL.SOL_SOCKET && name === SO.SO_LINGER) return len >= 8 ? `{l_onoff=${mem.i32(v)}, l_linger=${mem.i32(v + 4)}}` : hexp(v);
    if (len >= 4) return `[${mem.i32(v)}]`;
    return q(mem.view(v, Math.min(Math.max(len, 0), max + 1)), max);
  };
  const iovText = (p: Process, ptr: number, cnt: number, limit: number): string => {
    let left = limit;
    const parts = p.mem.iovecs(ptr, cnt).map((b) => {
      const part = b.subarray(0, Math.max(0, Math.min(b.length, left)));
      left -= part.length;
      return `{iov_base=${q(part.subarray(0, max + 1), max)}, iov_len=${b.length}}`;
    });
    return `[${parts.join(', ')}]`;
  };
  /** struct msghdr (wasm32): name, namelen, iov, iovlen, control, controllen, flags. */
  const msghdrText = (p: Process, v: number, limit: number, namelenBefore?: number, written = false): string => {
    const m = p.mem;
    const name = m.u32(v), namelen = m.u32(v + 4), iov = m.u32(v + 8), iovlen = m.i32(v + 12), control = m.u32(v + 16), controllen = m.u32(v + 20), flags = m.i32(v + 24);
    const nl = namelenBefore !== undefined && namelenBefore !== namelen ? `${namelenBefore} => ${namelen}` : String(namelen);
    const nameText = name ? (namelen ? sockaddrAt(m, name, namelen) : hexp(name)) : 'NULL';
    let ctl = '';
    if (controllen) {
      const cmsgs: string[] = [];
      for (let o = 0; o + 12 <= controllen && cmsgs.length < 16;) {
        const len = m.u32(control + o);
        const level = m.i32(control + o + 4), type = m.i32(control + o + 8);
        if (len < 12) break;
        cmsgs.push(`{cmsg_len=${len}, cmsg_level=${nameOf(SOL, level)}, cmsg_type=${type === 1 && level === SOL.SOL_SOCKET ? 'SCM_RIGHTS' : type}}`);
        o += (len + 3) & ~3;
      }
      ctl = `msg_control=[${cmsgs.join(', ')}], `;
    }
    return `{msg_name=${nameText}, msg_namelen=${nl}, msg_iov=${iovText(p, iov, iovlen, limit)}, msg_iovlen=${iovlen}, ${ctl}msg_controllen=${controllen}, msg_flags=${written ? flagNames(MSG, flags) : flags}}`;
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
      recs.push(`{ai_flags=${flagNames(AI, m.i32(o))}, ai_family=${nameOf(AF, fam)}, ai_socktype=${nameOf(SOCK, m.i32(o + 8))}, ai_protocol=${nameOf(IPPROTO, m.i32(o + 12))}, ai_addrlen=${m.i32(o + 16)}, ai_addr=${sockaddrAt(m, o + 20, m.i32(o + 16))}${canon}}`);
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
      switch (kind) {
        case 'skip': case 'skip64': case 'strlen': case 'ret': case 'ret_fd': case 'ret_u64': case 'ai_count': return undefined;
        case 'i32': return String(v | 0);
        case 'u32': case 'len': case 'iovcnt': return String(v >>> 0);
        case 'i64': case 'u64': return String(v);
        case 'ptr': return hexp(v);
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
        case 'fcntl_cmd': return nameOf(FCNTL, v);
        case 'fcntl_arg': {
          const cmd = args[kindIndex(def, 'fcntl_cmd')] as number;
          // strace prints no third argument for the F_GET* commands.
          if (cmd === FCNTL.F_GETFD || cmd === FCNTL.F_GETFL) return undefined;
          if (cmd === FCNTL.F_SETFL) return flagNames({ O_APPEND: LINUX_O.O_APPEND, O_NONBLOCK: LINUX_O.O_NONBLOCK }, v);
          if (cmd === FCNTL.F_SETFD) return v === FD_CLOEXEC ? 'FD_CLOEXEC' : String(v);
          return String(v);
        }
        case 'fcntl_ret': return undefined;
        // strace: ioctl(3, FIONREAD, [5]); an unknown request in hex with the pointer.
        case 'ioctl_req': return Object.values(IOCTL).includes((v >>> 0) as never) ? nameOf(IOCTL, v >>> 0) : `0x${(v >>> 0).toString(16)}`;
        case 'ioctl_arg': {
          const req = (args[kindIndex(def, 'ioctl_req')] as number) >>> 0;
          const known = req === IOCTL.FIONBIO || ((req === IOCTL.FIONREAD || req === IOCTL.TIOCOUTQ || req === IOCTL.SIOCATMARK) && ok);
          return known && v ? `[${mem.i32(v)}]` : hexp(v);
        }
        case 'newfd': return fdText(p, v);
        case 'fd_pair_out': return ok && v ? `[${fdText(p, mem.i32(v))}, ${fdText(p, mem.i32(v + 4))}]` : hexp(v);
        case 'buf': return v ? q(mem.view(v, Math.min(next >>> 0, max + 1)), max) : 'NULL';
        case 'buf_out': return ok && v ? q(mem.view(v, Math.min(Math.max(n, 0), max + 1)), max) : hexp(v);
        case 'iovs': return iovText(p, v, next, Infinity);
        case 'iovs_out': return ok ? iovText(p, v, next, n) : hexp(v);
        case 'str': return q(mem.view(v, Math.min(next, 4096)), max);
        case 'cstr': return v ? q(Buffer.from(mem.cstring(v, 1024)), max) : 'NULL';
        case 'cstr_out': return ok && v ? q(Buffer.from(mem.cstring(v, 1024)), max) : hexp(v);
        case 'family': return nameOf(AF, v);
        case 'socktype': return sockTypeName(v);
        // strace names the protocol only for IP sockets: socket(AF_UNIX, SOCK_STREAM, 0).
        case 'protocol': return args[kindIndex(def, 'family')] === AF.AF_UNIX ? String(v) : nameOf(IPPROTO, v);
        case 'accept_flags': return flagNames({ SOCK_NONBLOCK, SOCK_CLOEXEC }, v);
        case 'msg_flags': return flagNames(MSG, v);
        case 'shut_how': return nameOf(SHUT, v);
        case 'sockaddr': return sockaddrAt(mem, v, next);
        case 'sockaddr_out': {
          if (!ok || !v) return hexp(v);
          const lenPtr = args[i + 1] as number;
          const out = lenPtr ? mem.u32(lenPtr) : 0;
          const inLen = entry?.before.get(i + 1) ?? out;
          return sockaddrAt(mem, v, Math.min(out, inLen));
        }
        case 'socklen_inout': {
          if (!v) return 'NULL';
          const now = mem.i32(v);
          const was = before ?? now;
          return !ok || was === now ? `[${ok ? now : was}]` : `[${was} => ${now}]`;
        }
        case 'msghdr': return v ? msghdrText(p, v, Infinity) : 'NULL';
        case 'msghdr_out': return ok && v ? msghdrText(p, v, n, before, true) : hexp(v);
        case 'sockopt_level': return nameOf(SOL, v) !== String(v) ? nameOf(SOL, v) : `0x${(v >>> 0).toString(16)} /* SOL_?? */`;
        case 'sockopt_name': {
          const t = OPTNAMES[args[kindIndex(def, 'sockopt_level')] as number];
          if (!t) return String(v);
          const named = nameOf(t, v);
          // strace's rendering of an option it does not know: 0x270f /* SO_??? */.
          return named !== String(v) ? named : `0x${(v >>> 0).toString(16)} /* ${Object.keys(t)[0]!.split('_')[0]}_??? */`;
        }
        case 'sockopt_val': return sockoptVal(p, args[kindIndex(def, 'sockopt_level')] as number, args[kindIndex(def, 'sockopt_name')] as number, v, next);
        case 'sockopt_val_out': {
          if (!ok) return hexp(v);
          const lenPtr = args[i + 1] as number;
          return sockoptVal(p, args[kindIndex(def, 'sockopt_level')] as number, args[kindIndex(def, 'sockopt_name')] as number, v, lenPtr ? mem.u32(lenPtr) : 0);
        }
        case 'pollfds': {
          const parts: string[] = [];
          for (let k = 0; k < Math.min(next >>> 0, 64); k++) parts.push(`{fd=${fdText(p, mem.i32(v + k * 8))}, events=${flagNames(POLL, mem.u16(v + k * 8 + 4))}}`);
          return `[${parts.join(', ')}]`;
        }
        case 'fdset': return fdsetText(p, v);
        case 'timeval': return v ? `{tv_sec=${mem.i64(v)}, tv_usec=${mem.i64(v + 8)}}` : 'NULL';
        case 'clockid': return nameOf(CLOCK, v);
        case 'timespec_out': return ok && v ? nsToTimespec(mem.u64(v)) : hexp(v);
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
        case 'sigpipe_disp': return `SIGPIPE, {sa_handler=${v === 1 ? 'SIG_IGN' : 'SIG_DFL'}, sa_mask=[], sa_flags=0}, NULL, 8`;
        case 'argv_out': case 'environ_out': return ok ? `[${(kind === 'argv_out' ? p.argv : p.env).map((a) => q(Buffer.from(a), max)).join(', ')}]` : hexp(v);
        default: return String(v);
      }
    } catch {
      return hexp(v);
    }
  };

  /** The result as strace prints it: value, then what the call reported (revents, ready sets, F_GETFL's flags). */
  const result = (p: Process, def: SyscallDef, args: readonly unknown[], r: number, entry?: Entry): { text: string; n: number } => {
    if (def.noReturn) return { text: '?', n: 0 };
    if (r !== 0) {
      if (def.library) {
        const name = nameOf(EAI, r);
        return { text: `${r} ${name}${EAI_TEXT[name] ? ` (${EAI_TEXT[name]})` : ''}`, n: 0 };
      }
      const e = errnoByWasi(r);
      return { text: e ? `-1 ${e.name} (${e.message})` : `-1 errno ${r}`, n: 0 };
    }
    let n = 0;
    let text = '0';
    const mem = p.mem;
    try {
      const ri = def.params.findIndex((x) => RET_KINDS.has(x.kind));
      if (ri >= 0) {
        const ptr = args[ri] as number;
        const kind = def.params[ri]!.kind;
        n = kind === 'ret_u64' ? Number(mem.u64(ptr)) : mem.i32(ptr);
        text = kind === 'ret_fd' ? fdText(p, n) : String(n);
      }
      const ni = kindIndex(def, 'newfd');
      if (ni >= 0) {
        // dup2/dup3 return the new fd.
        n = args[ni] as number;
        return { text: fdText(p, n), n };
      }
      const fi = kindIndex(def, 'fcntl_ret');
      if (fi >= 0) {
        const v = mem.i32(args[fi] as number);
        const cmd = args[kindIndex(def, 'fcntl_cmd')] as number;
        if (cmd === FCNTL.F_DUPFD || cmd === FCNTL.F_DUPFD_CLOEXEC) return { text: fdText(p, v), n: v };
        if (cmd === FCNTL.F_GETFD) return { text: v === FD_CLOEXEC ? '0x1 (flags FD_CLOEXEC)' : `0x${v.toString(16)}`, n: v };
        if (cmd === FCNTL.F_GETFL) return { text: `0x${v.toString(16)} (flags ${[['O_RDONLY', 'O_WRONLY', 'O_RDWR'][v & 3], flagNames({ O_APPEND: LINUX_O.O_APPEND, O_NONBLOCK: LINUX_O.O_NONBLOCK }, v & ~3)].filter((x) => x && x !== '0').join('|')})`, n: v };
        return { text: String(v), n: v };
      }
      const gi = kindIndex(def, 'fcntl_getfl');
      if (gi >= 0) {
        const fd = args[kindIndex(def, 'fd')] as number;
        const fl = (fd >= 0 && p.fds.has(fd) && p.fds.file(fd).isSocket ? O_RDWR : O_RDWR) | wasiToOpen(mem.u16((args[gi] as number) + 2));
        return { text: `0x${fl.toString(16)} (flags ${flagNames({ O_RDWR, ...O }, fl)})`, n: fl };
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
        return { text: `${text} ([${parts.join(', ')}])`, n };
      }
      const si = kindIndex(def, 'fdset');
      if (si >= 0) {
        if (n === 0) return { text: `${text} (Timeout)`, n };
        const sets = ['in', 'out', 'except'].map((name, k) => {
          const ptr = args[si + k] as number;
          return ptr && mem.u32(ptr) ? `${name} ${fdsetText(p, ptr)}` : '';
        }).filter(Boolean);
        return { text: `${text} (${sets.join(', ')})`, n };
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
      if (kindIndex(def, 'subscriptions') >= 0) return { text: '0', n };
    } catch {
      /* unreadable result pointer: the bare value */
    }
    void entry;
    return { text, n };
  };

  const format = opts.format ?? 'text';
  let seq = 0;
  const prefixOf = (pid: number): string => (opts.pids !== false && !opts.perProcess ? `[pid ${pid}] ` : '');
  const secs = (ns: number): string => (ns / 1e9).toFixed(6);
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
  /** " = result", from column 40 as strace aligns it. */
  const tab = (head: string): string => {
    const col = head.length - head.lastIndexOf('\n') - 1;
    return col < RESULT_COLUMN ? `${head}${' '.repeat(RESULT_COLUMN - col)}= ` : `${head} = `;
  };
  /** Calls that suspended: their opening text, printed as <unfinished ...> once another process's line comes first. */
  const pending = new Map<number, { text: string; shown: boolean }>();
  const entries = new Map<number, Entry>();
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
  const join = (xs: (string | undefined)[]): string => xs.filter((x): x is string => x !== undefined).join(', ');

  return {
    onEnter(p, def, args) {
      if (!shown(p, def, args)) return;
      const split = splitAt(def);
      const before = new Map<number, number>();
      def.params.forEach((x, i) => {
        const v = args[i] as number;
        try {
          if (x.kind === 'socklen_inout' && v) before.set(i, p.mem.i32(v));
          if (x.kind === 'msghdr_out' && v) before.set(i, p.mem.u32(v + 4));
        } catch {
          /* a bad pointer: the call fails with EFAULT */
        }
      });
      const text = def.params.slice(0, split).map((_, i) => arg(p, def, args, i, false, 0));
      entries.set(p.pid, { text, before });
    },
    onSuspend(p, def, args) {
      if (!shown(p, def, args)) return;
      if (format !== 'text' || pending.has(p.pid)) return;
      const e = entries.get(p.pid);
      const text = join(e?.text ?? []);
      const more = splitAt(def) < def.params.length && def.params.slice(splitAt(def)).some((x, k) => arg(p, def, args, splitAt(def) + k, false, 0, e) !== undefined);
      pending.set(p.pid, { text: `${prefixOf(p.pid)}${stamp(p.callStart)}${callName(p, def, args)}(${text}${more ? (text ? ',  ' : ' ') : ' '}<unfinished ...>\n`, shown: false });
    },
    onSyscall(p, def, args, r, start) {
      // The injector marks the call it changed; clear the mark even for calls this trace does not show.
      const injected = p.ext['injected'] === true;
      p.ext['injected'] = undefined;
      // A handler's explanation of its result (a policy refusal, something --net=real cannot do).
      const note = p.ext['note'] as string | undefined;
      p.ext['note'] = undefined;
      const entry = entries.get(p.pid);
      entries.delete(p.pid);
      if (!shown(p, def, args)) return;
      const ok = r === 0;
      const u = pending.get(p.pid);
      pending.delete(p.pid);
      if ((opts.failedOnly && ok) || (opts.successfulOnly && !ok)) {
        // strace -Z/-z: an <unfinished ...> line already printed is closed all the same.
        if (!u?.shown) return;
      }
      seen.add(p.pid);
      const now = p.kernel.clock.now();
      const res = result(p, def, args, r, entry);
      const n = ok ? res.n : 0;
      const split = splitAt(def);
      // fork() is clone(2) with glibc's arguments; the child tid pointer is where fork's result goes.
      const inText = def.strace === 'clone' ? cloneArgs(args) : entry?.text ?? def.params.slice(0, split).map((_, i) => arg(p, def, args, i, ok, n));
      const outText = def.params.slice(split).map((_, k) => arg(p, def, args, split + k, ok, n, entry));
      const name = callName(p, def, args);
      if (opts.summary) {
        for (const m of [stats, perPid.get(p.pid) ?? perPid.set(p.pid, new Map()).get(p.pid)!]) {
          const st = m.get(name) ?? { calls: 0, errors: 0, ns: 0 };
          st.calls++;
          if (!ok) st.errors++;
          st.ns += now - start;
          m.set(name, st);
        }
      }
      if (format === 'jsonl') {
        const decoded = [...inText, ...outText].filter((x): x is string => x !== undefined);
        // getaddrinfo/getnameinfo fail with an EAI_* code, not an errno.
        const e = ok || def.library ? undefined : errnoByWasi(r);
        const ev: TraceEvent = {
          v: 1, seq: ++seq, start, end: now, pid: p.pid, host: p.host, call: name, import: `${def.module}.${def.name}`, args: decoded,
          ret: ok ? res.text : def.library ? String(r) : '-1', ...(e ? { errno: e.name } : def.library && !ok ? { errno: nameOf(EAI, r) } : {}),
          ...(def.library ? { library: true } : {}), ...(injected ? { injected: true } : {}), ...(note ? { note } : {}), ...(opts.wall ? { wall: Date.now() * 1e6 } : {}),
        };
        emit(p.pid, `${JSON.stringify(ev)}\n`);
        return;
      }
      const tail = `${res.text}${injected ? ' (INJECTED)' : ''}${def.library ? ' [library call]' : ''}${note ? ` [${note}]` : ''} <${secs(now - start)}>\n`;
      const head = u?.shown
        ? `${prefixOf(p.pid)}${stamp(now)}<... ${name} resumed>${join(outText)})`
        : `${prefixOf(p.pid)}${stamp(now)}${name}(${join([...inText, ...outText])})`;
      emit(p.pid, `${tab(head)}${tail}`);
    },
    onSignal(p, sig) {
      // strace's signal-delivery line; the JSONL trace records only the exit (+++ killed by +++).
      if (format !== 'text' || (pidSet && !pidSet.has(p.pid)) || (hostSet && !hostSet.has(p.host))) return;
      const u = pending.get(p.pid);
      if (u && !u.shown) {
        write(u.text, p.pid);
        u.shown = true;
      }
      emit(p.pid, `${prefixOf(p.pid)}${stamp(p.kernel.clock.now())}--- ${sig} {si_signo=${sig}, si_code=SI_USER, si_pid=0, si_uid=0} ---\n`);
    },
    onExit(p) {
      if ((pidSet && !pidSet.has(p.pid)) || (hostSet && !hostSet.has(p.host))) return;
      const e = p.exit;
      pending.delete(p.pid);
      if (format === 'jsonl') {
        emit(p.pid, `${JSON.stringify({ v: 1, seq: ++seq, end: p.kernel.clock.now(), pid: p.pid, host: p.host, exit: e?.signal ? { signal: e.signal } : { code: e?.code ?? 0 } })}\n`);
      } else {
        const t = stamp(p.kernel.clock.now());
        emit(p.pid, e?.signal ? `${prefixOf(p.pid)}${t}+++ killed by ${e.signal} +++\n` : `${prefixOf(p.pid)}${t}+++ exited with ${e?.code ?? 0} +++\n`);
      }
    },
    finish() {
      if (!opts.summary) return;
      const write1 = opts.summaryOut ?? ((text: string): void => write(text));
      // With several processes: one table each, then the whole run (strace -c -f gives only the last).
      if (perPid.size > 1) for (const [pid, m] of [...perPid].sort((a, b) => a[0] - b[0])) write1(`pid ${pid}:\n${summaryTable(m)}\n`);
      if (perPid.size > 1) write1('all processes:\n');
      write1(summaryTable(stats));
    },
  };
}

function cloneArgs(args: readonly unknown[]): string[] {
  return ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', `child_tidptr=0x${((args[0] as number) >>> 0).toString(16)}`];
}
const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SIGNALS).map(([k, v]) => [v, k]));

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
