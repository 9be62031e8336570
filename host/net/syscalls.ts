// The socklab.* imports (docs/abi.md): decode guest arguments, check fds,
// flags and pointers the way Linux does, and drive the socket state machine.
// Blocking calls follow the kernel's discipline: try; on WOULD_BLOCK fail
// with EAGAIN (non-blocking, MSG_DONTWAIT, timeout) or suspend on the
// socket's wait queue and run again when woken.
import { isIPv4, isIPv6 } from 'node:net';
import { E, Errno } from '../abi/errno.js';
import { encodeUtf8 } from '../abi/memory.js';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, WOULD_BLOCK, type OpenFile } from '../kernel/file.js';
import type { Process } from '../kernel/process.js';
import { brokenPipe } from '../kernel/signals.js';
import { BLOCKED, syscall, type SyscallDef } from '../kernel/syscall.js';
import type { WaitQueue } from '../kernel/wait.js';
import type { WasiSocketShims } from '../wasi/core.js';
import { canonIp, encodeSockaddr, readSockaddr, writeSockaddr, type Addr, type InetAddr } from './address.js';
import { AF, AI, EAI, IPPROTO, IPV6_OPT, IP_OPT, MSG, NI, SERVICES, SO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK, SOL, TCP_OPT } from './constants.js';
import { VirtualNetwork, type NetworkConfig } from './network.js';
import { accept, bind, connect, listen } from './ops.js';
import { Socket, gather, type Kind, type SocketPathNamespace } from './socket.js';

const S = 'socklab';
const KNOWN_MSG = MSG.MSG_OOB | MSG.MSG_PEEK | MSG.MSG_DONTROUTE | MSG.MSG_DONTWAIT | MSG.MSG_EOR | MSG.MSG_WAITALL | MSG.MSG_CONFIRM | MSG.MSG_NOSIGNAL | MSG.MSG_MORE | MSG.MSG_TRUNC | MSG.MSG_CMSG_CLOEXEC | MSG.MSG_ERRQUEUE;

/** The run's virtual network, created on first use from the scenario's configuration. */
export function networkOf(p: Process): VirtualNetwork {
  const k = p.kernel;
  let n = k.ext['net'] as VirtualNetwork | undefined;
  if (!n) k.ext['net'] = n = new VirtualNetwork(k, k.ext['netConfig'] as NetworkConfig | undefined);
  return n;
}

function sock(p: Process, fd: number): Socket {
  const f = p.fds.file(fd);
  if (!(f instanceof Socket)) throw new Errno(E.ENOTSOCK);
  return f;
}

/** EAGAIN or suspend, honouring O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO. */
function waitFor(p: Process, s: Socket, dir: 'read' | 'write', dontwait: boolean, queues: WaitQueue[] = [s.waitq]): number {
  if (s.nonblock || dontwait) return E.EAGAIN;
  const deadline = p.deadline(dir === 'read' ? s.rcvtimeo : s.sndtimeo);
  if (deadline >= 0 && p.timedOut()) return E.EAGAIN;
  return p.block(queues, deadline);
}

function newSocket(p: Process, domain: number, type: number, protocol: number): Socket {
  const base = type & SOCK_TYPE_MASK;
  if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new Errno(E.EINVAL);
  let kind: Kind;
  if (domain === AF.AF_UNIX) {
    // Linux treats SOCK_RAW on AF_UNIX as SOCK_DGRAM.
    if (base === SOCK.SOCK_STREAM) kind = 'stream';
    else if (base === SOCK.SOCK_DGRAM || base === SOCK.SOCK_RAW) kind = 'dgram';
    else if (base === SOCK.SOCK_SEQPACKET) kind = 'seqpacket';
    else throw new Errno(E.ESOCKTNOSUPPORT);
    if (protocol !== 0 && protocol !== AF.AF_UNIX) throw new Errno(E.EPROTONOSUPPORT);
  } else if (domain === AF.AF_INET || domain === AF.AF_INET6) {
    if (base === SOCK.SOCK_STREAM) {
      if (protocol !== 0 && protocol !== IPPROTO.IPPROTO_TCP) throw new Errno(E.EPROTONOSUPPORT);
      kind = 'stream';
    } else if (base === SOCK.SOCK_DGRAM) {
      if (protocol !== 0 && protocol !== IPPROTO.IPPROTO_UDP) throw new Errno(E.EPROTONOSUPPORT);
      kind = 'dgram';
    } else if (base === SOCK.SOCK_RAW) {
      // Linux checks the protocol, then the privilege (CAP_NET_RAW).
      if (protocol <= 0 || protocol > 255) throw new Errno(E.EPROTONOSUPPORT);
      if (p.ext['noRaw'] === true) throw new Errno(E.EPERM);
      kind = 'dgram';
      const net = networkOf(p);
      const s = new Socket(net, net.host(p.host), undefined, domain, kind, protocol);
      s.raw = true;
      s.hdrincl = domain === AF.AF_INET && protocol === IPPROTO.IPPROTO_RAW;
      s.nonblock = (type & SOCK_NONBLOCK) !== 0;
      (s.host.raw ??= []).push(s);
      return s;
    } else throw new Errno(E.ESOCKTNOSUPPORT);
  } else if (domain < 0 || domain >= 46) throw new Errno(E.EAFNOSUPPORT);
  else throw new Errno(E.EAFNOSUPPORT);
  const s = new Socket(networkOf(p), networkOf(p).host(p.host), p.ext['vfs'] as SocketPathNamespace | undefined, domain, kind, protocol);
  s.nonblock = (type & SOCK_NONBLOCK) !== 0;
  return s;
}

function readAddr(p: Process, ptr: number, len: number): Addr {
  if (len < 0) throw new Errno(E.EINVAL);
  return readSockaddr(p.mem, ptr, len);
}

/** Views over a guest buffer, skipping what a suspended blocking call already moved. */
function from(views: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const v of views) {
    if (skip >= v.length) { skip -= v.length; continue; }
    out.push(skip ? v.subarray(skip) : v);
    skip = 0;
  }
  return out;
}

/** send/sendto/sendmsg on any socket: bytes sent, or a negative errno, or BLOCKED. */
function doSend(p: Process, s: Socket, iovs: Uint8Array[], flags: number, dst: Addr | undefined): number {
  if (flags & ~KNOWN_MSG) return -E.EOPNOTSUPP;
  if (flags & MSG.MSG_OOB && (s.isUnix || s.kind !== 'stream')) return -E.EOPNOTSUPP;
  const dontwait = (flags & MSG.MSG_DONTWAIT) !== 0;
  const total = iovs.reduce((a, v) => a + v.length, 0);
  try {
    if (s.kind === 'dgram') {
      const to = dst ?? s.remote;
      if (!to) return -(s.isUnix ? E.ENOTCONN : E.EDESTADDRREQ);
      if (dst && !s.isUnix && dst.family !== 4 && dst.family !== 6) return -E.EAFNOSUPPORT;
      const n = s.sendDatagram(iovs, total, to);
      if (n !== WOULD_BLOCK) return n;
      const r = waitFor(p, s, 'write', dontwait);
      return r === BLOCKED ? r : -r;
    }
    let done = p.callBytes;
    for (;;) {
      const n = s.sendStream(from(iovs, done), total - done);
      if (n === WOULD_BLOCK) {
        const r = waitFor(p, s, 'write', dontwait);
        if (r === BLOCKED) {
          p.callBytes = done;
          return r;
        }
        return done > 0 ? done : -r;
      }
      done += n;
      if (done >= total || s.nonblock || dontwait) return done;
    }
  } catch (e) {
    if (e instanceof Errno && e.errno === E.EPIPE) return -brokenPipe(p, (flags & MSG.MSG_NOSIGNAL) !== 0, E.EPIPE);
    throw e;
  }
}

interface Received { n: number; from?: Addr; truncated: boolean }

/** recv/recvfrom/recvmsg: bytes (or the full datagram size with MSG_TRUNC), a negative errno, or BLOCKED. */
function doRecv(p: Process, s: Socket, iovs: Uint8Array[], flags: number): Received | number {
  if (flags & ~KNOWN_MSG) return -E.EOPNOTSUPP;
  if (flags & MSG.MSG_OOB) return -E.EINVAL;
  const peek = (flags & MSG.MSG_PEEK) !== 0;
  const dontwait = (flags & MSG.MSG_DONTWAIT) !== 0;
  if (s.state === 'listening') return -E.ENOTCONN;
  if (s.kind === 'dgram' || s.kind === 'seqpacket') {
    if (s.kind === 'dgram' && s.soError) {
      const e = s.soError;
      s.soError = 0;
      return -e;
    }
    const r = s.recvMessage(iovs, peek);
    if (r.n === WOULD_BLOCK) {
      const w = waitFor(p, s, 'read', dontwait);
      return w === BLOCKED ? w : -w;
    }
    return { n: flags & MSG.MSG_TRUNC && s.kind === 'dgram' ? r.full : r.n, from: r.from, truncated: r.truncated };
  }
  if (s.state !== 'connected' && s.state !== 'connecting') return -E.ENOTCONN;
  const waitall = (flags & MSG.MSG_WAITALL) !== 0 && !peek && !dontwait && !s.nonblock;
  const want = iovs.reduce((a, v) => a + v.length, 0);
  let done = p.callBytes;
  for (;;) {
    const n = s.recvStream(from(iovs, done), peek, false);
    if (n === WOULD_BLOCK) {
      const w = waitFor(p, s, 'read', dontwait);
      if (w === BLOCKED) {
        p.callBytes = done;
        return w;
      }
      return done > 0 ? { n: done, truncated: false } : -w;
    }
    done += n;
    if (!waitall || n === 0 || done >= want) return { n: done, from: s.remote, truncated: false };
  }
}

// ---------- options ----------


function setsockopt(p: Process, fd: number, level: number, name: number, val: number, len: number): number {
  const s = sock(p, fd);
  if (len < 0) return E.EINVAL;
  const int = (): number => {
    if (len < 4) throw new Errno(E.EINVAL);
    return p.mem.i32(val);
  };
  const timeval = (): number => {
    if (len < 16) throw new Errno(E.EINVAL);
    const sec = Number(p.mem.i64(val));
    const usec = Number(p.mem.i64(val + 8));
    if (usec < 0 || usec >= 1_000_000) throw new Errno(E.EDOM);
    if (sec < 0) return -1;
    const ns = sec * 1e9 + usec * 1e3;
    return ns === 0 ? -1 : ns;
  };
  if (level === SOL.SOL_SOCKET) {
    switch (name) {
      case SO.SO_REUSEADDR: s.reuseaddr = int() !== 0; return 0;
      case SO.SO_REUSEPORT: s.reuseport = int() !== 0; return 0;
      case SO.SO_KEEPALIVE: s.keepalive = int() !== 0; return 0;
      case SO.SO_BROADCAST: s.broadcast = int() !== 0; return 0;
      case SO.SO_OOBINLINE: s.oobinline = int() !== 0; return 0;
      case SO.SO_DONTROUTE: case SO.SO_DEBUG: int(); return 0;
      // Linux doubles the value to leave room for its bookkeeping, with minimums.
      case SO.SO_RCVBUF: s.rcvbuf = Math.max(2304, Math.min(int(), 212992) * 2); return 0;
      case SO.SO_SNDBUF: s.sndbuf = Math.max(4608, Math.min(int(), 212992) * 2); return 0;
      case SO.SO_RCVLOWAT: s.rcvlowat = Math.max(1, int()); return 0;
      case SO.SO_RCVTIMEO: s.rcvtimeo = timeval(); return 0;
      case SO.SO_SNDTIMEO: s.sndtimeo = timeval(); return 0;
      case SO.SO_LINGER:
        if (len < 8) return E.EINVAL;
        s.linger = { on: p.mem.i32(val), secs: p.mem.i32(val + 4) };
        return 0;
      case SO.SO_TYPE: case SO.SO_ERROR: case SO.SO_DOMAIN: case SO.SO_PROTOCOL: case SO.SO_ACCEPTCONN:
        return E.ENOPROTOOPT;
      default: return E.ENOPROTOOPT;
    }
  }
  if (s.isUnix) return E.EOPNOTSUPP;
  if (level === IPPROTO.IPPROTO_TCP) {
    if (s.kind !== 'stream') return E.ENOPROTOOPT;
    if (name === TCP_OPT.TCP_NODELAY) { s.nodelay = int() !== 0; return 0; }
    if (name === TCP_OPT.TCP_MAXSEG || name === TCP_OPT.TCP_CORK || name === TCP_OPT.TCP_KEEPIDLE || name === TCP_OPT.TCP_KEEPINTVL || name === TCP_OPT.TCP_KEEPCNT) {
      const v = int();
      if (name !== TCP_OPT.TCP_CORK && v < 1) return E.EINVAL;
      return 0;
    }
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IP) {
    if (name === IP_OPT.IP_TTL) { const v = int(); if (v < -1 || v === 0 || v > 255) return E.EINVAL; s.ttl = v === -1 ? 64 : v; return 0; }
    if (name === IP_OPT.IP_TOS || name === IP_OPT.IP_RECVERR) { int(); return 0; }
    if (name === IP_OPT.IP_HDRINCL) {
      if (!s.raw) return E.ENOPROTOOPT;
      s.hdrincl = int() !== 0;
      return 0;
    }
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IPV6) {
    if (s.domain !== AF.AF_INET6) return E.ENOPROTOOPT;
    if (name === IPV6_OPT.IPV6_V6ONLY) {
      if (s.local) return E.EINVAL;
      s.v6only = int() !== 0;
      return 0;
    }
    if (name === IPV6_OPT.IPV6_UNICAST_HOPS || name === IPV6_OPT.IPV6_RECVERR) { int(); return 0; }
    return E.ENOPROTOOPT;
  }
  return E.ENOPROTOOPT;
}

function getsockopt(p: Process, fd: number, level: number, name: number, val: number, lenPtr: number): number {
  const s = sock(p, fd);
  const cap = p.mem.i32(lenPtr);
  if (cap < 0) return E.EINVAL;
  const putInt = (v: number): number => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    const n = Math.min(cap, 4);
    p.mem.write(val, b.subarray(0, n));
    p.mem.setU32(lenPtr, n);
    return 0;
  };
  const putBytes = (b: Uint8Array): number => {
    const n = Math.min(cap, b.length);
    p.mem.write(val, b.subarray(0, n));
    p.mem.setU32(lenPtr, n);
    return 0;
  };
  const tv = (ns: number): Uint8Array => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    const v = ns < 0 ? 0 : ns;
    dv.setBigInt64(0, BigInt(Math.floor(v / 1e9)), true);
    dv.setBigInt64(8, BigInt(Math.floor((v % 1e9) / 1e3)), true);
    return b;
  };
  if (level === SOL.SOL_SOCKET) {
    switch (name) {
      case SO.SO_TYPE: return putInt(s.type);
      case SO.SO_DOMAIN: return putInt(s.domain);
      case SO.SO_PROTOCOL: return putInt(s.protocolNumber);
      case SO.SO_ACCEPTCONN: return putInt(s.state === 'listening' ? 1 : 0);
      case SO.SO_ERROR: {
        const e = s.soError;
        s.soError = 0;
        return putInt(e);
      }
      case SO.SO_REUSEADDR: return putInt(s.reuseaddr ? 1 : 0);
      case SO.SO_REUSEPORT: return putInt(s.reuseport ? 1 : 0);
      case SO.SO_KEEPALIVE: return putInt(s.keepalive ? 1 : 0);
      case SO.SO_BROADCAST: return putInt(s.broadcast ? 1 : 0);
      case SO.SO_OOBINLINE: return putInt(s.oobinline ? 1 : 0);
      case SO.SO_RCVBUF: return putInt(s.rcvbuf);
      case SO.SO_SNDBUF: return putInt(s.sndbuf);
      case SO.SO_RCVLOWAT: return putInt(s.rcvlowat);
      case SO.SO_SNDLOWAT: return putInt(1);
      case SO.SO_DONTROUTE: case SO.SO_DEBUG: return putInt(0);
      case SO.SO_RCVTIMEO: return putBytes(tv(s.rcvtimeo));
      case SO.SO_SNDTIMEO: return putBytes(tv(s.sndtimeo));
      case SO.SO_LINGER: {
        const b = new Uint8Array(8);
        const dv = new DataView(b.buffer);
        dv.setInt32(0, s.linger.on, true);
        dv.setInt32(4, s.linger.secs, true);
        return putBytes(b);
      }
      default: return E.ENOPROTOOPT;
    }
  }
  if (s.isUnix) return E.EOPNOTSUPP;
  if (level === IPPROTO.IPPROTO_TCP) {
    if (s.kind !== 'stream') return E.ENOPROTOOPT;
    if (name === TCP_OPT.TCP_NODELAY) return putInt(s.nodelay ? 1 : 0);
    if (name === TCP_OPT.TCP_MAXSEG) return putInt(s.state === 'connected' ? (s.host === s.peer?.host ? 65483 : 1448) : 536);
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IP) {
    if (name === IP_OPT.IP_TTL) return putInt(s.ttl);
    if (name === IP_OPT.IP_TOS) return putInt(0);
    if (name === IP_OPT.IP_HDRINCL && s.raw) return putInt(s.hdrincl ? 1 : 0);
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IPV6) {
    if (s.domain !== AF.AF_INET6) return E.ENOPROTOOPT;
    if (name === IPV6_OPT.IPV6_V6ONLY) return putInt(s.v6only ? 1 : 0);
    return E.ENOPROTOOPT;
  }
  return E.ENOPROTOOPT;
}

// ---------- poll / select ----------

function pollMask(f: OpenFile): number {
  return f.poll();
}

function doPoll(p: Process, fdsPtr: number, nfds: number, timeout: number, readyOut: number): number {
  if (nfds < 0 || nfds > p.fds.limit) return E.EINVAL;
  p.mem.check(fdsPtr, nfds * 8);
  p.mem.check(readyOut, 4);
  let ready = 0;
  const queues: WaitQueue[] = [];
  for (let i = 0; i < nfds; i++) {
    const a = fdsPtr + i * 8;
    const fd = p.mem.i32(a);
    const events = p.mem.u16(a + 4);
    let rev = 0;
    if (fd >= 0) {
      if (!p.fds.has(fd)) rev = POLLNVAL;
      else {
        const f = p.fds.file(fd);
        rev = pollMask(f) & (events | POLLERR | POLLHUP | POLLNVAL);
        if (!rev) queues.push(f.waitq);
      }
    }
    p.mem.setU16(a + 6, rev);
    if (rev) ready++;
  }
  if (ready || timeout === 0) {
    p.mem.setI32(readyOut, ready);
    return 0;
  }
  const deadline = p.deadline(timeout < 0 ? -1 : timeout * 1e6);
  if (deadline >= 0 && p.timedOut()) {
    p.mem.setI32(readyOut, 0);
    return 0;
  }
  return p.block(queues, deadline);
}

/** wasi-libc's fd_set: size_t count; int fds[FD_SETSIZE]. */
const FD_SETSIZE = 1024;
function readSet(p: Process, ptr: number): number[] {
  if (!ptr) return [];
  const n = p.mem.u32(ptr);
  if (n > FD_SETSIZE) throw new Errno(E.EINVAL);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(p.mem.i32(ptr + 4 + i * 4));
  return out;
}
function writeSet(p: Process, ptr: number, fds: number[]): void {
  if (!ptr) return;
  p.mem.setU32(ptr, fds.length);
  fds.forEach((fd, i) => p.mem.setI32(ptr + 4 + i * 4, fd));
}

function doSelect(p: Process, nfds: number, rPtr: number, wPtr: number, xPtr: number, tvPtr: number, readyOut: number): number {
  if (nfds < 0 || nfds > FD_SETSIZE) return E.EINVAL;
  p.mem.check(readyOut, 4);
  let timeoutNs = -1;
  if (tvPtr) {
    const sec = Number(p.mem.i64(tvPtr));
    const usec = Number(p.mem.i64(tvPtr + 8));
    if (sec < 0 || usec < 0) return E.EINVAL;
    timeoutNs = sec * 1e9 + usec * 1e3;
  }
  const sets = [readSet(p, rPtr), readSet(p, wPtr), readSet(p, xPtr)].map((s) => s.filter((fd) => fd < nfds));
  for (const set of sets) for (const fd of set) if (!p.fds.has(fd)) return E.EBADF;
  const want = [POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI];
  const out: number[][] = [[], [], []];
  const queues: WaitQueue[] = [];
  let ready = 0;
  sets.forEach((set, k) => {
    for (const fd of set) {
      const f = p.fds.file(fd);
      if (pollMask(f) & want[k]!) {
        out[k]!.push(fd);
        ready++;
      } else queues.push(f.waitq);
    }
  });
  const finish = (): number => {
    writeSet(p, rPtr, out[0]!);
    writeSet(p, wPtr, out[1]!);
    writeSet(p, xPtr, out[2]!);
    p.mem.setI32(readyOut, ready);
    return 0;
  };
  if (ready || timeoutNs === 0) return finish();
  const deadline = p.deadline(timeoutNs);
  if (deadline >= 0 && p.timedOut()) return finish();
  return p.block(queues, deadline);
}

// ---------- names ----------

const REC = 404;

function serviceLookup(service: string, socktype: number, numericOnly: boolean): number | undefined {
  if (/^\d+$/.test(service)) {
    const n = Number(service);
    return n <= 65535 ? n : undefined;
  }
  if (numericOnly) return undefined;
  const proto = socktype === SOCK.SOCK_DGRAM ? 'udp' : 'tcp';
  return SERVICES.find((s) => s.name === service && (socktype === 0 || s.proto === proto))?.port;
}

function doGetaddrinfo(p: Process, nodePtr: number, servPtr: number, hintsPtr: number, buf: number, buflen: number, countOut: number): number {
  const node = nodePtr ? p.mem.cstring(nodePtr, 1025) : undefined;
  const service = servPtr ? p.mem.cstring(servPtr, 256) : undefined;
  p.mem.check(countOut, 4);
  let flags = 0, family = 0, socktype = 0, protocol = 0;
  if (hintsPtr) {
    p.mem.check(hintsPtr, 32);
    flags = p.mem.i32(hintsPtr);
    family = p.mem.i32(hintsPtr + 4);
    socktype = p.mem.i32(hintsPtr + 8);
    protocol = p.mem.i32(hintsPtr + 12);
  }
  if (node === undefined && service === undefined) return EAI.EAI_NONAME;
  if (flags & ~0x47f) return EAI.EAI_BADFLAGS;
  if (flags & AI.AI_CANONNAME && node === undefined) return EAI.EAI_BADFLAGS;
  if (family !== AF.AF_UNSPEC && family !== AF.AF_INET && family !== AF.AF_INET6) return EAI.EAI_FAMILY;
  if (socktype !== 0 && socktype !== SOCK.SOCK_STREAM && socktype !== SOCK.SOCK_DGRAM && socktype !== SOCK.SOCK_RAW) return EAI.EAI_SOCKTYPE;
  let port = 0;
  if (service !== undefined && service !== '') {
    if (socktype === SOCK.SOCK_RAW) return EAI.EAI_SERVICE;
    const sp = serviceLookup(service, socktype, (flags & AI.AI_NUMERICSERV) !== 0);
    if (sp === undefined) return (flags & AI.AI_NUMERICSERV) ? EAI.EAI_NONAME : EAI.EAI_SERVICE;
    port = sp;
  }
  const net = networkOf(p);
  let v4: string[] = [], v6: string[] = [];
  let canon = node ?? '';
  if (node === undefined) {
    if (flags & AI.AI_PASSIVE) { v4 = ['0.0.0.0']; v6 = ['::']; }
    else { v6 = ['::1']; v4 = ['127.0.0.1']; }
  } else if (isIPv4(node)) v4 = [node];
  else if (isIPv6(node)) v6 = [canonIp(node)];
  else if (flags & AI.AI_NUMERICHOST) return EAI.EAI_NONAME;
  else {
    const r = net.resolve(node);
    if (!r) return EAI.EAI_NONAME;
    v4 = r.v4;
    v6 = r.v6;
    canon = r.canon;
  }
  // Order as glibc on this kind of system: passive wildcard v4 first, loopback-only v6 first, else IPv4 before ULA IPv6 (RFC 6724).
  let addrs: InetAddr[] = [];
  const v6first = node === undefined && !(flags & AI.AI_PASSIVE);
  const a4 = family === AF.AF_INET6 ? [] : v4.map((ip) => ({ family: 4 as const, ip, port }));
  const a6 = family === AF.AF_INET ? [] : v6.map((ip) => ({ family: 6 as const, ip, port }));
  if (family === AF.AF_INET6 && a6.length === 0 && flags & AI.AI_V4MAPPED) for (const ip of v4) a6.push({ family: 6, ip: `::ffff:${ip}`, port });
  addrs = v6first ? [...a6, ...a4] : [...a4, ...a6];
  if (!addrs.length) return node !== undefined && (isIPv4(node) || isIPv6(node)) ? EAI.EAI_ADDRFAMILY : EAI.EAI_NODATA;
  const types = socktype ? [socktype] : [SOCK.SOCK_STREAM, SOCK.SOCK_DGRAM, SOCK.SOCK_RAW];
  const protoOf = (t: number): number => protocol || (t === SOCK.SOCK_STREAM ? IPPROTO.IPPROTO_TCP : t === SOCK.SOCK_DGRAM ? IPPROTO.IPPROTO_UDP : 0);
  const recs: { fam: number; type: number; proto: number; sa: Uint8Array }[] = [];
  for (const a of addrs) for (const t of types) recs.push({ fam: a.family === 4 ? AF.AF_INET : AF.AF_INET6, type: t, proto: protoOf(t), sa: encodeSockaddr(a) });
  const max = Math.floor(buflen / REC);
  if (max < 1) return EAI.EAI_MEMORY;
  p.mem.check(buf, Math.min(recs.length, max) * REC);
  recs.slice(0, max).forEach((r, i) => {
    const o = buf + i * REC;
    p.mem.fill(o, REC);
    p.mem.setI32(o, flags);
    p.mem.setI32(o + 4, r.fam);
    p.mem.setI32(o + 8, r.type);
    p.mem.setI32(o + 12, r.proto);
    p.mem.setI32(o + 16, r.sa.length);
    p.mem.write(o + 20, r.sa);
    if (i === 0 && flags & AI.AI_CANONNAME) p.mem.write(o + 148, encodeUtf8(canon.slice(0, 255)));
  });
  p.mem.setI32(countOut, Math.min(recs.length, max));
  return 0;
}

function doGetnameinfo(p: Process, sa: number, salen: number, host: number, hostlen: number, serv: number, servlen: number, flags: number): number {
  let a: Addr;
  try {
    a = readSockaddr(p.mem, sa, salen);
  } catch {
    return EAI.EAI_FAMILY;
  }
  if (a.family !== 4 && a.family !== 6) return EAI.EAI_FAMILY;
  if (host && hostlen > 0) {
    const numeric = a.ip;
    const name = flags & NI.NI_NUMERICHOST ? undefined : networkOf(p).nameOf(a.ip);
    if (!name && flags & NI.NI_NAMEREQD) return EAI.EAI_NONAME;
    const text = encodeUtf8(name ?? numeric);
    if (text.length + 1 > hostlen) return EAI.EAI_OVERFLOW;
    p.mem.write(host, text);
    p.mem.setU8(host + text.length, 0);
  }
  if (serv && servlen > 0) {
    const proto = flags & NI.NI_DGRAM ? 'udp' : 'tcp';
    const name = flags & NI.NI_NUMERICSERV ? undefined : SERVICES.find((s) => s.port === a.port && s.proto === proto)?.name;
    const text = encodeUtf8(name ?? String(a.port));
    if (text.length + 1 > servlen) return EAI.EAI_OVERFLOW;
    p.mem.write(serv, text);
    p.mem.setU8(serv + text.length, 0);
  }
  return 0;
}

// ---------- msghdr ----------

interface Msg { name: number; namelen: number; iov: Uint8Array[]; control: number; controllen: number }
function readMsg(p: Process, ptr: number): Msg {
  p.mem.check(ptr, 28);
  const iovPtr = p.mem.u32(ptr + 8);
  const iovlen = p.mem.i32(ptr + 12);
  if (iovlen < 0 || iovlen > 1024) throw new Errno(E.EMSGSIZE);
  return { name: p.mem.u32(ptr), namelen: p.mem.u32(ptr + 4), iov: p.mem.iovecs(iovPtr, iovlen), control: p.mem.u32(ptr + 16), controllen: p.mem.u32(ptr + 20) };
}

function installAccepted(p: Process, c: Socket, flags: number, addrPtr: number, lenPtr: number, fdOut: number): number {
  c.nonblock = (flags & SOCK_NONBLOCK) !== 0;
  if (addrPtr && lenPtr) writeSockaddr(p.mem, addrPtr, lenPtr, c.remote ?? { family: 'unnamed' });
  p.mem.setI32(fdOut, p.fds.install(c, { cloexec: (flags & SOCK_CLOEXEC) !== 0 }));
  return 0;
}

function doAccept(p: Process, fd: number, addrPtr: number, lenPtr: number, flags: number, fdOut: number): number {
  const s = sock(p, fd);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return E.EINVAL;
  p.mem.check(fdOut, 4);
  if (addrPtr && lenPtr) {
    if (p.mem.i32(lenPtr) < 0) return E.EINVAL;
  }
  if (p.fds.size >= p.fds.limit) return E.EMFILE;
  const r = accept(s);
  if (r === WOULD_BLOCK) return waitFor(p, s, 'read', false);
  return installAccepted(p, r as Socket, flags, addrPtr, lenPtr, fdOut);
}

/** Each connect() call is one attempt: a token ties the suspended call to its own handshake. */
const connectTokens = new WeakMap<Process, { start: number; token: object }>();
function tokenFor(p: Process): object {
  const t = connectTokens.get(p);
  if (t && t.start === p.callStart) return t.token;
  const token = {};
  connectTokens.set(p, { start: p.callStart, token });
  return token;
}

function doConnect(p: Process, fd: number, addrPtr: number, len: number): number {
  const s = sock(p, fd);
  const a = readAddr(p, addrPtr, len);
  if (!s.isUnix && a.family === 'unix') return E.EAFNOSUPPORT;
  if (s.isUnix && a.family !== 'unix' && !(a.family === 'unnamed' && s.kind === 'dgram')) return E.EINVAL;
  const token = tokenFor(p);
  const r = connect(s, a, token);
  if (r !== WOULD_BLOCK) return 0;
  if (s.isUnix) {
    const l = s.findUnix(a as never);
    return p.block(l ? [l.backlogWait, s.waitq] : [s.waitq], p.deadline(s.sndtimeo));
  }
  if (s.nonblock) return E.EINPROGRESS;
  const deadline = p.deadline(s.sndtimeo);
  if (deadline >= 0 && p.timedOut()) return E.EINPROGRESS;
  return p.block([s.waitq], deadline);
}

export function createSocketSyscalls(): { syscalls: SyscallDef[]; shims: WasiSocketShims } {
  const syscalls: SyscallDef[] = [
    syscall(S, 'socket', { strace: 'socket', classes: ['net', 'desc'], params: ['domain:i32', 'type:flags', 'protocol:i32', 'fd:out'] }, (p: Process, domain: number, type: number, protocol: number, out: number) => {
      p.mem.check(out, 4);
      const s = newSocket(p, domain, type, protocol);
      p.mem.setI32(out, p.fds.install(s, { cloexec: (type & SOCK_CLOEXEC) !== 0 }));
      return 0;
    }),
    syscall(S, 'socketpair', { strace: 'socketpair', classes: ['net', 'desc'], params: ['domain:i32', 'type:flags', 'protocol:i32', 'sv:out'] }, (p: Process, domain: number, type: number, protocol: number, out: number) => {
      p.mem.check(out, 8);
      if (domain !== AF.AF_UNIX) {
        newSocket(p, domain, type, protocol); // the errno socket() would give first
        return E.EOPNOTSUPP;
      }
      const a = newSocket(p, domain, type, protocol);
      const b = newSocket(p, domain, type, protocol);
      for (const [x, y] of [[a, b], [b, a]] as const) {
        x.peer = y;
        x.state = 'connected';
        x.local = { family: 'unnamed' };
        x.remote = { family: 'unnamed' };
      }
      if (p.fds.size + 2 > p.fds.limit) return E.EMFILE;
      const fa = p.fds.install(a, { cloexec: (type & SOCK_CLOEXEC) !== 0 });
      const fb = p.fds.install(b, { cloexec: (type & SOCK_CLOEXEC) !== 0 });
      p.mem.setI32(out, fa);
      p.mem.setI32(out + 4, fb);
      return 0;
    }),
    syscall(S, 'bind', { strace: 'bind', classes: ['net'], params: ['fd:fd', 'addr:sockaddr', 'addrlen:len'] }, (p: Process, fd: number, addr: number, len: number) => {
      const s = sock(p, fd);
      const a = readAddr(p, addr, len);
      if (!s.isUnix && a.family === 'unix') return s.domain === AF.AF_INET6 ? E.EINVAL : E.EAFNOSUPPORT;
      bind(s, a, len, p.ext['noRaw'] !== true);
      return 0;
    }),
    syscall(S, 'listen', { strace: 'listen', classes: ['net'], params: ['fd:fd', 'backlog:i32'] }, (p: Process, fd: number, backlog: number) => {
      listen(sock(p, fd), backlog);
      return 0;
    }),
    syscall(S, 'accept4', { strace: 'accept4', classes: ['net', 'desc'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:inout', 'flags:flags', 'fd:out'], mayBlock: true }, doAccept),
    syscall(S, 'connect', { strace: 'connect', classes: ['net'], params: ['fd:fd', 'addr:sockaddr', 'addrlen:len'], mayBlock: true }, doConnect),
    syscall(S, 'sendto', { strace: 'sendto', classes: ['net'], params: ['fd:fd', 'buf:ptr', 'len:len', 'flags:flags', 'addr:sockaddr', 'addrlen:len', 'sent:out'], mayBlock: true },
      (p: Process, fd: number, buf: number, len: number, flags: number, addr: number, alen: number, out: number) => {
        const s = sock(p, fd);
        const data = p.mem.view(buf, len);
        p.mem.check(out, 4);
        const dst = addr && s.kind === 'dgram' ? readAddr(p, addr, alen) : undefined;
        const r = doSend(p, s, [data], flags, dst);
        if (r === BLOCKED) return r;
        if (r < 0) return -r;
        p.mem.setU32(out, r);
        return 0;
      }),
    syscall(S, 'recvfrom', { strace: 'recvfrom', classes: ['net'], params: ['fd:fd', 'buf:out', 'len:len', 'flags:flags', 'addr:sockaddr_out', 'addrlen:inout', 'received:out'], mayBlock: true },
      (p: Process, fd: number, buf: number, len: number, flags: number, addr: number, alenPtr: number, out: number) => {
        const s = sock(p, fd);
        const view = p.mem.view(buf, len);
        p.mem.check(out, 4);
        if (addr && alenPtr && p.mem.i32(alenPtr) < 0) return E.EINVAL;
        const r = doRecv(p, s, [view], flags);
        if (r === BLOCKED) return r;
        if (typeof r === 'number') return -r;
        if (addr && alenPtr) writeSockaddr(p.mem, addr, alenPtr, s.kind === 'stream' ? s.remote ?? { family: 'unnamed' } : r.from ?? { family: 'unnamed' });
        p.mem.setU32(out, r.n);
        return 0;
      }),
    syscall(S, 'sendmsg', { strace: 'sendmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr', 'flags:flags', 'sent:out'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
      const s = sock(p, fd);
      const m = readMsg(p, msgPtr);
      p.mem.check(out, 4);
      const dst = m.name && s.kind === 'dgram' ? readAddr(p, m.name, m.namelen) : undefined;
      const r = doSend(p, s, m.iov, flags, dst);
      if (r === BLOCKED) return r;
      if (r < 0) return -r;
      p.mem.setU32(out, r);
      return 0;
    }),
    syscall(S, 'recvmsg', { strace: 'recvmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr', 'flags:flags', 'received:out'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
      const s = sock(p, fd);
      const m = readMsg(p, msgPtr);
      p.mem.check(out, 4);
      const r = doRecv(p, s, m.iov, flags);
      if (r === BLOCKED) return r;
      if (typeof r === 'number') return -r;
      if (m.name) {
        const a = encodeSockaddr(s.kind === 'stream' ? s.remote ?? { family: 'unnamed' } : r.from ?? { family: 'unnamed' });
        p.mem.write(m.name, a.subarray(0, Math.min(m.namelen, a.length)));
        p.mem.setU32(msgPtr + 4, a.length);
      } else p.mem.setU32(msgPtr + 4, 0);
      p.mem.setU32(msgPtr + 20, 0);
      p.mem.setI32(msgPtr + 24, r.truncated ? MSG.MSG_TRUNC : 0);
      p.mem.setU32(out, r.n);
      return 0;
    }),
    syscall(S, 'shutdown', { strace: 'shutdown', classes: ['net'], params: ['fd:fd', 'how:i32'] }, (p: Process, fd: number, how: number) => {
      sock(p, fd).shutdown(how);
      return 0;
    }),
    syscall(S, 'getsockname', { strace: 'getsockname', classes: ['net'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:inout'] }, (p: Process, fd: number, addr: number, lenPtr: number) => {
      const s = sock(p, fd);
      p.mem.check(lenPtr, 4);
      if (p.mem.i32(lenPtr) < 0) return E.EINVAL;
      const local: Addr = s.local ?? (s.isUnix ? { family: 'unnamed' } : { family: s.domain === AF.AF_INET ? 4 : 6, ip: s.domain === AF.AF_INET ? '0.0.0.0' : '::', port: 0 });
      writeSockaddr(p.mem, addr, lenPtr, local);
      return 0;
    }),
    syscall(S, 'getpeername', { strace: 'getpeername', classes: ['net'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:inout'] }, (p: Process, fd: number, addr: number, lenPtr: number) => {
      const s = sock(p, fd);
      p.mem.check(lenPtr, 4);
      if (p.mem.i32(lenPtr) < 0) return E.EINVAL;
      if (!s.remote || (s.kind !== 'dgram' && s.state !== 'connected')) return E.ENOTCONN;
      writeSockaddr(p.mem, addr, lenPtr, s.remote);
      return 0;
    }),
    syscall(S, 'setsockopt', { strace: 'setsockopt', classes: ['net'], params: ['fd:fd', 'level:i32', 'optname:i32', 'optval:ptr', 'optlen:len'] }, setsockopt),
    syscall(S, 'getsockopt', { strace: 'getsockopt', classes: ['net'], params: ['fd:fd', 'level:i32', 'optname:i32', 'optval:out', 'optlen:inout'] }, getsockopt),
    syscall(S, 'poll', { strace: 'poll', classes: ['desc'], params: ['fds:pollfds', 'nfds:u32', 'timeout:i32', 'ready:out'], mayBlock: true }, doPoll),
    syscall(S, 'select', { strace: 'select', classes: ['desc'], params: ['nfds:i32', 'readfds:fdset', 'writefds:fdset', 'exceptfds:fdset', 'timeout:timeval', 'ready:out'], mayBlock: true }, doSelect),
    syscall(S, 'getaddrinfo', { strace: 'getaddrinfo', classes: ['net'], params: ['node:cstr', 'service:cstr', 'hints:ptr', 'res:out', 'reslen:len', 'count:out'] }, doGetaddrinfo),
    syscall(S, 'getnameinfo', { strace: 'getnameinfo', classes: ['net'], params: ['addr:sockaddr', 'addrlen:len', 'host:out', 'hostlen:len', 'serv:out', 'servlen:len', 'flags:flags'] }, doGetnameinfo),
    syscall(S, 'gethostname', { strace: 'uname', classes: [], params: ['name:out', 'len:len'] }, (p: Process, buf: number, len: number) => {
      const name = encodeUtf8(p.host);
      if (len < 0) return E.EINVAL;
      if (name.length + 1 > len) return E.ENAMETOOLONG;
      p.mem.write(buf, name);
      p.mem.setU8(buf + name.length, 0);
      return 0;
    }),
    syscall(S, 'sigpipe', { strace: 'rt_sigaction', classes: ['signal'], params: ['disposition:i32'] }, (p: Process, d: number) => {
      p.ext['sigpipe'] = d === 1 ? 'ignore' : 'default';
      return 0;
    }),
  ];

  const shims: WasiSocketShims = {
    accept: (p, fd, flags, out) => doAccept(p, fd, 0, 0, flags & 4 ? SOCK_NONBLOCK : 0, out),
    recv: (p, fd, iovs, riFlags) => {
      const flags = (riFlags & 1 ? MSG.MSG_PEEK : 0) | (riFlags & 2 ? MSG.MSG_WAITALL : 0);
      const r = doRecv(p, sock(p, fd), iovs, flags);
      if (r === BLOCKED) return r;
      if (typeof r === 'number') return -r;
      return { n: r.n, roFlags: r.truncated ? 1 : 0 };
    },
    send: (p, fd, iovs) => doSend(p, sock(p, fd), iovs, 0, undefined),
    shutdown: (p, fd, how) => {
      // WASI: RD=1, WR=2; Linux: RD=0, WR=1, RDWR=2.
      if (how < 1 || how > 3) return E.EINVAL;
      sock(p, fd).shutdown(how - 1);
      return 0;
    },
  };
  return { syscalls, shims };
}

export { gather };
