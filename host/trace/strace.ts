// strace-style text for every completed syscall, from the kernel's observer
// hook: `[pid 2] 0.001200 connect(3<TCP:[10.0.0.2:49152]>, {sa_family=AF_INET,
// sin_port=htons(8080), sin_addr=inet_addr("10.0.0.1")}, 16) = -1 ECONNREFUSED
// (Connection refused) <0.000310>`. Times are the run's clock (virtual by
// default), so the same seed gives the same trace, byte for byte.
import { errnoByWasi } from '../abi/errno.js';
import type { GuestMemory } from '../abi/memory.js';
import type { SyscallObserver } from '../kernel/kernel.js';
import type { Process } from '../kernel/process.js';
import type { SyscallDef } from '../kernel/syscall.js';
import { AF, IPPROTO, IPV6_OPT, IP_OPT, MSG, SHUT, SO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOL, TCP_OPT, flagNames, nameOf } from '../net/constants.js';
import { readSockaddr, type Addr } from '../net/address.js';

export interface TextTraceOptions {
  /** Longest string shown before "..." (strace -s). */
  strSize?: number;
  /** Print [pid N] even with one process (strace -f always does with several). */
  pids?: boolean;
  /** Only calls of these classes (strace -e trace=%net,%desc...); all when absent. */
  classes?: readonly string[];
}

/** Out-parameters whose value strace shows as the call's return value. */
const RESULT_OUTS = new Set(['nwritten', 'nread', 'sent', 'received', 'fd', 'newfd', 'ready', 'nevents', 'bufused', 'newoffset', 'offset', 'count']);

function quote(b: Uint8Array, max: number): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) s += '\\"';
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
    return `0x${ptr.toString(16)}`;
  }
}

export function createTextTracer(write: (line: string) => void, opts: TextTraceOptions = {}): SyscallObserver {
  const max = opts.strSize ?? 32;
  const classes = opts.classes ? new Set(opts.classes.map((c) => c.replace(/^%/, ''))) : undefined;
  const seen = new Set<number>();
  const fdText = (p: Process, fd: number): string => {
    if (!p.fds.has(fd)) return String(fd);
    const f = p.fds.file(fd);
    return f.isSocket ? `${fd}<${f.describe()}>` : String(fd);
  };

  /** Calls whose buffers the kernel fills: show only the bytes returned. */
  const READS = new Set(['readv', 'recvfrom', 'recvmsg', 'preadv', 'read']);
  const OPTNAMES: Record<number, Readonly<Record<string, number>>> = { [SOL.SOL_SOCKET]: SO, [IPPROTO.IPPROTO_TCP]: TCP_OPT, [IPPROTO.IPPROTO_IP]: IP_OPT, [IPPROTO.IPPROTO_IPV6]: IPV6_OPT };

  const arg = (p: Process, def: SyscallDef, args: readonly unknown[], i: number, ok: boolean, n: number): string => {
    const { name, kind } = def.params[i]!;
    const v = args[i] as number;
    const mem = p.mem;
    const next = args[i + 1] as number;
    try {
      switch (kind) {
        case 'fd': return fdText(p, v);
        case 'str': return quote(mem.view(v, Math.min(next, 4096)), max);
        case 'strlen': return String(v);
        case 'iovs': {
          const iovs = mem.iovecs(v, next);
          let left = READS.has(def.strace) ? (ok ? n : 0) : Infinity;
          const parts = iovs.map((b) => {
            const shown = b.subarray(0, Math.max(0, Math.min(b.length, left)));
            left -= shown.length;
            return `{iov_base=${quote(shown, max)}, iov_len=${b.length}}`;
          });
          return `[${parts.join(', ')}]`;
        }
        case 'iovcnt': return String(v);
        case 'out': {
          if (!ok || !v) return v ? `0x${v.toString(16)}` : 'NULL';
          if (name === 'buf') return quote(mem.view(v, Math.min(READS.has(def.strace) ? n : (args[i + 1] as number), max + 1)), max);
          if (name === 'sv') return `[${mem.i32(v)}, ${mem.i32(v + 4)}]`;
          return `[${mem.i32(v)}]`;
        }
        case 'u64': case 'i64': return String(v);
        default: break;
      }
      // Socket arguments by name, as strace decodes them.
      if (name === 'domain') return nameOf(AF, v);
      if (name === 'type' && (def.strace === 'socket' || def.strace === 'socketpair')) {
        const base = nameOf(SOCK, v & 0xf);
        const fl = flagNames({ SOCK_NONBLOCK, SOCK_CLOEXEC }, v & ~0xf);
        return fl === '0' ? base : `${base}|${fl}`;
      }
      if (name === 'protocol' && (def.strace === 'socket' || def.strace === 'socketpair')) return nameOf(IPPROTO, v);
      if (name === 'buf' && kind === 'ptr') return quote(mem.view(v, Math.min(next, max + 1)), max);
      if (name === 'addr' && (def.strace === 'connect' || def.strace === 'bind' || def.strace === 'sendto')) return sockaddrAt(mem, v, next);
      if (name === 'addr' && v) {
        if (!ok) return `0x${v.toString(16)}`;
        const len = args[i + 1] as number;
        return sockaddrAt(mem, v, len ? mem.u32(len) : 0);
      }
      if (kind === 'len') return String(v);
      if (name === 'addrlen' || name === 'optlen') return v ? `[${mem.u32(v)}]` : 'NULL';
      if (name === 'flags' && /send|recv/.test(def.strace)) return flagNames(MSG, v);
      if (name === 'flags' && def.strace === 'accept4') return flagNames({ SOCK_NONBLOCK, SOCK_CLOEXEC }, v);
      if (name === 'how' && def.strace === 'shutdown' && def.module === 'socklab') return nameOf(SHUT, v);
      if (name === 'level') return nameOf(SOL, v);
      if (name === 'optname' && OPTNAMES[args[i - 1] as number]) return nameOf(OPTNAMES[args[i - 1] as number]!, v);
      if (name === 'optval' && kind === 'ptr') return def.params[i + 1] && (args[i + 1] as number) === 4 ? `[${mem.i32(v)}]` : `0x${v.toString(16)}`;
      if (kind === 'ptr' || kind === 'sockaddr' || kind === 'sockaddr_out' || kind === 'msghdr' || kind === 'pollfds' || kind === 'fdset' || kind === 'timeval' || kind === 'cstr' || kind === 'inout') {
        if (kind === 'cstr') return v ? quote(Buffer.from(mem.cstring(v, 1024)), max) : 'NULL';
        return v ? `0x${v.toString(16)}` : 'NULL';
      }
      if (kind === 'flags') return v ? `0x${v.toString(16)}` : '0';
    } catch {
      return `0x${(v >>> 0).toString(16)}`;
    }
    return String(v);
  };

  const result = (p: Process, def: SyscallDef, args: readonly unknown[], r: number): string => {
    if (def.name === 'proc_exit') return '?';
    if (r !== 0) {
      if (def.module === 'socklab' && (def.name === 'getaddrinfo' || def.name === 'getnameinfo')) return `${r} (EAI)`;
      const e = errnoByWasi(r);
      return e ? `-1 ${e.name} (${e.message})` : `-1 errno ${r}`;
    }
    for (let i = def.params.length - 1; i >= 0; i--) {
      const prm = def.params[i]!;
      if (prm.kind === 'out' && RESULT_OUTS.has(prm.name)) {
        const ptr = args[i] as number;
        try {
          const v = prm.name === 'newoffset' || prm.name === 'offset' ? Number(p.mem.u64(ptr)) : p.mem.i32(ptr);
          return prm.name === 'fd' || prm.name === 'newfd' ? fdText(p, v) : String(v);
        } catch {
          return '0';
        }
      }
    }
    return '0';
  };

  return {
    onSyscall(p, def, args, r, start) {
      if (classes && !def.classes.some((c) => classes.has(c))) return;
      seen.add(p.pid);
      const now = p.kernel.clock.now();
      const ok = r === 0;
      const res = result(p, def, args, r);
      const n = ok ? parseInt(res, 10) || 0 : 0;
      const list = def.params.map((_, i) => i).filter((i) => def.params[i]!.kind !== 'strlen' && !(def.params[i]!.kind === 'out' && RESULT_OUTS.has(def.params[i]!.name)));
      const text = list.map((i) => arg(p, def, args, i, ok, n)).join(', ');
      const prefix = opts.pids !== false ? `[pid ${p.pid}] ` : '';
      write(`${prefix}${(now / 1e9).toFixed(6)} ${def.strace}(${text}) = ${res} <${((now - start) / 1e9).toFixed(6)}>\n`);
    },
    onExit(p) {
      const e = p.exit;
      const prefix = opts.pids !== false ? `[pid ${p.pid}] ` : '';
      const t = (p.kernel.clock.now() / 1e9).toFixed(6);
      if (e?.signal) write(`${prefix}${t} +++ killed by ${e.signal} +++\n`);
      else write(`${prefix}${t} +++ exited with ${e?.code ?? 0} +++\n`);
    },
  };
}
