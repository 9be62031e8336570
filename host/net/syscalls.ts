// The socklab.* imports (docs/abi.md): decode guest arguments, check fds,
// flags and pointers the way Linux does, and drive the socket state machine.
// Blocking calls follow the kernel's discipline: try; on WOULD_BLOCK fail
// with EAGAIN (non-blocking, MSG_DONTWAIT, timeout) or suspend on the
// socket's wait queue and run again when woken.
import { E, Errno } from '../abi/errno.js';
import { encodeUtf8 } from '../abi/memory.js';
import { WOULD_BLOCK } from '../kernel/file.js';
import type { Process } from '../kernel/process.js';
import { brokenPipe } from '../kernel/signals.js';
import { BLOCKED, syscall, type SyscallDef } from '../kernel/syscall.js';
import type { WaitQueue } from '../kernel/wait.js';
import type { WasiSocketShims } from '../wasi/core.js';
import { UNNAMED, encodeSockaddr, readSockaddr, writeSockaddr, type Addr, type UnixAddr } from './addr/sockaddr.js';
import { AF, IPPROTO, MSG, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK } from './addr/constants.js';
import { sockOf } from './fd.js';
import { doGetaddrinfo, doGetnameinfo } from './netdb.js';
import { accept, bind, connect, listen } from './ops.js';
import { pairUnix } from './unix/unix.js';
import { doPoll, doSelect } from '../kernel/poll.js';
import { Socket, gather, type HostSocketPath, type Kind, type SocketPathNamespace } from './socket/socket.js';
import { getsockopt, setsockopt } from './sockopt.js';
import { networkOf } from './virtual/index.js';
import { realNetOf } from './real/network.js';
import { attachReal, realBind, realBindUnix, realConnectUnix, refuseRaw, wildcard } from './real/ops.js';

const S = 'socklab';
const KNOWN_MSG = MSG.MSG_OOB | MSG.MSG_PEEK | MSG.MSG_DONTROUTE | MSG.MSG_DONTWAIT | MSG.MSG_EOR | MSG.MSG_WAITALL | MSG.MSG_CONFIRM | MSG.MSG_NOSIGNAL | MSG.MSG_MORE | MSG.MSG_TRUNC | MSG.MSG_CMSG_CLOEXEC | MSG.MSG_ERRQUEUE;

/** EAGAIN or suspend, honouring O_NONBLOCK, MSG_DONTWAIT and SO_RCVTIMEO/SO_SNDTIMEO. */
function waitFor(p: Process, s: Socket, dir: 'read' | 'write', dontwait: boolean, queues: WaitQueue[] = [s.waitq]): number {
  if (s.nonblock || dontwait) return E.EAGAIN;
  const deadline = p.deadline(dir === 'read' ? s.rcvtimeo : s.sndtimeo);
  if (deadline >= 0 && p.timedOut()) return E.EAGAIN;
  return p.block(queues, deadline);
}

/** IPPROTO_MAX: inet_create refuses protocol numbers outside [0, 263) with EINVAL. */
const IPPROTO_MAX = 263;
/** The inet socket types and the one protocol each takes besides 0 (inetsw); SOCK_RAW takes any but 0. */
const INET_TYPES: Readonly<Partial<Record<number, { kind: Kind; protocol: number; raw?: true }>>> = {
  [SOCK.SOCK_STREAM]: { kind: 'stream', protocol: IPPROTO.IPPROTO_TCP },
  [SOCK.SOCK_DGRAM]: { kind: 'dgram', protocol: IPPROTO.IPPROTO_UDP },
  [SOCK.SOCK_RAW]: { kind: 'dgram', protocol: -1, raw: true },
};
/** AF_UNIX types; Linux takes SOCK_RAW as SOCK_DGRAM ("BSD has AF_UNIX, SOCK_RAW though nothing uses it"). */
const UNIX_TYPES: Readonly<Partial<Record<number, Kind>>> = {
  [SOCK.SOCK_STREAM]: 'stream',
  [SOCK.SOCK_DGRAM]: 'dgram',
  [SOCK.SOCK_RAW]: 'dgram',
  [SOCK.SOCK_SEQPACKET]: 'seqpacket',
};

/** socket(2)'s checks in Linux's order: flags, then the family's create (unix_create, inet_create), then CAP_NET_RAW. */
function newSocket(p: Process, domain: number, type: number, protocol: number): Socket {
  const base = type & SOCK_TYPE_MASK;
  if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new Errno(E.EINVAL);
  let kind: Kind;
  let raw = false;
  if (domain === AF.AF_UNIX) {
    if (protocol !== 0 && protocol !== AF.AF_UNIX) throw new Errno(E.EPROTONOSUPPORT);
    const k = UNIX_TYPES[base];
    if (!k) throw new Errno(E.ESOCKTNOSUPPORT);
    kind = k;
  } else if (domain === AF.AF_INET || domain === AF.AF_INET6) {
    if (protocol < 0 || protocol >= IPPROTO_MAX) throw new Errno(E.EINVAL);
    const t = INET_TYPES[base];
    if (!t) throw new Errno(E.ESOCKTNOSUPPORT);
    if (t.raw ? protocol === 0 : protocol !== 0 && protocol !== t.protocol) throw new Errno(E.EPROTONOSUPPORT);
    if (t.raw && p.ext['noRaw'] === true) throw new Errno(E.EPERM);
    const rn = realNetOf(p);
    if (t.raw && rn) refuseRaw(rn);
    kind = t.kind;
    raw = t.raw === true;
  } else throw new Errno(E.EAFNOSUPPORT);
  const net = networkOf(p);
  const s = new Socket(net, net.host(p.host), raw ? undefined : (p.ext['vfs'] as SocketPathNamespace | undefined), domain, kind, protocol);
  s.nonblock = (type & SOCK_NONBLOCK) !== 0;
  if (raw) {
    // A raw socket sees every packet of its protocol arriving at the host; IPPROTO_RAW implies IP_HDRINCL.
    s.raw = true;
    s.hdrincl = domain === AF.AF_INET && protocol === IPPROTO.IPPROTO_RAW;
    (s.host.raw ??= []).push(s);
  }
  const rn = realNetOf(p);
  if (rn) attachReal(rn, s);
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
  const total = lengthOf(iovs);
  try {
    if (s.kind === 'dgram') {
      // udp_sendmsg takes AF_UNSPEC as AF_INET.
      if (dst?.family === 'unspec' && dst.asV4 && s.domain === AF.AF_INET) dst = dst.asV4;
      // unix_validate_addr: an AF_UNIX datagram's address is a sockaddr_un with a name, or EINVAL.
      if (dst && s.isUnix && dst.family !== 'unix') return -E.EINVAL;
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
    // Only stream sockets raise SIGPIPE (tcp and unix_stream sendmsg); datagram and seqpacket just say EPIPE.
    if (e instanceof Errno && e.errno === E.EPIPE && s.kind === 'stream') return -brokenPipe(p, (flags & MSG.MSG_NOSIGNAL) !== 0, E.EPIPE);
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
  if (s.kind === 'dgram' || s.kind === 'seqpacket') {
    if (s.kind === 'dgram' && s.soError) return -s.takeError();
    const r = s.recvMessage(iovs, peek);
    if (r.n === WOULD_BLOCK) {
      const w = waitFor(p, s, 'read', dontwait);
      return w === BLOCKED ? w : -w;
    }
    // With MSG_TRUNC a datagram or message reports its real length.
    return { n: flags & MSG.MSG_TRUNC ? r.full : r.n, from: r.from, truncated: r.truncated };
  }
  const waitall = (flags & MSG.MSG_WAITALL) !== 0 && !peek && !dontwait && !s.nonblock;
  const want = lengthOf(iovs);
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
    if (!waitall || n === 0 || done >= want) return { n: done, from: streamSource(s), truncated: false };
  }
}

/** The sender's name as recvfrom/recvmsg report it: none (length 0) for an unnamed AF_UNIX sender. */
function sourceName(a: Addr | undefined): Addr | undefined {
  return a && a.family !== 'unnamed' && a.family !== 'unspec' ? a : undefined;
}

/** recvfrom's address on a stream: TCP gives none (length 0), AF_UNIX the peer's name if it has one. */
function streamSource(s: Socket): Addr | undefined {
  return s.isUnix && s.remote?.family === 'unix' ? s.remote : undefined;
}

function lengthOf(iovs: Uint8Array[]): number {
  let n = 0;
  for (let i = 0; i < iovs.length; i++) n += iovs[i]!.length;
  return n;
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
  if (addrPtr) writeSockaddr(p.mem, addrPtr, lenPtr, c.remote ?? UNNAMED);
  p.mem.setI32(fdOut, p.fds.install(c, { cloexec: (flags & SOCK_CLOEXEC) !== 0 }));
  return 0;
}

function doAccept(p: Process, fd: number, addrPtr: number, lenPtr: number, flags: number, fdOut: number): number {
  const s = sockOf(p, fd);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return E.EINVAL;
  p.mem.check(fdOut, 4);
  if (addrPtr) {
    if (lenPtr === 0) return E.EFAULT;
    if (p.mem.i32(lenPtr) < 0) return E.EINVAL;
  }
  if (p.fds.size >= p.fds.limit) return E.EMFILE;
  const r = accept(s);
  if (r === WOULD_BLOCK) return waitFor(p, s, 'read', false);
  return installAccepted(p, r as Socket, flags, addrPtr, lenPtr, fdOut);
}

/** The connect() call (by its start time) that began a socket's TCP handshake: it says EINPROGRESS, later ones EALREADY. */
const connectStarter = new WeakMap<Socket, { p: Process; start: number }>();

/** On --net=real: the host path behind an AF_UNIX address inside a granted --dir, else undefined (the socket stays in memory). */
function realUnixPath(p: Process, s: Socket, a: Addr, follow: boolean): HostSocketPath | undefined {
  if (!s.isUnix || a.family !== 'unix' || a.abstract || !realNetOf(p)) return undefined;
  return s.fs?.hostSocketPath?.(a.path, follow);
}

function doConnect(p: Process, fd: number, addrPtr: number, len: number): number {
  const s = sockOf(p, fd);
  const a = readAddr(p, addrPtr, len);
  if (!s.isUnix && a.family === 'unix') return E.EAFNOSUPPORT;
  if (s.isUnix && a.family !== 'unix' && !(a.family === 'unspec' && s.kind === 'dgram')) return E.EINVAL;
  const host = realUnixPath(p, s, a, true);
  if (host) {
    const u = realConnectUnix(realNetOf(p)!, s, a as UnixAddr, host);
    return u === WOULD_BLOCK ? p.block([s.waitq], p.deadline(s.sndtimeo)) : 0;
  }
  const starting = !s.isUnix && s.kind === 'stream' && s.ss === 'unconnected';
  let r = connect(s, a, len);
  if (r !== WOULD_BLOCK) return 0;
  // A real UDP connect waits for Node to connect its socket.
  if (s.kind === 'dgram') return p.block([s.waitq]);
  if (s.isUnix) {
    // A full AF_UNIX backlog: wait for room (connectUnix said EAGAIN if non-blocking).
    const l = a.family === 'unix' ? s.findUnix(a) : undefined;
    return p.block(l ? [l.backlogWait, s.waitq] : [s.waitq], p.deadline(s.sndtimeo));
  }
  if (starting) connectStarter.set(s, { p, start: p.callStart });
  const mine = connectStarter.get(s);
  const inProgress = mine && mine.p === p && mine.start === p.callStart ? E.EINPROGRESS : E.EALREADY;
  // Linux says EINPROGRESS even when the handshake completes at once (loopback).
  if (s.nonblock) return inProgress;
  // A blocking call waits: on one host the outcome is already known.
  r = connect(s, a, len);
  if (r !== WOULD_BLOCK) return 0;
  const deadline = p.deadline(s.sndtimeo);
  if (deadline >= 0 && p.timedOut()) return inProgress;
  return p.block([s.waitq], deadline);
}

/** The socklab.* imports (docs/abi.md) and the routes for WASI's sock_* calls, built once. */
export function createSocketSyscalls(): { syscalls: SyscallDef[]; shims: WasiSocketShims } {
  return { syscalls: socketSyscalls, shims: sockShims };
}

function buildSocketSyscalls(): { syscalls: SyscallDef[]; shims: WasiSocketShims } {
  const syscalls: SyscallDef[] = [
    syscall(S, 'socket', { strace: 'socket', classes: ['net', 'desc'], params: ['domain:family', 'type:socktype', 'protocol:protocol', 'fd:ret_fd'] }, (p: Process, domain: number, type: number, protocol: number, out: number) => {
      p.mem.check(out, 4);
      const s = newSocket(p, domain, type, protocol);
      p.mem.setI32(out, p.fds.install(s, { cloexec: (type & SOCK_CLOEXEC) !== 0 }));
      return 0;
    }),
    syscall(S, 'socketpair', { strace: 'socketpair', classes: ['net', 'desc'], params: ['domain:family', 'type:socktype', 'protocol:protocol', 'sv:fd_pair_out'] }, (p: Process, domain: number, type: number, protocol: number, out: number) => {
      p.mem.check(out, 8);
      if (domain !== AF.AF_UNIX) {
        newSocket(p, domain, type, protocol); // the errno socket() would give first
        return E.EOPNOTSUPP;
      }
      const a = newSocket(p, domain, type, protocol);
      const b = newSocket(p, domain, type, protocol);
      pairUnix(a, b);
      if (p.fds.size + 2 > p.fds.limit) return E.EMFILE;
      const fa = p.fds.install(a, { cloexec: (type & SOCK_CLOEXEC) !== 0 });
      const fb = p.fds.install(b, { cloexec: (type & SOCK_CLOEXEC) !== 0 });
      p.mem.setI32(out, fa);
      p.mem.setI32(out + 4, fb);
      return 0;
    }),
    syscall(S, 'bind', { strace: 'bind', classes: ['net'], params: ['fd:fd', 'addr:sockaddr', 'addrlen:len'] }, (p: Process, fd: number, addr: number, len: number) => {
      const s = sockOf(p, fd);
      const a = readAddr(p, addr, len);
      if (!s.isUnix && a.family === 'unix') return s.domain === AF.AF_INET6 && len < 24 ? E.EINVAL : E.EAFNOSUPPORT;
      const privileged = p.ext['noRaw'] !== true;
      // On --net=real, Node binds asynchronously: the call waits for the host's answer.
      const host = realUnixPath(p, s, a, false);
      const r = s.real && !s.isUnix ? realBind(s, a, len, privileged) : host ? realBindUnix(realNetOf(p)!, s, a as UnixAddr, host) : (bind(s, a, len, privileged), 0);
      return r === WOULD_BLOCK ? p.block([s.waitq]) : 0;
    }),
    syscall(S, 'listen', { strace: 'listen', classes: ['net'], params: ['fd:fd', 'backlog:i32'] }, (p: Process, fd: number, backlog: number) => {
      const s = sockOf(p, fd);
      // An unbound real socket listens on an ephemeral port, which Node must bind first.
      if (s.real && !s.isUnix && s.kind === 'stream' && s.state !== 'listening' && (!s.local || s.real.op?.kind === 'bind')) {
        if (realBind(s, wildcard(s), 28, true) === WOULD_BLOCK) return p.block([s.waitq]);
      }
      listen(s, backlog);
      return 0;
    }),
    syscall(S, 'accept4', { strace: 'accept4', classes: ['net', 'desc'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout', 'flags:accept_flags', 'fd:ret_fd'], mayBlock: true }, doAccept),
    syscall(S, 'connect', { strace: 'connect', classes: ['net'], params: ['fd:fd', 'addr:sockaddr', 'addrlen:len'], mayBlock: true }, doConnect),
    syscall(S, 'sendto', { strace: 'sendto', classes: ['net'], params: ['fd:fd', 'buf:buf', 'len:len', 'flags:msg_flags', 'addr:sockaddr', 'addrlen:len', 'sent:ret'], mayBlock: true },
      (p: Process, fd: number, buf: number, len: number, flags: number, addr: number, alen: number, out: number) => {
        const s = sockOf(p, fd);
        const data = p.mem.view(buf, len);
        p.mem.check(out, 4);
        // An AF_UNIX stream refuses an address (unix_stream_sendmsg); TCP and seqpacket ignore it.
        if (addr && alen && s.isUnix && s.kind === 'stream') return s.state === 'connected' ? E.EISCONN : E.EOPNOTSUPP;
        const dst = addr && s.kind === 'dgram' ? readAddr(p, addr, alen) : undefined;
        const r = doSend(p, s, [data], flags, dst);
        if (r === BLOCKED) return r;
        if (r < 0) return -r;
        p.mem.setU32(out, r);
        return 0;
      }),
    syscall(S, 'recvfrom', { strace: 'recvfrom', classes: ['net'], params: ['fd:fd', 'buf:buf_out', 'len:len', 'flags:msg_flags', 'addr:sockaddr_out', 'addrlen:socklen_inout', 'received:ret'], mayBlock: true },
      (p: Process, fd: number, buf: number, len: number, flags: number, addr: number, alenPtr: number, out: number) => {
        const s = sockOf(p, fd);
        const view = p.mem.view(buf, len);
        p.mem.check(out, 4);
        if (addr && (alenPtr === 0 || p.mem.i32(alenPtr) < 0)) return alenPtr === 0 ? E.EFAULT : E.EINVAL;
        const r = doRecv(p, s, [view], flags);
        if (r === BLOCKED) return r;
        if (typeof r === 'number') return -r;
        if (addr) writeSockaddr(p.mem, addr, alenPtr, sourceName(r.from));
        p.mem.setU32(out, r.n);
        return 0;
      }),
    syscall(S, 'sendmsg', { strace: 'sendmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr', 'flags:msg_flags', 'sent:ret'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
      const s = sockOf(p, fd);
      const m = readMsg(p, msgPtr);
      p.mem.check(out, 4);
      const dst = m.name && s.kind === 'dgram' ? readAddr(p, m.name, m.namelen) : undefined;
      const r = doSend(p, s, m.iov, flags, dst);
      if (r === BLOCKED) return r;
      if (r < 0) return -r;
      p.mem.setU32(out, r);
      return 0;
    }),
    syscall(S, 'recvmsg', { strace: 'recvmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr_out', 'flags:msg_flags', 'received:ret'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
      const s = sockOf(p, fd);
      const m = readMsg(p, msgPtr);
      p.mem.check(out, 4);
      const r = doRecv(p, s, m.iov, flags);
      if (r === BLOCKED) return r;
      if (typeof r === 'number') return -r;
      // msg_namelen is written only when there is a msg_name, as ___sys_recvmsg does.
      if (m.name) {
        const from = sourceName(r.from);
        const a = from ? encodeSockaddr(from) : undefined;
        if (a) p.mem.write(m.name, a.subarray(0, Math.min(m.namelen, a.length)));
        p.mem.setU32(msgPtr + 4, a ? a.length : 0);
      }
      p.mem.setU32(msgPtr + 20, 0);
      p.mem.setI32(msgPtr + 24, r.truncated ? MSG.MSG_TRUNC : 0);
      p.mem.setU32(out, r.n);
      return 0;
    }),
    syscall(S, 'shutdown', { strace: 'shutdown', classes: ['net'], params: ['fd:fd', 'how:shut_how'] }, (p: Process, fd: number, how: number) => {
      sockOf(p, fd).shutdown(how);
      return 0;
    }),
    syscall(S, 'getsockname', { strace: 'getsockname', classes: ['net'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout'] }, (p: Process, fd: number, addr: number, lenPtr: number) => {
      const s = sockOf(p, fd);
      const local: Addr = s.local ?? (s.isUnix ? UNNAMED : { family: s.domain === AF.AF_INET ? 4 : 6, ip: s.domain === AF.AF_INET ? '0.0.0.0' : '::', port: 0 });
      writeSockaddr(p.mem, addr, lenPtr, local);
      return 0;
    }),
    syscall(S, 'getpeername', { strace: 'getpeername', classes: ['net'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout'] }, (p: Process, fd: number, addr: number, lenPtr: number) => {
      const s = sockOf(p, fd);
      if (!s.remote || (s.kind !== 'dgram' && s.state !== 'connected')) return E.ENOTCONN;
      writeSockaddr(p.mem, addr, lenPtr, s.remote);
      return 0;
    }),
    syscall(S, 'setsockopt', { strace: 'setsockopt', classes: ['net'], params: ['fd:fd', 'level:sockopt_level', 'optname:sockopt_name', 'optval:sockopt_val', 'optlen:len'] }, setsockopt),
    syscall(S, 'getsockopt', { strace: 'getsockopt', classes: ['net'], params: ['fd:fd', 'level:sockopt_level', 'optname:sockopt_name', 'optval:sockopt_val_out', 'optlen:socklen_inout'] }, getsockopt),
    syscall(S, 'poll', { strace: 'poll', classes: ['desc'], params: ['fds:pollfds', 'nfds:u32', 'timeout:i32', 'ready:ret'], mayBlock: true }, doPoll),
    syscall(S, 'select', { strace: 'select', classes: ['desc'], params: ['nfds:i32', 'readfds:fdset', 'writefds:fdset', 'exceptfds:fdset', 'timeout:timeval', 'ready:ret'], mayBlock: true }, doSelect),
    syscall(S, 'getaddrinfo', { strace: 'getaddrinfo', classes: ['net'], library: true, params: ['node:cstr', 'service:cstr', 'hints:ai_hints', 'res:ai_result', 'reslen:skip', 'count:ai_count'] }, doGetaddrinfo),
    syscall(S, 'getnameinfo', { strace: 'getnameinfo', classes: ['net'], library: true, params: ['addr:sockaddr', 'addrlen:len', 'host:cstr_out', 'hostlen:len', 'serv:cstr_out', 'servlen:len', 'flags:ni_flags'] }, doGetnameinfo),
    syscall(S, 'gethostname', { strace: 'uname', classes: [], params: ['name:cstr_out', 'len:len'] }, (p: Process, buf: number, len: number) => {
      const name = encodeUtf8(p.host);
      if (len < 0) return E.EINVAL;
      if (name.length + 1 > len) return E.ENAMETOOLONG;
      p.mem.write(buf, name);
      p.mem.setU8(buf + name.length, 0);
      return 0;
    }),
    syscall(S, 'sigpipe', { strace: 'rt_sigaction', classes: ['signal'], params: ['disposition:sigpipe_disp'] }, (p: Process, d: number) => {
      p.ext['sigpipe'] = d === 1 ? 'ignore' : 'default';
      return 0;
    }),
  ];

  const shims: WasiSocketShims = {
    accept: (p, fd, flags, out) => doAccept(p, fd, 0, 0, flags & 4 ? SOCK_NONBLOCK : 0, out),
    recv: (p, fd, iovs, riFlags) => {
      const flags = (riFlags & 1 ? MSG.MSG_PEEK : 0) | (riFlags & 2 ? MSG.MSG_WAITALL : 0);
      const r = doRecv(p, sockOf(p, fd), iovs, flags);
      if (r === BLOCKED) return r;
      if (typeof r === 'number') return -r;
      return { n: r.n, roFlags: r.truncated ? 1 : 0 };
    },
    send: (p, fd, iovs) => doSend(p, sockOf(p, fd), iovs, 0, undefined),
    shutdown: (p, fd, how) => {
      // WASI: RD=1, WR=2; Linux: RD=0, WR=1, RDWR=2.
      if (how < 1 || how > 3) return E.EINVAL;
      sockOf(p, fd).shutdown(how - 1);
      return 0;
    },
  };
  return { syscalls, shims };
}

const built = buildSocketSyscalls();
/** Every socklab.* import, for the kernel's syscall table. */
export const socketSyscalls: SyscallDef[] = built.syscalls;
/**
 * WASI preview1's sock_accept / sock_recv / sock_send / sock_shutdown, routed
 * to the same socket code (host/wasi/core.ts calls these):
 *   accept(p, fd, fdflags, fdOut) -> errno          (fdflags NONBLOCK=4 gives SOCK_NONBLOCK)
 *   recv(p, fd, iovs, riflags) -> {n, roFlags} | errno | BLOCKED   (RECV_PEEK=1, RECV_WAITALL=2; roFlags 1 = data truncated)
 *   send(p, fd, iovs, siflags) -> bytes | -errno | BLOCKED
 *   shutdown(p, fd, how) -> errno                   (WASI RD=1, WR=2, both=3)
 */
export const sockShims: WasiSocketShims = built.shims;

export { gather };
