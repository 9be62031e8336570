// The syscall fuzzer: calls every import of the syscall table
// (host/syscalls.ts) with seeded random and extreme arguments, through the
// real kernel, and checks that the host never throws (an internal error,
// host/kernel/process.ts, counts as a failure), never hangs (each round has
// a virtual-time limit and a call budget; the CLI adds a wall-clock watchdog)
// and keeps its memory bounded (RSS is sampled).
//
// The guest is generated, not written: one WebAssembly module importing every
// SyscallDef with the wasm types its parameter kinds give (i64/u64 -> i64,
// else i32), whose _start loops { i = socklab_fuzz.next(); call import i with
// the arguments next() left in memory }. next() draws the arguments from the
// parameter kinds (fd, ptr, len, sockaddr, iovs, msghdr, ...), so a new
// syscall in the table is fuzzed without editing this file.
//
// Deterministic: the same seed gives the same calls, results and figures
// (except seconds and RSS).
import { Kernel, type SyscallObserver } from '../host/kernel/kernel.js';
import { INTERNAL_ERROR, type Process } from '../host/kernel/process.js';
import { isI64Kind, syscall, type ParamKind, type SyscallDef } from '../host/kernel/syscall.js';
import { Rng } from '../host/kernel/rng.js';
import { OutputFile, StdinFile } from '../host/kernel/stdio.js';
import { loadModule, type LoadedModule } from '../host/loader/module.js';
import { SYSCALLS } from '../host/syscalls.js';
import { Vfs } from '../host/fs/memfs.js';
import { installPreopen } from '../host/wasi/files.js';
import { errnoByWasi } from '../host/abi/errno.js';
import { AF, IPPROTO, IPV6_OPT, IP_OPT, MSG, SO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOL, TCP_OPT } from '../host/net/addr/constants.js';

/** Guest memory: pages before the kernel adds the Asyncify page. */
const PAGES = 4;
/** Where next() leaves the arguments: one 8-byte slot per parameter. */
const ARGS = 1024;
/** One 8 KiB region per parameter for the structure it points to (sockaddr, iovecs, msghdr, fd_set, ...). */
const REGION = 64 * 1024;
const REGION_SIZE = 8 * 1024;
/** Buffers that iovecs and plain pointers point into. */
const DATA = [4096, 64 * 1024 - 4096] as const;
const FUZZ_MODULE = 'socklab_fuzz';

export interface FuzzOptions {
  calls: number;
  seed: number;
  /** Processes per round (they share a host: their sockets meet on the same ports and paths). */
  processes?: number;
  /** Calls per process before its round ends. */
  roundCalls?: number;
  /** Virtual ns a round may last. */
  roundVirtualNs?: number;
  /** Fail when the host's RSS passes this many bytes. */
  maxRss?: number;
  /** Only these syscalls (names), for chasing one crash. */
  only?: string[];
  /** Written as calls go: [calls done, index of the syscall in progress + 1], for a watchdog in another thread. */
  progress?: Int32Array;
  /** Called every 10% of the calls. */
  onProgress?: (done: number) => void;
}

export interface FuzzFailure {
  kind: 'internal error' | 'host exception' | 'memory';
  /** The call (with its arguments) or what was seen. */
  what: string;
  seed: number;
  round: number;
  pid?: number;
}

export interface FuzzReport {
  seed: number;
  calls: number;
  rounds: number;
  seconds: number;
  maxRss: number;
  /** How rounds' processes ended: "exit", "SIGPIPE", "deadlock", "virtual time", ... with counts. */
  endings: Record<string, number>;
  /** Per syscall: result name ("ok", "EBADF", "EAI-2", ...) -> count; "(unfinished)" when the process ended inside the call (exit, a signal, the round's end while blocked). */
  results: Record<string, Record<string, number>>;
  failures: FuzzFailure[];
  virtualNs: number;
}

// ---------------------------------------------------------------- the guest

const isI64 = isI64Kind;
/** The generator for each decoding kind: the plain kind whose values fit it. */
const GEN: Partial<Record<ParamKind, ParamKind>> = {
  family: 'i32', socktype: 'flags', protocol: 'i32', sockopt_level: 'i32', sockopt_name: 'i32', shut_how: 'i32', clockid: 'i32', sigpipe_disp: 'i32', subcount: 'u32',
  accept_flags: 'flags', msg_flags: 'flags', fcntl_setfl: 'flags', ni_flags: 'flags', skip64: 'u64', skip: 'len',
  ret: 'out', ret_fd: 'out', ret_u64: 'out', fd_pair_out: 'out', cstr_out: 'out', buf_out: 'out', timespec_out: 'out', events_out: 'out',
  fcntl_getfl: 'out', ai_result: 'out', ai_count: 'out', argv_out: 'out', environ_out: 'out', sockopt_val_out: 'out',
  buf: 'ptr', subscriptions: 'ptr', ai_hints: 'ptr', sockopt_val: 'ptr', iovs_out: 'iovs', msghdr_out: 'msghdr',
};

/** The generated guest for a syscall table (the next() import is added here). */
export async function fuzzGuest(defs: readonly SyscallDef[]): Promise<Uint8Array> {
  const { default: binaryen } = await import('binaryen');
  const m = new binaryen.Module();
  try {
    m.setMemory(PAGES, 65536, 'memory');
    m.addFunctionImport('next', FUZZ_MODULE, 'next', binaryen.none, binaryen.i32);
    defs.forEach((d, i) => {
      m.addFunctionImport(`f${i}`, d.module, d.name, binaryen.createType(d.params.map((p) => (isI64(p.kind) ? binaryen.i64 : binaryen.i32))), binaryen.i32);
    });
    const names = defs.map((_, i) => `c${i}`);
    let cur = m.block('c0', [m.switch(names, 'exit', m.call('next', [], binaryen.i32))]);
    defs.forEach((d, i) => {
      const args = d.params.map((p, j) => (isI64(p.kind) ? m.i64.load(ARGS + 8 * j, 8, m.i32.const(0)) : m.i32.load(ARGS + 8 * j, 4, m.i32.const(0))));
      cur = m.block(i + 1 < defs.length ? `c${i + 1}` : null, [cur, m.drop(m.call(`f${i}`, args, binaryen.i32)), m.br('L')]);
    });
    m.addFunction('_start', binaryen.none, binaryen.none, [], m.block('exit', [m.loop('L', cur)]));
    m.addFunctionExport('_start', '_start');
    if (!m.validate()) throw new Error('fuzz guest does not validate');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

// ---------------------------------------------------------------- arguments

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.below(xs.length)]!;
const CONSTANTS = [...new Set([AF, SOCK, SOL, SO, IPPROTO, TCP_OPT, IP_OPT, IPV6_OPT, MSG].flatMap((o) => Object.values(o) as number[]))];
const INTS = [0, 1, 2, 3, 4, 5, 8, 16, 31, 32, 64, 255, 256, 1024, 4096, 65535, 65536, -1, -2, -100, 0x7fffffff, -0x80000000, 0x7ffffffe, SOCK_NONBLOCK, SOCK_CLOEXEC, ...CONSTANTS];
const LENS = [0, 1, 2, 3, 4, 7, 8, 12, 15, 16, 24, 27, 28, 29, 64, 109, 110, 111, 127, 128, 129, 255, 256, 1024, 4095, 4096, 4100, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];
const I64S = [0n, 1n, 2n, 4096n, 1n << 31n, 1n << 32n, 1n << 40n, (1n << 53n) + 1n, (1n << 63n) - 1n, -(1n << 63n), -1n, -2n, 1000000000n, 86400000000000n];
const PORTS = [0, 1, 80, 7000, 7001, 7002, 65535];
const IP4 = [[0, 0, 0, 0], [127, 0, 0, 1], [127, 0, 0, 2], [255, 255, 255, 255], [224, 0, 0, 1], [10, 0, 0, 1], [10, 0, 0, 2], [192, 0, 2, 1]];
const IP6 = ['', '1', 'ffff7f000001', 'ff020000000000000000000000000001', 'fe800000000000000000000000000001'];
const UNIX_PATHS = ['/tmp/s0', '/tmp/s1', 's0', 's1', '', '\0abs0', '\0abs1', '\0', '/', '.', '..', '/nonexistent/dir/s', '/tmp/s0/x', 'x'.repeat(107), 'y'.repeat(108), 'z'.repeat(200), '/tmp/\u00e9\u0000trailing', '\xff\xfe'];
const STRINGS = ['', '.', '..', '/', 'a', 'tmp', 'tmp/x', '/tmp/s0', 's0', '../../etc/passwd', 'a/b/c/d', 'dir/', 'a\0b', 'x'.repeat(300), 'x'.repeat(5000), '\xff\xfe\x80', '//', 'a/./../b'];
const NAMES = ['localhost', 'host1', 'host2', '127.0.0.1', '::1', '0.0.0.0', '::', '10.0.0.1', '80', 'http', '7000', '0', '-1', '99999', '*', '', 'no.such.host', 'a'.repeat(300), '1.2.3.4.5', '[::1]', 'localhost.', '\xff'];

/**
 * Values that make sense for parameters of these names (a socket's domain, a
 * sockopt's level...), drawn three times in four so calls get past their first
 * check; parameters with other names get only their kind's values.
 */
const BY_NAME: Readonly<Record<string, readonly number[]>> = {
  domain: [AF.AF_UNIX, AF.AF_UNIX, AF.AF_INET, AF.AF_INET, AF.AF_INET6, AF.AF_INET6, AF.AF_UNSPEC, AF.AF_NETLINK],
  type: [...Object.values(SOCK), SOCK.SOCK_STREAM | SOCK_NONBLOCK, SOCK.SOCK_DGRAM | SOCK_NONBLOCK, SOCK.SOCK_STREAM | SOCK_CLOEXEC, SOCK.SOCK_SEQPACKET | SOCK_NONBLOCK],
  protocol: [0, 0, 0, 0, ...Object.values(IPPROTO), AF.AF_UNIX],
  level: Object.values(SOL),
  optname: [...Object.values(SO), ...Object.values(TCP_OPT), ...Object.values(IP_OPT), ...Object.values(IPV6_OPT)],
  how: [0, 1, 2, 3, -1],
  backlog: [0, 1, 5, 128, -1, 0x7fffffff],
  whence: [0, 1, 2, 3, -1],
  id: [0, 1, 2, 3, 4, -1],
  timeout: [0, 0, 1, 10, 1000, -1, -2, 0x7fffffff],
  flags: [0, 0, MSG.MSG_DONTWAIT, MSG.MSG_NOSIGNAL, MSG.MSG_PEEK | MSG.MSG_DONTWAIT, MSG.MSG_TRUNC | MSG.MSG_DONTWAIT, MSG.MSG_WAITALL | MSG.MSG_DONTWAIT, SOCK_NONBLOCK],
};

/** Draws a syscall's arguments from its parameter kinds and writes the structures they point to into guest memory. */
export class ArgGen {
  constructor(private readonly r: Rng) {}

  private mem!: Process['mem'];
  private end = 0;
  private p!: Process;

  /** Arguments for def: numbers for i32 kinds, bigints for i64 kinds. */
  args(p: Process, def: SyscallDef): (number | bigint)[] {
    this.p = p;
    this.mem = p.mem;
    this.end = p.mem.size;
    const out: (number | bigint)[] = [];
    /** Size or count of the structure the previous parameter points to, for the length that follows it. */
    let prev: { kind: ParamKind; size: number } | undefined;
    def.params.forEach((param, j) => {
      const region = REGION + j * REGION_SIZE;
      const hint = BY_NAME[param.name];
      const { value, size } = hint && !isI64(param.kind) && this.r.below(4) ? { value: pick(this.r, hint), size: undefined } : this.one(param.kind, region, prev);
      out.push(value);
      prev = size === undefined ? undefined : { kind: param.kind, size };
    });
    return out;
  }

  private one(kind: ParamKind, region: number, prev: { kind: ParamKind; size: number } | undefined): { value: number | bigint; size?: number } {
    const r = this.r;
    switch (GEN[kind] ?? kind) {
      case 'fd':
        return { value: this.fd() };
      case 'i32':
      case 'u32':
        if (prev) return { value: this.count(prev.size) };
        return { value: r.below(4) === 0 ? r.next() | 0 : pick(r, INTS) };
      case 'flags':
        return { value: this.flags() };
      case 'i64':
      case 'u64':
        return { value: r.below(4) === 0 ? BigInt.asIntN(64, (BigInt(r.next()) << 32n) | BigInt(r.next())) : pick(r, I64S) };
      case 'len':
      case 'strlen':
      case 'iovcnt':
        return { value: prev ? this.count(prev.size) : this.len() };
      case 'out':
        return { value: this.ptr() };
      case 'ptr':
        return this.struct(region, this.words(256), 256);
      case 'str': {
        const s = bytes(pick(r, STRINGS));
        return this.struct(region, s, s.length);
      }
      case 'cstr': {
        if (r.below(8) === 0) return { value: 0 };
        const s = bytes(pick(r, NAMES));
        // Sometimes without its NUL, ending at the end of memory.
        if (r.below(10) === 0) return { value: this.placeAtEnd(s) };
        return this.struct(region, [...s, 0], s.length);
      }
      case 'sockaddr': {
        const a = this.sockaddr();
        return this.struct(region, a.bytes, a.size);
      }
      case 'sockaddr_out':
        return this.struct(region, this.words(32), 128);
      case 'socklen_inout':
        return this.struct(region, le32(this.r.below(3) === 0 ? pick(r, LENS) : pick(r, [0, 2, 16, 28, 110, 128])), 4);
      case 'iovs': {
        const n = r.below(9);
        return this.struct(region, this.iovecs(n), n);
      }
      case 'msghdr':
        return this.struct(region, this.msghdr(region), 28);
      case 'pollfds': {
        const n = r.below(6);
        const b: number[] = [];
        for (let i = 0; i < n; i++) b.push(...le32(this.fd()), ...le16(r.below(3) ? pick(r, [1, 4, 5, 0x2000, 0x8, 0x10]) : r.next() & 0xffff), ...le16(r.next() & 0xffff));
        return this.struct(region, b, n);
      }
      case 'fdset': {
        if (r.below(4) === 0) return { value: r.below(2) ? 0 : this.ptr() };
        const n = r.below(5) === 0 ? pick(r, [1024, 1025, 0x7fffffff, 0xffffffff]) : r.below(8);
        const b = [...le32(n)];
        for (let i = 0; i < Math.min(n, 8); i++) b.push(...le32(this.fd()));
        return this.struct(region, b, 4100);
      }
      case 'timeval': {
        if (r.below(4) === 0) return { value: r.below(2) ? 0 : this.ptr() };
        const sec = pick(r, [0n, 0n, 1n, -1n, 1n << 31n, (1n << 63n) - 1n, -(1n << 63n), 86400n]);
        const usec = pick(r, [0n, 1n, 999999n, 1000000n, -1n, 1n << 40n]);
        return this.struct(region, [...le64(sec), ...le64(usec)], 16);
      }
      default:
        return { value: r.next() | 0 };
    }
  }

  /** An fd: mostly one the process has open, else closed, huge or negative. */
  private fd(): number {
    const r = this.r;
    if (r.below(10) < 6) {
      const open = this.p.fds.entries();
      if (open.length) return open[r.below(open.length)]![0];
    }
    return pick(r, [0, 1, 2, 3, 4, 5, 9, 63, 64, 1023, 1024, 1025, 4096, 65536, 0x7fffffff, -1, -2, -0x80000000, this.p.fds.size + 3]);
  }
  private flags(): number {
    const r = this.r;
    switch (r.below(6)) {
      case 0: return 0;
      case 1: return 1 << r.below(32);
      case 2: return r.next() | 0;
      case 3: return -1;
      default: return pick(r, INTS) | (r.below(2) ? pick(r, [SOCK_NONBLOCK, SOCK_CLOEXEC, MSG.MSG_DONTWAIT, MSG.MSG_NOSIGNAL, MSG.MSG_PEEK, MSG.MSG_TRUNC, MSG.MSG_WAITALL, MSG.MSG_OOB]) : 0);
    }
  }
  private len(): number {
    const r = this.r;
    return r.below(5) === 0 ? r.below(70000) : pick(r, LENS) | 0;
  }
  /** A length or count for a structure of `size` (bytes, or entries). */
  private count(size: number): number {
    const r = this.r;
    if (r.below(3) === 0) return pick(r, LENS) | 0;
    return Math.max(0, pick(r, [size, size, size, size - 1, size + 1, 0, 1, 2, 1024, 1025])) | 0;
  }
  /** A pointer: inside memory, at its last bytes, past it, or wild. */
  private ptr(): number {
    const r = this.r;
    const end = this.end;
    switch (r.below(8)) {
      case 0: return pick(r, [0, 1, 4, end - 1, end - 2, end - 4, end - 8, end, end + 1, end + 4096, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff]) | 0;
      case 1: return r.next() | 0;
      default: return DATA[0] + r.below(DATA[1]);
    }
  }
  /** Random words, half of them interesting integers (so flags and families inside a struct are plausible). */
  private words(n: number): number[] {
    const b: number[] = [];
    for (let i = 0; i < n / 4; i++) b.push(...le32(this.r.below(2) ? pick(this.r, INTS) : this.r.next()));
    return b;
  }

  /** Writes bytes at the parameter's region, or (sometimes) straddling the end of memory, or gives a bad pointer. */
  private struct(region: number, b: readonly number[], size: number): { value: number; size: number } {
    const r = this.r;
    const k = r.below(20);
    if (k === 0) return { value: this.ptr(), size };
    if (k === 1) return { value: this.placeAtEnd(b.slice(0, Math.max(1, r.below(b.length + 1)))), size };
    this.write(region, b.slice(0, REGION_SIZE));
    return { value: region, size };
  }
  /** Writes b so that it ends at the last byte of memory; returns its address. */
  private placeAtEnd(b: readonly number[]): number {
    const at = this.end - b.length;
    this.write(at, b);
    return at;
  }
  private write(at: number, b: readonly number[]): void {
    const u8 = new Uint8Array(this.mem.memory.buffer);
    for (let i = 0; i < b.length; i++) if (at + i >= 0 && at + i < u8.length) u8[at + i] = b[i]!;
  }

  private sockaddr(): { bytes: number[]; size: number } {
    const r = this.r;
    const fam = r.below(8) === 0 ? r.next() & 0xffff : pick(r, [AF.AF_UNSPEC, AF.AF_UNIX, AF.AF_UNIX, AF.AF_INET, AF.AF_INET, AF.AF_INET6, AF.AF_INET6, AF.AF_NETLINK, AF.AF_PACKET]);
    const port = r.below(5) === 0 ? r.next() & 0xffff : pick(r, PORTS);
    let b: number[];
    if (fam === AF.AF_INET) {
      b = [...le16(fam), port >> 8, port & 0xff, ...(r.below(6) === 0 ? le32(r.next()) : pick(r, IP4)), ...this.garbage(8)];
    } else if (fam === AF.AF_INET6) {
      const ip = r.below(6) === 0 ? Array.from({ length: 16 }, () => r.next() & 0xff) : hex16(pick(r, IP6));
      b = [...le16(fam), port >> 8, port & 0xff, ...le32(r.below(4) ? 0 : r.next()), ...ip, ...le32(r.below(4) ? pick(r, [0, 1, 2]) : r.next())];
    } else if (fam === AF.AF_UNIX) {
      const path = r.below(8) === 0 ? Array.from({ length: r.below(120) }, () => r.next() & 0xff) : bytes(pick(r, UNIX_PATHS));
      b = [...le16(fam), ...path, ...(r.below(3) ? [0] : [])];
      while (b.length < 110 && r.below(2)) b.push(r.next() & 0xff);
    } else {
      b = [...le16(fam), ...this.garbage(r.below(130))];
    }
    return { bytes: b, size: fam === AF.AF_INET ? 16 : fam === AF.AF_INET6 ? 28 : fam === AF.AF_UNIX ? Math.min(110, b.length) : b.length };
  }
  private garbage(n: number): number[] {
    return this.r.below(2) ? new Array<number>(n).fill(0) : Array.from({ length: n }, () => this.r.next() & 0xff);
  }
  private iovecs(n: number): number[] {
    const r = this.r;
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      const base = this.ptr();
      const len = r.below(4) === 0 ? this.len() : r.below(2) ? r.below(64) : Math.max(0, this.end - (base >>> 0));
      b.push(...le32(base), ...le32(len));
    }
    return b;
  }
  /** A msghdr with its name, iovecs and control messages in the rest of the region. */
  private msghdr(region: number): number[] {
    const r = this.r;
    const nameAt = region + 64;
    const iovAt = region + 256;
    const ctlAt = region + 512;
    const a = this.sockaddr();
    this.write(nameAt, a.bytes);
    const niov = r.below(6);
    this.write(iovAt, this.iovecs(niov));
    // Control messages: SCM_RIGHTS with fds (open or not), or garbage, with honest or lying lengths.
    const ctl: number[] = [];
    const ncmsg = r.below(3);
    for (let i = 0; i < ncmsg; i++) {
      const nfds = r.below(4);
      const data: number[] = [];
      for (let k = 0; k < nfds; k++) data.push(...le32(this.fd()));
      const len = r.below(4) === 0 ? pick(r, LENS) : 12 + data.length;
      ctl.push(...le32(len), ...le32(r.below(4) ? SOL.SOL_SOCKET : pick(r, INTS)), ...le32(r.below(4) ? 1 : pick(r, [2, 3, 0, -1])), ...data);
      while (ctl.length % 4) ctl.push(0);
    }
    this.write(ctlAt, ctl);
    const ptrOr = (p: number): number => (r.below(8) === 0 ? this.ptr() : r.below(8) === 0 ? 0 : p);
    return [
      ...le32(ptrOr(nameAt)), ...le32(this.count(a.size)),
      ...le32(ptrOr(iovAt)), ...le32(this.count(niov)),
      ...le32(ncmsg ? ptrOr(ctlAt) : r.below(4) ? 0 : this.ptr()), ...le32(r.below(4) === 0 ? pick(r, LENS) : ctl.length),
      ...le32(r.next()),
    ];
  }
}

function le16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}
function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
function le64(v: bigint): number[] {
  const u = BigInt.asUintN(64, v);
  return [...le32(Number(u & 0xffffffffn)), ...le32(Number(u >> 32n))];
}
function hex16(h: string): number[] {
  const s = h.padStart(32, '0');
  return Array.from({ length: 16 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));
}
/** A string's bytes: code points below 256 as single bytes (so '\xff' is the invalid UTF-8 byte 0xff). */
function bytes(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

// ---------------------------------------------------------------- the driver

/** Processes fork() may add to a round (past it, EAGAIN). */
const FUZZ_FORKS = 6;

/** Runs the fuzzer: rounds of `processes` guests on a fresh kernel each, until `calls` syscalls were made. */
export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const targets = SYSCALLS.filter((d) => !opts.only || opts.only.includes(d.name));
  if (!targets.length) throw new Error(`no syscall named ${opts.only?.join(', ')}`);
  const bytesOfGuest = await fuzzGuest(targets);
  const processes = opts.processes ?? 2;
  const roundCalls = opts.roundCalls ?? 4000;
  const roundVirtualNs = opts.roundVirtualNs ?? 3600e9;
  const maxRss = opts.maxRss ?? 1536 * 1024 * 1024;
  const master = new Rng(opts.seed);
  const results: Record<string, Record<string, number>> = {};
  for (const d of targets) results[d.name] = {};
  const endings: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  const seen = new Set<string>();
  // Calls that end the process cut rounds short: they get a small share.
  // fork multiplies the processes of a round: it gets a small share too, and the rounds a process limit.
  const weights = targets.map((d) => (d.name === 'proc_exit' || d.name === 'proc_raise' || d.name === 'fork' ? 0.02 : 1));
  const cumulative: number[] = [];
  weights.reduce((a, w, i) => (cumulative[i] = a + w), 0);
  const total = cumulative[cumulative.length - 1]!;

  let calls = 0;
  let rounds = 0;
  let virtualNs = 0;
  let peak = process.memoryUsage.rss();
  let nextReport = opts.calls / 10;
  const t0 = performance.now();
  const fail = (f: FuzzFailure): void => {
    const key = `${f.kind}:${f.what.replace(/\b0x[0-9a-f]+\b|\b\d+\b/g, 'N')}`;
    if (!seen.has(key)) {
      seen.add(key);
      failures.push(f);
    }
  };

  const started = new Map<Process, number>();
  let roundRng = new Rng(opts.seed).fork('fuzz');
  const inFlight = new Map<Process, number>();
  const next = (p: Process): number => {
    const pending = inFlight.get(p);
    if (pending !== undefined) {
      // The previous call did not come back to the guest: it ended the process, so next() is not reached; this cannot happen.
      inFlight.delete(p);
    }
    const n = started.get(p) ?? 0;
    if (calls >= opts.calls || n >= roundCalls) return targets.length;
    started.set(p, n + 1);
    // A forked child draws from its own stream, made from the round's seed and its pid: deterministic.
    let rnd = rngs.get(p);
    if (!rnd) {
      const r = roundRng.fork(`pid${p.pid}`);
      rnd = { r, gen: new ArgGen(r.fork('args')) };
      rngs.set(p, rnd);
    }
    const x = rnd.r.float() * total;
    let i = 0;
    while (cumulative[i]! <= x) i++;
    const def = targets[i]!;
    const args = rnd.gen.args(p, def);
    def.params.forEach((param, j) => {
      const v = args[j]!;
      if (typeof v === 'bigint') p.mem.setI64(ARGS + 8 * j, BigInt.asIntN(64, v));
      else p.mem.setU32(ARGS + 8 * j, v);
    });
    calls++;
    inFlight.set(p, i);
    if (opts.progress) {
      Atomics.store(opts.progress, 0, calls);
      Atomics.store(opts.progress, 1, i + 1);
    }
    return i;
  };
  const nextDef = syscall(FUZZ_MODULE, 'next', {}, next);
  const defs = [...SYSCALLS, nextDef];
  const names = defs.map((d) => `${d.module}.${d.name}`);
  const mod: LoadedModule = await loadModule(bytesOfGuest, 'fuzz.wasm', names, new Set(names));
  const rngs = new Map<Process, { r: Rng; gen: ArgGen }>();
  const observer: SyscallObserver = {
    onSyscall(p, def, _args, r) {
      if (def === nextDef) return;
      inFlight.delete(p);
      const eai = def.name === 'getaddrinfo' || def.name === 'getnameinfo';
      const name = r === 0 ? 'ok' : eai ? `EAI${r}` : errnoByWasi(r)?.name ?? `r${r}`;
      const m = results[def.name]!;
      m[name] = (m[name] ?? 0) + 1;
    },
    onExit(p) {
      const i = inFlight.get(p);
      if (i !== undefined) {
        const m = results[targets[i]!.name]!;
        m['(unfinished)'] = (m['(unfinished)'] ?? 0) + 1;
        inFlight.delete(p);
      }
    },
  };

  while (calls < opts.calls) {
    rounds++;
    const seed = master.next();
    const k = new Kernel({ seed, syscalls: defs, observer, limits: { maxVirtualNs: roundVirtualNs, maxProcesses: processes + FUZZ_FORKS } });
    const vfs = new Vfs(() => k.clock.wall(), []);
    roundRng = new Rng(seed).fork('fuzz');
    started.clear();
    rngs.clear();
    inFlight.clear();
    for (let i = 0; i < processes; i++) {
      const p = k.spawn(mod, {
        argv: [`fuzz${i}.wasm`, 'x'],
        env: ['FUZZ=1'],
        host: 'host1',
        setupFds: (proc) => {
          proc.fds.install(new StdinFile(k, new Uint8Array([104, 105, 10]), undefined));
          proc.fds.install(new OutputFile(proc, () => {}, false, 'stdout'));
          proc.fds.install(new OutputFile(proc, () => {}, false, 'stderr'));
          installPreopen(proc, vfs);
        },
      });
      const r = roundRng.fork(`pid${p.pid}`);
      rngs.set(p, { r, gen: new ArgGen(r.fork('args')) });
    }
    try {
      const res = await k.run();
      virtualNs += Math.min(res.elapsedNs, roundVirtualNs);
      for (const p of res.processes) {
        const e = p.exit;
        const how = res.deadlock ? 'deadlock' : res.limit ? 'virtual time limit' : e.signal ? e.signal : 'exit';
        endings[how] = (endings[how] ?? 0) + 1;
        if (e.reason?.startsWith(INTERNAL_ERROR)) fail({ kind: 'internal error', what: e.reason, seed: opts.seed, round: rounds, pid: p.pid });
      }
    } catch (err) {
      fail({ kind: 'host exception', what: err instanceof Error ? err.stack ?? err.message : String(err), seed: opts.seed, round: rounds });
    }
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
    if (rss > maxRss) {
      fail({ kind: 'memory', what: `RSS ${(rss / 2 ** 20).toFixed(0)} MiB passed ${(maxRss / 2 ** 20).toFixed(0)} MiB`, seed: opts.seed, round: rounds });
      break;
    }
    if (calls >= nextReport) {
      opts.onProgress?.(calls);
      nextReport += opts.calls / 10;
    }
  }
  return { seed: opts.seed, calls, rounds, seconds: (performance.now() - t0) / 1000, maxRss: peak, endings, results, failures, virtualNs };
}

/** The report as text: figures, then one line per syscall with its results, most frequent first. */
export function formatReport(r: FuzzReport): string {
  const lines = [
    `socklab fuzz: seed ${r.seed}: ${r.calls} calls in ${r.rounds} rounds, ${r.seconds.toFixed(1)} s (${Math.round(r.calls / r.seconds)} calls/s), max RSS ${(r.maxRss / 2 ** 20).toFixed(0)} MiB, ${(r.virtualNs / 1e9).toFixed(1)} virtual s`,
    `process endings: ${Object.entries(r.endings).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  const w = Math.max(...Object.keys(r.results).map((n) => n.length));
  for (const [name, m] of Object.entries(r.results).sort((a, b) => a[0].localeCompare(b[0]))) {
    const n = Object.values(m).reduce((a, b) => a + b, 0);
    lines.push(`  ${name.padEnd(w)} ${String(n).padStart(7)}  ${Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ')}`);
  }
  lines.push(r.failures.length ? `FAILURES (${r.failures.length}):` : 'no failures');
  for (const f of r.failures) lines.push(`  [${f.kind}] seed ${f.seed} round ${f.round}${f.pid ? ` pid ${f.pid}` : ''}: ${f.what}`);
  return lines.join('\n');
}
