// strace-style text for every completed syscall, from the kernel's observer
// hook: `[pid 2] 0.001200 connect(3<TCP:[10.0.0.2:49152]>, {sa_family=AF_INET,
// sin_port=htons(8080), sin_addr=inet_addr("10.0.0.1")}, 16) = -1 ECONNREFUSED
// (Connection refused) <0.000310>`. Times are the run's clock (virtual by
// default), so the same seed gives the same trace, byte for byte.
import { errnoByWasi } from '../abi/errno.js';
import { VIRTUAL_EPOCH_NS } from '../kernel/clock.js';
import type { GuestMemory } from '../abi/memory.js';
import type { SyscallObserver } from '../kernel/kernel.js';
import type { Process } from '../kernel/process.js';
import type { SyscallDef } from '../kernel/syscall.js';
import { F, FD_CLOEXEC, O } from '../kernel/fdcalls.js';
import { AF, IPPROTO, IPV6_OPT, IP_OPT, MSG, SHUT, SO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOL, TCP_OPT, flagNames, nameOf } from '../net/constants.js';
import { readSockaddr, type Addr } from '../net/address.js';

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
}

/** Out-parameters whose value strace shows as the call's return value. */
const RESULT_OUTS = new Set(['pid', 'nwritten', 'nread', 'sent', 'received', 'fd', 'newfd', 'ready', 'nevents', 'bufused', 'newoffset', 'offset', 'count']);

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
    return `0x${ptr.toString(16)}`;
  }
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
    if (classes || names) {
      if (!(names?.has(def.strace) || names?.has(def.name) || def.classes.some((c) => classes?.has(c)))) return false;
    }
    if (pidSet && !pidSet.has(p.pid)) return false;
    if (hostSet && !hostSet.has(p.host)) return false;
    if (fdSet && !(def.params[0]?.kind === 'fd' && fdSet.has(args[0] as number))) return false;
    return true;
  };
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
        case 'str': return q(mem.view(v, Math.min(next, 4096)), max);
        case 'strlen': return String(v);
        case 'iovs': {
          const iovs = mem.iovecs(v, next);
          let left = READS.has(def.strace) ? (ok ? n : 0) : Infinity;
          const parts = iovs.map((b) => {
            const shown = b.subarray(0, Math.max(0, Math.min(b.length, left)));
            left -= shown.length;
            return `{iov_base=${q(shown, max)}, iov_len=${b.length}}`;
          });
          return `[${parts.join(', ')}]`;
        }
        case 'iovcnt': return String(v);
        case 'out': {
          if (!ok || !v) return v ? `0x${v.toString(16)}` : 'NULL';
          if (name === 'buf') return q(mem.view(v, Math.min(READS.has(def.strace) ? n : (args[i + 1] as number), max + 1)), max);
          if (name === 'sv' || name === 'pipefd') return `[${mem.i32(v)}, ${mem.i32(v + 4)}]`;
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
      // strace names the protocol only for IP sockets: socket(AF_UNIX, SOCK_STREAM, 0).
      if (name === 'protocol' && (def.strace === 'socket' || def.strace === 'socketpair')) return args[0] === AF.AF_UNIX ? String(v) : nameOf(IPPROTO, v);
      if (name === 'buf' && kind === 'ptr') return q(mem.view(v, Math.min(next, max + 1)), max);
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
      if (def.module === 'socklab' && (def.name === 'pipe2' || def.name === 'dup3') && name === 'flags') return flagNames(def.name === 'pipe2' ? { O_NONBLOCK: O.O_NONBLOCK, O_CLOEXEC: O.O_CLOEXEC } : { O_CLOEXEC: O.O_CLOEXEC }, v);
      if (def.module === 'socklab' && def.name === 'fcntl') {
        if (name === 'cmd') return nameOf(F, v);
        if (name === 'arg') {
          const cmd = args[1] as number;
          if (cmd === F.F_SETFL) return flagNames({ O_APPEND: O.O_APPEND, O_NONBLOCK: O.O_NONBLOCK }, v);
          if (cmd === F.F_SETFD) return v === FD_CLOEXEC ? 'FD_CLOEXEC' : String(v);
        }
      }
      if (name === 'how' && def.strace === 'shutdown' && def.module === 'socklab') return nameOf(SHUT, v);
      if (name === 'level') return nameOf(SOL, v);
      if (name === 'optname' && OPTNAMES[args[i - 1] as number]) return nameOf(OPTNAMES[args[i - 1] as number]!, v);
      if (name === 'optval' && kind === 'ptr') return def.params[i + 1] && (args[i + 1] as number) === 4 ? `[${mem.i32(v)}]` : `0x${v.toString(16)}`;
      if (kind === 'ptr' || kind === 'sockaddr' || kind === 'sockaddr_out' || kind === 'msghdr' || kind === 'pollfds' || kind === 'fdset' || kind === 'timeval' || kind === 'cstr' || kind === 'inout') {
        if (kind === 'cstr') return v ? q(Buffer.from(mem.cstring(v, 1024)), max) : 'NULL';
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
    // dup2/dup3 return the new fd.
    if (def.module === 'socklab' && (def.name === 'dup2' || def.name === 'dup3')) return fdText(p, args[1] as number);
    if (def.module === 'socklab' && def.name === 'fcntl') {
      const v = p.mem.i32(args[3] as number);
      const cmd = args[1] as number;
      if (cmd === F.F_DUPFD || cmd === F.F_DUPFD_CLOEXEC) return fdText(p, v);
      if (cmd === F.F_GETFD) return v === FD_CLOEXEC ? '0x1 (flags FD_CLOEXEC)' : `0x${v.toString(16)}`;
      if (cmd === F.F_GETFL) return `0x${v.toString(16)} (flags ${[['O_RDONLY', 'O_WRONLY', 'O_RDWR'][v & 3], flagNames({ O_APPEND: O.O_APPEND, O_NONBLOCK: O.O_NONBLOCK }, v & ~3)].filter((x) => x && x !== '0').join('|')})`;
      return String(v);
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
  /** Calls that suspended: their opening text, printed as <unfinished ...> once another process's line comes first. */
  const pending = new Map<number, { text: string; shown: boolean }>();
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

  return {
    onSuspend(p, def, args) {
      if (!shown(p, def, args)) return;
      if (format !== 'text' || pending.has(p.pid)) return;
      const inputs = def.params.map((_, i) => i).filter((i) => def.params[i]!.kind !== 'strlen' && def.params[i]!.kind !== 'out' && def.params[i]!.kind !== 'sockaddr_out' && def.params[i]!.kind !== 'inout');
      const text = inputs.map((i) => arg(p, def, args, i, false, 0)).join(', ');
      pending.set(p.pid, { text: `${prefixOf(p.pid)}${stamp(p.callStart)}${def.strace}(${text} <unfinished ...>\n`, shown: false });
    },
    onSyscall(p, def, args, r, start) {
      // The injector marks the call it changed; clear the mark even for calls this trace does not show.
      const injected = p.ext['injected'] === true;
      p.ext['injected'] = undefined;
      // A handler's explanation of its result (a policy refusal, something --net=real cannot do).
      const note = p.ext['note'] as string | undefined;
      p.ext['note'] = undefined;
      if (!shown(p, def, args)) return;
      seen.add(p.pid);
      const now = p.kernel.clock.now();
      const ok = r === 0;
      const res = result(p, def, args, r);
      const n = ok ? parseInt(res, 10) || 0 : 0;
      const list = def.params.map((_, i) => i).filter((i) => def.params[i]!.kind !== 'strlen' && !(def.params[i]!.kind === 'out' && RESULT_OUTS.has(def.params[i]!.name)));
      const decoded = list.map((i) => arg(p, def, args, i, ok, n));
      if (opts.summary) {
        for (const m of [stats, perPid.get(p.pid) ?? perPid.set(p.pid, new Map()).get(p.pid)!]) {
          const st = m.get(def.strace) ?? { calls: 0, errors: 0, ns: 0 };
          st.calls++;
          if (!ok) st.errors++;
          st.ns += now - start;
          m.set(def.strace, st);
        }
      }
      const u = pending.get(p.pid);
      pending.delete(p.pid);
      if (format === 'jsonl') {
        // getaddrinfo/getnameinfo fail with an EAI_* code, not an errno.
        const eai = def.name === 'getaddrinfo' || def.name === 'getnameinfo';
        const e = ok || eai ? undefined : errnoByWasi(r);
        const ev: TraceEvent = { v: 1, seq: ++seq, start, end: now, pid: p.pid, host: p.host, call: def.strace, import: `${def.module}.${def.name}`, args: decoded, ret: ok ? res : eai ? String(r) : '-1', ...(e ? { errno: e.name } : {}), ...(injected ? { injected: true } : {}), ...(note ? { note } : {}), ...(opts.wall ? { wall: Date.now() * 1e6 } : {}) };
        emit(p.pid, `${JSON.stringify(ev)}\n`);
        return;
      }
      const tail = ` = ${res}${injected ? ' (INJECTED)' : ''}${note ? ` [${note}]` : ''} <${secs(now - start)}>\n`;
      if (u?.shown) emit(p.pid, `${prefixOf(p.pid)}${stamp(now)}<... ${def.strace} resumed>)${tail}`);
      else emit(p.pid, `${prefixOf(p.pid)}${stamp(now)}${def.strace}(${decoded.join(', ')})${tail}`);
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
      // With several processes: one table each, then the whole run (strace -c -f gives only the last).
      if (perPid.size > 1) for (const [pid, m] of [...perPid].sort((a, b) => a[0] - b[0])) write(`pid ${pid}:\n${summaryTable(m)}\n`);
      if (perPid.size > 1) write('all processes:\n');
      write(summaryTable(stats));
    },
  };
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
