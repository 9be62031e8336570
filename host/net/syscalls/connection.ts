// A socket's connection and its names: bind, listen, accept, accept4, connect,
// shutdown, getsockname, getpeername.
import { E } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { Slot } from '../../kernel/slots.js';
import { AF, SOCK_CLOEXEC, SOCK_NONBLOCK } from '../addr/constants.js';
import { UNNAMED, writeSockaddr, type Addr, type UnixAddr } from '../addr/sockaddr.js';
import { sockOf } from '../fd.js';
import { accept, bind, connect, listen } from '../ops.js';
import type { HostSocketPath, Socket } from '../socket/socket.js';
import { realNetOf } from '../real/network.js';
import { realBind, realBindUnix, realConnectUnix, wildcard } from '../real/ops.js';
import { unixConnected, unixListening } from '../unix/unix.js';
import { readAddr, waitFor } from './common.js';
import { IFINDEX, mcastOf } from '../virtual/multicast.js';
import { vhost } from '../virtual/host.js';
import { bindPacket, packetName } from '../virtual/packet.js';
import { VFS } from '../../fs/memfs.js';
import { socketFileMade } from '../../fs/modes.js';

const S = 'socklab';

function installAccepted(p: Process, c: Socket, flags: number, addrPtr: number, lenPtr: number, fdOut: number): number {
  c.nonblock = (flags & SOCK_NONBLOCK) !== 0;
  // Linux dequeues the connection before it copies the address out: a bad address or length loses it (do_accept).
  if (addrPtr) {
    try {
      writeSockaddr(p.mem, addrPtr, lenPtr, c.remote ?? UNNAMED);
    } catch (e) {
      c.close();
      throw e;
    }
  }
  p.mem.setI32(fdOut, p.fds.install(c, { cloexec: (flags & SOCK_CLOEXEC) !== 0 }));
  return 0;
}

/** accept4 (and WASI's sock_accept): errno, or BLOCKED. */
export function doAccept(p: Process, fd: number, addrPtr: number, lenPtr: number, flags: number, fdOut: number): number {
  const s = sockOf(p, fd);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return E.EINVAL;
  p.mem.check(fdOut, 4);
  if (p.fds.size >= p.fds.limit) return E.EMFILE;
  const r = accept(s);
  if (r === WOULD_BLOCK) return waitFor(p, s, 'read', false);
  const c = r as Socket;
  // tcp_v4_syn_recv_sock / tcp_v6_syn_recv_sock: the accepted socket's multicast TTL (hop limit) is the one the
  // handshake's last ACK arrived with, the client's IP_TTL (IPV6_UNICAST_HOPS); IPv6 also takes the interface it came in by.
  if (!c.isUnix && !c.real && c.peer) {
    const m = mcastOf(c);
    if (c.domain === AF.AF_INET) m.ttl = c.peer.ttl;
    else {
      m.hops = c.peer.hops6 < 0 ? 64 : c.peer.hops6;
      m.if6 = vhost(c) === c.peer.host ? IFINDEX.lo : IFINDEX.eth0;
    }
  }
  return installAccepted(p, c, flags, addrPtr, lenPtr, fdOut);
}

/** The socket whose TCP handshake this connect() call began: that call says EINPROGRESS, later ones EALREADY. */
const CONNECT_STARTED = new Slot<Socket>('connect-started');

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
  if (r !== WOULD_BLOCK) {
    if (s.isUnix) unixConnected(p, s);
    return 0;
  }
  // A real UDP connect waits for Node to connect its socket.
  if (s.kind === 'dgram') return p.block([s.waitq]);
  if (s.isUnix) {
    // A full AF_UNIX backlog: wait for room (connectUnix said EAGAIN if non-blocking).
    const l = a.family === 'unix' ? s.findUnix(a) : undefined;
    return p.block(l ? [l.backlogWait, s.waitq] : [s.waitq], p.deadline(s.sndtimeo));
  }
  if (starting) p.setCallSlot(CONNECT_STARTED, s);
  const inProgress = p.callSlot(CONNECT_STARTED) === s ? E.EINPROGRESS : E.EALREADY;
  // Linux says EINPROGRESS even when the handshake completes at once (loopback).
  if (s.nonblock) return inProgress;
  // A blocking call waits: on one host the outcome is already known.
  r = connect(s, a, len);
  if (r !== WOULD_BLOCK) return 0;
  const deadline = p.deadline(s.sndtimeo);
  if (deadline >= 0 && p.timedOut()) return inProgress;
  return p.block([s.waitq], deadline);
}

/** shutdown(2) and WASI's sock_shutdown (`how` in Linux's numbering). */
export function doShutdown(p: Process, fd: number, how: number): number {
  sockOf(p, fd).shutdown(how);
  return 0;
}

export const bindDef: SyscallDef = syscall(S, 'bind', { strace: 'bind', classes: ['net'], params: ['fd:fd', 'addr:sockaddr', 'addrlen:len'] }, (p: Process, fd: number, addr: number, len: number) => {
  const s = sockOf(p, fd);
  // inet_bind reads only a sockaddr_in: an AF_INET6 family in 16 to 23 bytes is the wrong family, not a short sockaddr_in6.
  if (s.domain === AF.AF_INET && !s.isUnix && len >= 16 && len < 24 && addr !== 0) {
    p.mem.check(addr, len);
    if (p.mem.u16(addr) === AF.AF_INET6) return E.EAFNOSUPPORT;
  }
  const a = readAddr(p, addr, len);
  if (s.packet) return (bindPacket(s, a, len), 0);
  if (!s.isUnix && a.family === 'unix') return s.domain === AF.AF_INET6 && len < 24 ? E.EINVAL : E.EAFNOSUPPORT;
  // CAP_NET_BIND_SERVICE: a root process (socklab has no capabilities apart from euid 0); Linux drops it with the euid.
  const privileged = p.capNetRaw && p.creds.privileged;
  // On --net=real, Node binds asynchronously: the call waits for the host's answer.
  const host = realUnixPath(p, s, a, false);
  const r = s.real && !s.isUnix ? realBind(s, a, len, privileged) : host ? realBindUnix(realNetOf(p)!, s, a as UnixAddr, host) : (bind(s, a, len, privileged), 0);
  const vfs = p.slots.get(VFS);
  if (r === 0 && !host && a.family === 'unix' && !a.abstract && vfs) socketFileMade(p, vfs, a.path);
  return r === WOULD_BLOCK ? p.block([s.waitq]) : 0;
});

export const listenDef: SyscallDef = syscall(S, 'listen', { strace: 'listen', classes: ['net'], params: ['fd:fd', 'backlog:i32'] }, (p: Process, fd: number, backlog: number) => {
  const s = sockOf(p, fd);
  // An unbound real socket listens on an ephemeral port, which Node must bind first.
  if (s.real && !s.isUnix && s.kind === 'stream' && s.state !== 'listening' && (!s.local || s.real.op?.kind === 'bind')) {
    if (realBind(s, wildcard(s), 28, true) === WOULD_BLOCK) return p.block([s.waitq]);
  }
  listen(s, backlog);
  if (s.isUnix && !s.real) unixListening(p, s);
  return 0;
});

/** accept(2): the SDK's accept() (glibc's makes the accept syscall, which strace shows as accept, without flags). */
export const acceptDef: SyscallDef = syscall(S, 'accept', { strace: 'accept', classes: ['net', 'desc'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout', 'fd:ret_fd'], mayBlock: true }, (p: Process, fd: number, addr: number, len: number, out: number) => doAccept(p, fd, addr, len, 0, out));

/** accept4(2); modules built before socklab.accept make their accept() calls here too, with flags 0. */
export const accept4Def: SyscallDef = syscall(S, 'accept4', { strace: 'accept4', classes: ['net', 'desc'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout', 'flags:accept_flags', 'fd:ret_fd'], mayBlock: true }, doAccept);

export const connectDef: SyscallDef = syscall(S, 'connect', { strace: 'connect', classes: ['net'], params: ['fd:fd', 'addr:sockaddr', 'addrlen:len'], mayBlock: true }, doConnect);

export const shutdownDef: SyscallDef = syscall(S, 'shutdown', { strace: 'shutdown', classes: ['net'], params: ['fd:fd', 'how:shut_how'] }, doShutdown);

export const getsocknameDef: SyscallDef = syscall(S, 'getsockname', { strace: 'getsockname', classes: ['net'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout'] }, (p: Process, fd: number, addr: number, lenPtr: number) => {
  const s = sockOf(p, fd);
  // On the real network Node binds a UDP socket at its first sendto, and a TCP one at connect, a step
  // later: the port is known after a host turn.
  if ((s.kind === 'dgram' || s.state === 'connecting') && (!s.local || ('port' in s.local && s.local.port === 0))) {
    const r = s.hostSync(p);
    if (r !== undefined) return r;
  }
  if (s.packet) return (writeSockaddr(p.mem, addr, lenPtr, packetName(s)), 0);
  const local: Addr = s.local ?? (s.isUnix ? UNNAMED : { family: s.domain === AF.AF_INET ? 4 : 6, ip: s.domain === AF.AF_INET ? '0.0.0.0' : '::', port: 0 });
  writeSockaddr(p.mem, addr, lenPtr, local);
  return 0;
});

export const getpeernameDef: SyscallDef = syscall(S, 'getpeername', { strace: 'getpeername', classes: ['net'], params: ['fd:fd', 'addr:sockaddr_out', 'addrlen:socklen_inout'] }, (p: Process, fd: number, addr: number, lenPtr: number) => {
  const s = sockOf(p, fd);
  // packet_getname has no peer to give.
  if (s.packet) return E.EOPNOTSUPP;
  // A TCP connection a RST or a fatal error ended is TCP_CLOSE: inet_getname has no peer to give.
  if (!s.remote || (s.kind !== 'dgram' && s.state !== 'connected') || (!s.isUnix && s.kind === 'stream' && s.reset)) return E.ENOTCONN;
  writeSockaddr(p.mem, addr, lenPtr, s.remote);
  return 0;
});
