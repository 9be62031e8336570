// Moving data: sendto, recvfrom, sendmsg, recvmsg (and the send/recv paths
// of WASI's sock_send and sock_recv). A stream call that blocks part-way
// keeps what it moved in p.callBytes and goes on from there when woken.
import { E, Errno } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import type { Process } from '../../kernel/process.js';
import { brokenPipe } from '../../kernel/signals.js';
import { BLOCKED, syscall, type SyscallDef } from '../../kernel/syscall.js';
import { AF, MSG } from '../addr/constants.js';
import { encodeSockaddr, writeSockaddr, type Addr } from '../addr/sockaddr.js';
import { sockOf } from '../fd.js';
import type { Socket } from '../socket/socket.js';
import { readAddr, waitFor } from './common.js';

const S = 'socklab';
const KNOWN_MSG = MSG.MSG_OOB | MSG.MSG_PEEK | MSG.MSG_DONTROUTE | MSG.MSG_DONTWAIT | MSG.MSG_EOR | MSG.MSG_WAITALL | MSG.MSG_CONFIRM | MSG.MSG_NOSIGNAL | MSG.MSG_MORE | MSG.MSG_TRUNC | MSG.MSG_CMSG_CLOEXEC | MSG.MSG_ERRQUEUE;

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
export function doSend(p: Process, s: Socket, iovs: Uint8Array[], flags: number, dst: Addr | undefined): number {
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
      const n = s.sendStream(from(iovs, done), total - done, (flags & MSG.MSG_OOB) !== 0);
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

export interface Received { n: number; from?: Addr; truncated: boolean; oob?: boolean }

/** recv/recvfrom/recvmsg: bytes (or the full datagram size with MSG_TRUNC), a negative errno, or BLOCKED. */
export function doRecv(p: Process, s: Socket, iovs: Uint8Array[], flags: number): Received | number {
  if (flags & ~KNOWN_MSG) return -E.EOPNOTSUPP;
  const peek = (flags & MSG.MSG_PEEK) !== 0;
  if (flags & MSG.MSG_OOB) {
    // TCP: the urgent byte (tcp_recv_urg, never blocks); udp_recvmsg ignores the flag; raw and
    // AF_UNIX datagram sockets refuse it; an AF_UNIX stream has no urgent data here (EINVAL).
    if (s.kind === 'stream' && !s.isUnix) {
      const u = s.recvUrgent(iovs, peek);
      return { n: u.n, truncated: u.truncated, oob: true };
    }
    if (s.isUnix && s.kind === 'stream') return -E.EINVAL;
    if (s.isUnix || s.raw) return -E.EOPNOTSUPP;
  }
  const dontwait = (flags & MSG.MSG_DONTWAIT) !== 0;
  if (s.kind === 'dgram' || s.kind === 'seqpacket') {
    if (s.kind === 'dgram' && s.soError) return -s.takeError();
    const r = s.recvMessage(iovs, peek, !(s.nonblock || dontwait));
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

export const sendtoDef: SyscallDef = syscall(S, 'sendto', { strace: 'sendto', classes: ['net'], params: ['fd:fd', 'buf:buf', 'len:len', 'flags:msg_flags', 'addr:sockaddr', 'addrlen:len', 'sent:ret'], mayBlock: true },
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
  });

export const recvfromDef: SyscallDef = syscall(S, 'recvfrom', { strace: 'recvfrom', classes: ['net'], params: ['fd:fd', 'buf:buf_out', 'len:len', 'flags:msg_flags', 'addr:sockaddr_out', 'addrlen:socklen_inout', 'received:ret'], mayBlock: true },
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
  });

export const sendmsgDef: SyscallDef = syscall(S, 'sendmsg', { strace: 'sendmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr', 'flags:msg_flags', 'sent:ret'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
  const s = sockOf(p, fd);
  const m = readMsg(p, msgPtr);
  p.mem.check(out, 4);
  const dst = m.name && s.kind === 'dgram' ? readAddr(p, m.name, m.namelen) : undefined;
  const r = doSend(p, s, m.iov, flags, dst);
  if (r === BLOCKED) return r;
  if (r < 0) return -r;
  p.mem.setU32(out, r);
  return 0;
});

export const recvmsgDef: SyscallDef = syscall(S, 'recvmsg', { strace: 'recvmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr_out', 'flags:msg_flags', 'received:ret'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
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
  p.mem.setI32(msgPtr + 24, (r.truncated ? MSG.MSG_TRUNC : 0) | (r.oob ? MSG.MSG_OOB : 0));
  p.mem.setU32(out, r.n);
  return 0;
});
