// Moving data: sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg (and the send/recv paths
// of WASI's sock_send and sock_recv). A stream call that blocks part-way
// keeps what it moved in p.callBytes and goes on from there when woken.
import { E, Errno } from '../../abi/errno.js';
import type { GuestMemory } from '../../abi/memory.js';
import { WOULD_BLOCK, type OpenFile } from '../../kernel/file.js';
import type { Process } from '../../kernel/process.js';
import { brokenPipe } from '../../kernel/signals.js';
import { BLOCKED, syscall, type SyscallDef } from '../../kernel/syscall.js';
import { AF, MSG, SOL } from '../addr/constants.js';
import { encodeSockaddr, writeSockaddr, type Addr } from '../addr/sockaddr.js';
import { ipBytes, ipText, isV4Mapped } from '../addr/ipaddr.js';
import { sockOf } from '../fd.js';
import { NO_CRED, SCM_MAX_FD, dropScm, type Cred, type Scm, type SendControl } from '../socket/scm.js';
import type { IpControl, PacketInfo, Socket } from '../socket/socket.js';
import { mayClaimCred, sendCredOf } from '../unix/unix.js';
import { readAddr, waitFor } from './common.js';
import { readTimespec } from '../../kernel/timespec.js';

const S = 'socklab';
const EMPTY: Uint8Array = new Uint8Array(0);
/** MSG_FASTOPEN: TCP answers EOPNOTSUPP, as Linux does with net.ipv4.tcp_fastopen's client bit off. */
const MSG_FASTOPEN = 0x20000000;
/** MSG_CMSG_COMPAT: sendmsg and recvmsg refuse it from a native (non-compat) caller, before looking at the fd. */
const MSG_CMSG_COMPAT = 0x80000000;

/** Views over a guest buffer, skipping what a suspended blocking call already moved (the same array when nothing was). */
function from(views: Uint8Array[], skip: number): Uint8Array[] {
  if (skip === 0) return views;
  const out: Uint8Array[] = [];
  for (const v of views) {
    if (skip >= v.length) { skip -= v.length; continue; }
    out.push(skip ? v.subarray(skip) : v);
    skip = 0;
  }
  return out;
}

/** No descriptors: shared, never pushed to (readControl fills an array of its own). */
const NO_FILES: OpenFile[] = [];
/** Each process's credentials as an AF_UNIX send attaches them: one object per process (anew after its ids change), not one per send. */
const creds = new WeakMap<Process, Cred>();
function selfCred(p: Process): Cred {
  let c = creds.get(p);
  if (!c || c.uid !== p.creds.ruid || c.gid !== p.creds.rgid) creds.set(p, (c = sendCredOf(p)));
  return c;
}
/**
 * The control of an AF_UNIX send without ancillary data (write, send, sendto, a sendmsg
 * with no msg_control). Reused by every such send: the carriers copy what they keep
 * (attachScm) and no send runs inside another.
 */
const plainCtl: SendControl = { files: NO_FILES, cred: undefined, self: NO_CRED };

/** send/sendto/sendmsg on any socket: bytes sent, or a negative errno, or BLOCKED. */
export function doSend(p: Process, s: Socket, iovs: Uint8Array[], flags: number, dst: Addr | undefined, ctl?: SendControl, ip?: IpControl): number {
  // Linux ignores the flag bits a protocol does not know.
  if (flags & MSG_FASTOPEN && s.kind === 'stream' && !s.isUnix) return -E.EOPNOTSUPP;
  const dontwait = (flags & MSG.MSG_DONTWAIT) !== 0;
  const total = lengthOf(iovs);
  // MSG_OOB: TCP, and an AF_UNIX stream with a byte to make urgent (unix_stream_sendmsg; node:net cannot carry it on --net=real).
  if (flags & MSG.MSG_OOB && (s.kind !== 'stream' || (s.isUnix && (total === 0 || s.real)))) return -E.EOPNOTSUPP;
  // AF_UNIX: the sender's credentials go along when either end has SO_PASSCRED (maybe_add_creds).
  if (s.isUnix && !s.real && !ctl) {
    ctl = plainCtl;
    ctl.self = selfCred(p);
  }
  // A stream send woken part-way already sent its descriptors with its first bytes.
  if (ctl && p.callBytes > 0) ctl.files = NO_FILES;
  try {
    if (s.packet) return s.sendFrame(iovs, total, dst);
    if (s.kind === 'dgram') {
      // udp_sendmsg takes AF_UNSPEC as AF_INET.
      if (dst?.family === 'unspec' && dst.asV4 && s.domain === AF.AF_INET) dst = dst.asV4;
      // unix_validate_addr: an AF_UNIX datagram's address is a sockaddr_un with a name, or EINVAL.
      if (dst && s.isUnix && dst.family !== 'unix') return -E.EINVAL;
      // A corked UDP datagram takes the data whatever the address (udp_sendmsg appends before it looks).
      const to = dst ?? s.remote ?? s.corked?.dst;
      if (!to) return -(s.isUnix ? E.ENOTCONN : E.EDESTADDRREQ);
      // (udpv6_sendmsg checks the address before it looks at a pending datagram.)
      if (dst && !s.isUnix && !(s.corked && s.domain === AF.AF_INET) && dst.family !== 4 && dst.family !== 6) return -E.EAFNOSUPPORT;
      const n = s.sendDatagram(iovs, total, to, ctl, ip, (flags & MSG.MSG_MORE) !== 0);
      if (n !== WOULD_BLOCK) return n;
      const r = waitFor(p, s, 'write', dontwait);
      return r === BLOCKED ? r : -r;
    }
    let done = p.callBytes;
    for (;;) {
      const n = s.sendStream(from(iovs, done), total - done, ctl, (flags & MSG.MSG_OOB) !== 0);
      if (n === WOULD_BLOCK) {
        const r = waitFor(p, s, 'write', dontwait);
        if (r === BLOCKED) {
          p.callBytes = done;
          return r;
        }
        return done > 0 ? done : -r;
      }
      done += n;
      if (ctl && n > 0) ctl.files = NO_FILES;
      if (done >= total || s.nonblock || dontwait) return done;
    }
  } catch (e) {
    // Only stream sockets raise SIGPIPE (tcp and unix_stream sendmsg); datagram and seqpacket just say EPIPE.
    if (e instanceof Errno && e.errno === E.EPIPE && s.kind === 'stream') return -brokenPipe(p, (flags & MSG.MSG_NOSIGNAL) !== 0, E.EPIPE);
    throw e;
  }
}

export interface Received { n: number; from: Addr | undefined; truncated: boolean; scm: Scm | undefined; oob: boolean; info: PacketInfo | undefined }

/** doRecv's answer, one object filled by every call (no receive allocates one): read it before the next doRecv. */
const received: Received = { n: 0, from: undefined, truncated: false, scm: undefined, oob: false, info: undefined };
function answer(n: number, from: Addr | undefined, truncated: boolean, scm: Scm | undefined, oob: boolean, info?: PacketInfo): Received {
  const r = received;
  r.info = info;
  r.n = n;
  r.from = from;
  r.truncated = truncated;
  r.scm = scm;
  r.oob = oob;
  return r;
}
/** What a stream read's chunk carried (recvStream's out-parameter), reused likewise. */
const got: { scm?: Scm } = { scm: undefined };

/**
 * recv/recvfrom/recvmsg: bytes (or the full datagram size with MSG_TRUNC), a negative errno, or BLOCKED.
 * With `wantScm` (recvmsg) the AF_UNIX ancillary data comes back in `scm`
 * (still the queue's under MSG_PEEK); otherwise descriptors received are closed.
 */
export function doRecv(p: Process, s: Socket, iovs: Uint8Array[], flags: number, wantScm = false): Received | number {
  // A stream read without MSG_OOB or MSG_ERRQUEUE (read(), recv() of a byte stream) goes straight to the stream
  // path; the rest out of line, so the function V8 compiles for the data path stays small.
  if ((flags & (MSG.MSG_OOB | MSG.MSG_ERRQUEUE)) === 0 && s.kind === 'stream') return recvStreamCall(p, s, iovs, flags, wantScm);
  return recvAny(p, s, iovs, flags, wantScm);
}

/** doRecv for any socket and flags: the urgent byte, the error queue, datagrams and seqpacket messages, else a stream read. */
function recvAny(p: Process, s: Socket, iovs: Uint8Array[], flags: number, wantScm: boolean): Received | number {
  // inet_recv_error: socklab queues no socket errors (IP_RECVERR is accepted, nothing is queued), and it never blocks.
  if (flags & MSG.MSG_ERRQUEUE && !s.isUnix) return -E.EAGAIN;
  const peek = (flags & MSG.MSG_PEEK) !== 0;
  if (flags & MSG.MSG_OOB) {
    // TCP and AF_UNIX streams: the urgent byte (tcp_recv_urg, unix_stream_recv_urg; never blocks);
    // udp_recvmsg ignores the flag; raw and AF_UNIX datagram and seqpacket sockets refuse it.
    if (s.kind === 'stream' && !s.isUnix) {
      const u = s.recvUrgent(iovs, peek);
      return answer(u.n, undefined, u.truncated, undefined, true);
    }
    if (s.isUnix && s.kind === 'stream') return answer(s.recvUrgentUnix(iovs, peek), undefined, false, undefined, true);
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
    if (!wantScm && !peek) dropScm(r.scm);
    // With MSG_TRUNC a datagram or message reports its real length.
    return answer(flags & MSG.MSG_TRUNC ? r.full : r.n, r.from, r.truncated, wantScm ? r.scm : undefined, false, r.info);
  }
  return recvStreamCall(p, s, iovs, flags, wantScm);
}

/** A stream read (recv, recvfrom, recvmsg, read): what comes until the target (SO_RCVLOWAT, MSG_WAITALL), or a wait. */
function recvStreamCall(p: Process, s: Socket, iovs: Uint8Array[], flags: number, wantScm: boolean): Received | number {
  const dontwait = (flags & MSG.MSG_DONTWAIT) !== 0;
  const peek = (flags & MSG.MSG_PEEK) !== 0;
  const want = lengthOf(iovs);
  // tcp_recvmsg, unix_stream_read_generic: a blocking read takes what comes until it has SO_RCVLOWAT
  // bytes (at most the count asked), or with MSG_WAITALL the whole count; a non-blocking one, what is there.
  const blocking = !peek && !dontwait && !s.nonblock;
  const target = !blocking ? 1 : flags & MSG.MSG_WAITALL ? want : Math.min(s.rcvlowat, want);
  let done = p.callBytes;
  let scm: Scm | undefined;
  for (;;) {
    got.scm = undefined;
    const n = s.recvStream(from(iovs, done), peek, false, s.isUnix ? got : undefined);
    const chunkScm = got.scm as Scm | undefined; // recvStream sets it
    got.scm = undefined;
    if (n === WOULD_BLOCK) {
      const w = waitFor(p, s, 'read', dontwait);
      if (w === BLOCKED) {
        p.callBytes = done;
        return w;
      }
      return done > 0 ? answer(done, undefined, false, scm, false) : -w;
    }
    done += n;
    // Short of the target the read goes on with the next chunks; the credentials are the first chunk's, and descriptors end the read.
    if (chunkScm) {
      if (!wantScm) {
        if (!peek) dropScm(chunkScm);
      } else scm = scm ? { files: chunkScm.files, cred: scm.cred } : chunkScm;
    }
    if (n === 0 || done >= target || scm?.files) return answer(done, streamSource(s), false, scm, false);
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

interface Msg { name: number; namelen: number; control: number; controllen: number }
/**
 * The msghdr readMsg read last, one object for every sendmsg and recvmsg (each reads it
 * before the next call). Numbers only: nothing of a guest's is kept past its call.
 */
const msg: Msg = { name: 0, namelen: 0, control: 0, controllen: 0 };
/** Set by readMsg(…, true): an iovec the kernel cannot write into ends the views it returned. */
let iovFault = false;

/**
 * A datagram recvmsg's iovecs when one cannot be written into: the views before it. Linux only
 * faults when it copies there (import_iovec's access_ok passes any user address), so the call
 * still takes a datagram, and fails only if the datagram reaches the bad iovec.
 */
function writableIovecs(mem: GuestMemory, ptr: number, count: number): Uint8Array[] {
  try {
    return mem.iovecs(ptr, count);
  } catch (e) {
    if (!(e instanceof Errno) || e.errno !== E.EFAULT) throw e;
  }
  mem.check(ptr, count * 8);
  const good: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const len = mem.u32(ptr + i * 8 + 4);
    total += len;
    if (total > 0x7fffffff) throw new Errno(E.EINVAL);
    // Nothing is ever copied to an empty iovec, wherever it points.
    if (iovFault || len === 0) continue;
    try {
      good.push(mem.view(mem.u32(ptr + i * 8), len));
    } catch (e) {
      if (!(e instanceof Errno)) throw e;
      iovFault = true;
    }
  }
  return good;
}

/**
 * Reads the msghdr at ptr into `msg`; returns its iovecs as views (GuestMemory.iovecs' array).
 * `lenient` (recvmsg on a datagram socket): a bad iov_base sets iovFault instead of failing.
 */
function readMsg(p: Process, ptr: number, lenient = false): Uint8Array[] {
  if (ptr === 0) throw new Errno(E.EFAULT);
  p.mem.check(ptr, 28);
  const iovPtr = p.mem.u32(ptr + 8);
  const iovlen = p.mem.i32(ptr + 12);
  if (iovlen < 0 || iovlen > 1024) throw new Errno(E.EMSGSIZE);
  iovFault = false;
  const iov = lenient ? writableIovecs(p.mem, iovPtr, iovlen) : p.mem.iovecs(iovPtr, iovlen);
  const m = msg;
  m.name = p.mem.u32(ptr);
  // copy_msghdr_from_user: a longer msg_namelen is cut to sizeof(struct sockaddr_storage), not refused.
  m.namelen = Math.min(p.mem.u32(ptr + 4), 128);
  m.control = p.mem.u32(ptr + 16);
  m.controllen = p.mem.u32(ptr + 20);
  return iov;
}

// ---------- ancillary data (wasm32 layout: struct cmsghdr is 12 bytes, 4-byte aligned) ----------

const CMSG_HDR = 12;
const IP_TOS = 1;
const IP_TTL = 2;
const IP_PKTINFO = 8;
/** SOL_PACKET's PACKET_AUXDATA (linux/if_packet.h). */
const SOL_PACKET = 263;
const PACKET_AUXDATA = 8;
/** RFC 3542's SOL_IPV6 control messages (IPV6_2292PKTINFO: RFC 2292's number for the same struct in6_pktinfo). */
const IPV6_2292PKTINFO = 2;
const IPV6_PKTINFO = 50;
const IPV6_HOPLIMIT = 52;
const IPV6_DONTFRAG = 62;
const IPV6_TCLASS = 67;
const cmsgAlign = (n: number): number => (n + 3) & ~3;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;

/**
 * The control messages of an AF_UNIX sendmsg, as __scm_send reads them:
 * a header shorter than itself or running past msg_controllen is EINVAL;
 * other levels are skipped; SCM_RIGHTS names open descriptors (EBADF),
 * SCM_MAX_FD in all (EINVAL); SCM_CREDENTIALS is exactly one struct ucred
 * (EINVAL otherwise, or for uid/gid -1) naming a live process (ESRCH).
 * socklab's guests run as root with every capability, so as on Linux for
 * uid 0 any existing pid, uid and gid may be claimed. Other SOL_SOCKET
 * types are EINVAL. Other families ignore the control data, as TCP and UDP do.
 */
function readControl(p: Process, s: Socket, m: Msg, v6: boolean): SendControl | undefined {
  if (m.controllen > 0x7fffffff) throw new Errno(E.ENOBUFS);
  const mem = p.mem;
  // ____sys_sendmsg copies the whole control buffer in first, whatever the family.
  if (m.controllen > 0 && m.control === 0) throw new Errno(E.EFAULT);
  mem.check(m.control, m.controllen);
  if (!s.isUnix) {
    // TCP and UDP (sock_cmsg_send, ip_cmsg_send) refuse a malformed header (CMSG_OK) and ignore SCM_RIGHTS.
    for (let o = 0; o + CMSG_HDR <= m.controllen; ) {
      const len = mem.u32(m.control + o);
      if (len < CMSG_HDR || len > m.controllen - o) throw new Errno(E.EINVAL);
      // UDP, raw and ping sockets read the SOL_IP ones (ip_cmsg_send), or for an IPv6 destination the
      // SOL_IPV6 ones (ip6_datagram_send_ctl); an AF_INET6 socket's IPv4 datagram takes SOL_IP's and
      // IPV6_PKTINFO (ip_cmsg_send with allow_ipv6); TCP never looks.
      if (s.kind === 'dgram') {
        const level = mem.i32(m.control + o + 4);
        const type = mem.i32(m.control + o + 8);
        if (v6) {
          if (level === SOL.SOL_IPV6) ip6Cmsg(mem, s, m.control + o, len, type);
        } else if (level === SOL.SOL_IP) ipCmsg(mem, m.control + o, len, type);
        else if (level === SOL.SOL_IPV6 && type === IPV6_PKTINFO && s.domain === AF.AF_INET6) mappedPktinfo(mem, m.control + o, len);
      }
      o += cmsgAlign(len);
    }
    return undefined;
  }
  if (s.real) return undefined;
  // No control message: doSend's plain control, as for send().
  if (m.controllen < CMSG_HDR) return undefined;
  const ctl: SendControl = { files: [], cred: undefined, self: selfCred(p) };
  for (let o = 0; o + CMSG_HDR <= m.controllen; ) {
    const at = m.control + o;
    const len = mem.u32(at);
    const level = mem.i32(at + 4);
    const type = mem.i32(at + 8);
    if (len < CMSG_HDR || len > m.controllen - o) throw new Errno(E.EINVAL);
    if (level === SOL.SOL_SOCKET) {
      if (type === SCM_RIGHTS) {
        const num = Math.floor((len - CMSG_HDR) / 4);
        if (ctl.files.length + num > SCM_MAX_FD) throw new Errno(E.EINVAL);
        for (let i = 0; i < num; i++) ctl.files.push(p.fds.file(mem.i32(at + CMSG_HDR + 4 * i)));
      } else if (type === SCM_CREDENTIALS) {
        if (len !== CMSG_HDR + 12) throw new Errno(E.EINVAL);
        const cred: Cred = { pid: mem.i32(at + 12), uid: mem.u32(at + 16), gid: mem.u32(at + 20) };
        if (cred.uid === 0xffffffff || cred.gid === 0xffffffff) throw new Errno(E.EINVAL);
        if (!mayClaimCred(p, cred)) throw new Errno(E.EPERM);
        if (!p.kernel.processes.some((x) => x.pid === cred.pid && !x.reaped)) throw new Errno(E.ESRCH);
        ctl.cred = cred;
      } else throw new Errno(E.EINVAL);
    }
    o += cmsgAlign(len);
  }
  return ctl;
}

/**
 * The SOL_IP control messages of a datagram send, read into `ipControl`
 * (sendmsg resets it), as ip_cmsg_send: IP_PKTINFO is exactly one struct
 * in_pktinfo (a non-zero ipi_ifindex picks the interface, ipi_spec_dst the
 * source, 0 the route's); IP_TTL one int, 1 to 255; IP_TOS an int or a
 * byte, 0 to 255 (accepted, nothing models it); any other type is EINVAL.
 */
function ipCmsg(mem: GuestMemory, at: number, len: number, type: number): void {
  const c = ipControl;
  switch (type) {
    case IP_PKTINFO: {
      if (len !== CMSG_HDR + 12) throw new Errno(E.EINVAL);
      const ifindex = mem.i32(at + CMSG_HDR);
      if (ifindex) c.ifindex = ifindex;
      const spec = ipText(mem.read(at + CMSG_HDR + 4, 4));
      c.src = spec === '0.0.0.0' ? undefined : spec;
      c.set = true;
      return;
    }
    case IP_TTL: {
      if (len !== CMSG_HDR + 4) throw new Errno(E.EINVAL);
      const v = mem.i32(at + CMSG_HDR);
      if (v < 1 || v > 255) throw new Errno(E.EINVAL);
      c.ttl = v;
      c.set = true;
      return;
    }
    case IP_TOS: {
      const v = len === CMSG_HDR + 4 ? mem.i32(at + CMSG_HDR) : len === CMSG_HDR + 1 ? mem.read(at + CMSG_HDR, 1)[0]! : -1;
      if (v < 0 || v > 255) throw new Errno(E.EINVAL);
      return;
    }
    default: throw new Errno(E.EINVAL);
  }
}
/**
 * The SOL_IPV6 control messages of an IPv6 datagram, read into `ipControl`, as
 * ip6_datagram_send_ctl: IPV6_PKTINFO at least one struct in6_pktinfo whose
 * ipi6_ifindex, if not 0, names an interface (ENODEV) and whose ipi6_addr, if
 * not ::, is one of the host's addresses (EINVAL); IPV6_HOPLIMIT one int, -1
 * (the socket's) to 255; IPV6_TCLASS one int, -1 to 255, and IPV6_DONTFRAG
 * one int, 0 or 1 (accepted, nothing models them); any other type is EINVAL
 * (Linux also knows IPV6_FLOWINFO and the extension headers, which socklab
 * does not model).
 */
function ip6Cmsg(mem: GuestMemory, s: Socket, at: number, len: number, type: number): void {
  const c = ipControl;
  switch (type) {
    case IPV6_PKTINFO: case IPV6_2292PKTINFO: {
      if (len < CMSG_HDR + 20) throw new Errno(E.EINVAL);
      const src = ipText(mem.read(at + CMSG_HDR, 16));
      const ifindex = mem.u32(at + CMSG_HDR + 16);
      if (ifindex) {
        c.ifindex = ifindex;
        if (!s.real && ifindex !== 1 && ifindex !== 2) throw new Errno(E.ENODEV);
      }
      if (src !== '::') {
        // ipv6_chk_addr: the host's own IPv6 address (a v4-mapped one is none); Linux keeps the last.
        if (!s.real && (isV4Mapped(src) || !s.net.owns(s.host, src))) throw new Errno(E.EINVAL);
        c.src = src;
      }
      c.set = true;
      return;
    }
    case IPV6_HOPLIMIT: {
      if (len !== CMSG_HDR + 4) throw new Errno(E.EINVAL);
      const v = mem.i32(at + CMSG_HDR);
      if (v < -1 || v > 255) throw new Errno(E.EINVAL);
      // -1 is the socket's own hop limit, as no message at all.
      if (v >= 0) c.ttl = v;
      c.set = true;
      return;
    }
    case IPV6_TCLASS: case IPV6_DONTFRAG: {
      if (len !== CMSG_HDR + 4) throw new Errno(E.EINVAL);
      const v = mem.i32(at + CMSG_HDR);
      if (type === IPV6_TCLASS ? v < -1 || v > 255 : v < 0 || v > 1) throw new Errno(E.EINVAL);
      return;
    }
    default: throw new Errno(E.EINVAL);
  }
}

/** An AF_INET6 socket's IPv4 datagram: an IPV6_PKTINFO's address must be v4-mapped and is its source (ip_cmsg_send). */
function mappedPktinfo(mem: GuestMemory, at: number, len: number): void {
  if (len < CMSG_HDR + 20) throw new Errno(E.EINVAL);
  const src = ipText(mem.read(at + CMSG_HDR, 16));
  if (!isV4Mapped(src)) throw new Errno(E.EINVAL);
  const ifindex = mem.u32(at + CMSG_HDR + 16);
  if (ifindex) ipControl.ifindex = ifindex;
  const u = src.slice(7);
  ipControl.src = u === '0.0.0.0' ? undefined : u;
  ipControl.set = true;
}

/** Whether a datagram sendmsg goes out as IPv6 (an AF_INET6 socket toward an address that is not v4-mapped): which control messages apply. */
function sendsIpv6(p: Process, s: Socket, m: Msg): boolean {
  if (s.domain !== AF.AF_INET6 || s.kind !== 'dgram') return false;
  if (m.name && m.namelen >= 2) {
    const family = p.mem.u16(m.name);
    if (family === AF.AF_INET) return false;
    return !(family === AF.AF_INET6 && m.namelen >= 24 && isV4Mapped(ipText(p.mem.read(m.name + 8, 16))));
  }
  const r = s.remote;
  return !(r && 'ip' in r && isV4Mapped(r.ip));
}

/** What the last datagram sendmsg's SOL_IP messages asked for (set: any did); one object, read by the send it belongs to. */
const ipControl: IpControl = { set: false, src: undefined, ifindex: 0, ttl: 0 };

/** A SOL_SOCKET cmsghdr at `at`. (Not a closure in writeControl: that would cost every recvmsg one.) */
function cmsgHeader(mem: GuestMemory, at: number, len: number, type: number): void {
  mem.setU32(at, len);
  mem.setI32(at + 4, SOL.SOL_SOCKET);
  mem.setI32(at + 8, type);
}

/**
 * Writes what a recvmsg received into msg_control, as scm_recv does (the
 * 32-bit layout of put_cmsg_compat / scm_detach_fds_compat): SCM_CREDENTIALS
 * first when SO_PASSCRED is on, then SCM_RIGHTS with new descriptors at the
 * lowest free numbers (close-on-exec with MSG_CMSG_CLOEXEC). What does not
 * fit sets MSG_CTRUNC, and descriptors that did not fit are closed. Returns
 * the bytes of control data written and the flags to add.
 */
interface ControlWritten { used: number; flags: number }
/** writeControl's answer, reused likewise. */
const written: ControlWritten = { used: 0, flags: 0 };
function controlWritten(used: number, flags: number): ControlWritten {
  written.used = used;
  written.flags = flags;
  return written;
}
function writeControl(p: Process, s: Socket, m: Msg, scm: Scm | undefined, flags: number): ControlWritten {
  const peek = (flags & MSG.MSG_PEEK) !== 0;
  const files = scm?.files;
  let out = 0;
  if (!s.passcred && !files) return controlWritten(0, 0);
  if (!m.control) {
    if (!peek) dropScm(scm);
    return controlWritten(0, MSG.MSG_CTRUNC);
  }
  const mem = p.mem;
  let used = 0;
  let left = m.controllen;
  if (s.passcred) {
    const c = scm?.cred ?? NO_CRED;
    if (left < CMSG_HDR) out |= MSG.MSG_CTRUNC;
    else {
      const data = new Uint8Array(12);
      const dv = new DataView(data.buffer);
      dv.setInt32(0, c.pid, true);
      dv.setUint32(4, c.uid >>> 0, true);
      dv.setUint32(8, c.gid >>> 0, true);
      let len = CMSG_HDR + 12;
      if (left < len) {
        out |= MSG.MSG_CTRUNC;
        len = left;
      }
      cmsgHeader(mem, m.control + used, len, SCM_CREDENTIALS);
      mem.write(m.control + used + CMSG_HDR, data.subarray(0, len - CMSG_HDR));
      const space = Math.min(left, CMSG_HDR + 12);
      used += space;
      left -= space;
    }
  }
  if (files) {
    const fdmax = Math.min(files.length, left > CMSG_HDR ? Math.floor((left - CMSG_HDR) / 4) : 0);
    const cloexec = (flags & MSG.MSG_CMSG_CLOEXEC) !== 0;
    let i = 0;
    for (; i < fdmax; i++) {
      let fd: number;
      try {
        fd = p.fds.install(files[i]!, { cloexec });
      } catch (e) {
        if (e instanceof Errno) break;
        throw e;
      }
      mem.setI32(m.control + used + CMSG_HDR + 4 * i, fd);
    }
    if (i > 0) {
      cmsgHeader(mem, m.control + used, CMSG_HDR + 4 * i, SCM_RIGHTS);
      const space = Math.min(left, CMSG_HDR + 4 * i);
      used += space;
      left -= space;
    }
    if (i < files.length) out |= MSG.MSG_CTRUNC;
    // The in-flight references go (a peek leaves them to the queue): what was not installed closes with its last.
    if (!peek) dropScm(scm);
  }
  return controlWritten(used, out);
}


/** One SOL_IP or SOL_IPV6 control message as put_cmsg writes it: cut to what is left (MSG_CTRUNC), none when not even a header fits. */
function putIpCmsg(mem: GuestMemory, m: Msg, type: number, data: Uint8Array, level: number = SOL.SOL_IP): void {
  const w = written;
  const left = m.controllen - w.used;
  if (left < CMSG_HDR) {
    w.flags |= MSG.MSG_CTRUNC;
    return;
  }
  let len = CMSG_HDR + data.length;
  if (left < len) {
    w.flags |= MSG.MSG_CTRUNC;
    len = left;
  }
  const at = m.control + w.used;
  mem.setU32(at, len);
  mem.setI32(at + 4, level);
  mem.setI32(at + 8, type);
  mem.write(at + CMSG_HDR, data.subarray(0, len - CMSG_HDR));
  w.used += Math.min(left, cmsgAlign(CMSG_HDR + data.length));
}

/** Whether recvmsg has control messages to give for a datagram that arrived so (writeIpControl). */
function wantsIpControl(s: Socket, info: PacketInfo): boolean {
  if (info.aux) return s.packet?.auxdata === true;
  if (info.dst.includes(':')) return s.recvpktinfo6 || s.recvhoplimit6;
  return s.pktinfo || s.recvttl || s.recvpktinfo6;
}

/**
 * An inet datagram's control messages, in Linux's order. On an AF_INET6
 * socket (udpv6_recvmsg) first ip6_datagram_recv_common_ctl's IPV6_PKTINFO
 * (struct in6_pktinfo: addr, ifindex; an IPv4 datagram's destination
 * v4-mapped), then for an IPv6 datagram IPV6_HOPLIMIT (an int), for an IPv4
 * one ip_cmsg_recv_offset's. Those, on any socket: IP_PKTINFO (struct
 * in_pktinfo: ifindex, spec_dst, addr), then IP_TTL (an int). No
 * msg_control at all is MSG_CTRUNC.
 */
function writeIpControl(p: Process, s: Socket, m: Msg, info: PacketInfo): ControlWritten {
  const w = controlWritten(0, 0);
  if (!m.control) return controlWritten(0, MSG.MSG_CTRUNC);
  if (info.aux) {
    // packet_recvmsg's struct tpacket_auxdata: status, len, snaplen, mac, net (u16), no VLAN tag.
    const b = new Uint8Array(20);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, info.aux.status, true);
    dv.setUint32(4, info.aux.len, true);
    dv.setUint32(8, info.aux.snaplen, true);
    dv.setUint16(14, info.aux.net, true);
    putIpCmsg(p.mem, m, PACKET_AUXDATA, b, SOL_PACKET);
    return w;
  }
  const v6 = info.dst.includes(':');
  if (s.recvpktinfo6) {
    const b = new Uint8Array(20);
    b.set(ipBytes(v6 ? info.dst : `::ffff:${info.dst}`), 0);
    new DataView(b.buffer).setUint32(16, info.ifindex, true);
    putIpCmsg(p.mem, m, IPV6_PKTINFO, b, SOL.SOL_IPV6);
  }
  if (v6) {
    if (s.recvhoplimit6) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, info.ttl, true);
      putIpCmsg(p.mem, m, IPV6_HOPLIMIT, b, SOL.SOL_IPV6);
    }
    return w;
  }
  if (s.pktinfo) {
    const b = new Uint8Array(12);
    new DataView(b.buffer).setInt32(0, info.ifindex, true);
    b.set(ipBytes(info.specDst), 4);
    b.set(ipBytes(info.dst), 8);
    putIpCmsg(p.mem, m, IP_PKTINFO, b);
  }
  if (s.recvttl) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, info.ttl, true);
    putIpCmsg(p.mem, m, IP_TTL, b);
  }
  return w;
}

export const sendtoDef: SyscallDef = syscall(S, 'sendto', { strace: 'sendto', classes: ['net'], params: ['fd:fd', 'buf:buf', 'len:len', 'flags:msg_flags', 'addr:sockaddr', 'addrlen:len', 'sent:ret'], mayBlock: true },
  (p: Process, fd: number, buf: number, len: number, flags: number, addr: number, alen: number, out: number) => {
    const s = sockOf(p, fd);
    const data = p.mem.view(buf, len);
    p.mem.check(out, 4);
    // An AF_UNIX stream refuses an address (unix_stream_sendmsg); TCP and seqpacket ignore it.
    if (addr && alen && s.isUnix && s.kind === 'stream') return s.state === 'connected' ? E.EISCONN : E.EOPNOTSUPP;
    // unix_dgram_sendmsg reads an address only when its length is not 0 (none: the peer, or ENOTCONN); udp_sendmsg says EINVAL.
    const dst = addr && s.kind === 'dgram' && !(alen === 0 && s.isUnix) ? readAddr(p, addr, alen) : undefined;
    const r = doSend(p, s, p.mem.single(data), flags, dst);
    if (r === BLOCKED) return r;
    if (r < 0) return -r;
    p.mem.setU32(out, r);
    return 0;
  });

export const recvfromDef: SyscallDef = syscall(S, 'recvfrom', { strace: 'recvfrom', classes: ['net'], params: ['fd:fd', 'buf:buf_out', 'len:len', 'flags:msg_flags', 'addr:sockaddr_out', 'addrlen:socklen_inout', 'received:ret'], mayBlock: true },
  (p: Process, fd: number, buf: number, len: number, flags: number, addr: number, alenPtr: number, out: number) => {
    const s = sockOf(p, fd);
    p.mem.check(out, 4);
    // A buffer the kernel cannot write into: a datagram is still taken off the queue and lost (udp_recvmsg,
    // unix_dgram_recvmsg); stream data stays (a one-byte peek stands for the copy that fails). Either way the
    // fault shows only once there is something to copy: EAGAIN, a wait or end of file come first, as in Linux.
    let fault = false;
    let view: Uint8Array = EMPTY;
    try {
      view = p.mem.view(buf, len);
    } catch (e) {
      if (!(e instanceof Errno)) throw e;
      fault = true;
    }
    const stream = fault && s.kind === 'stream';
    const r = doRecv(p, s, p.mem.single(stream ? new Uint8Array(1) : view), stream ? flags | MSG.MSG_PEEK : flags);
    if (r === BLOCKED) return r;
    if (typeof r === 'number') return -r;
    if (fault && !(stream && r.n === 0)) return E.EFAULT;
    // __sys_recvfrom copies the address out after the data: a bad addrlen fails a call that took it.
    if (addr) writeSockaddr(p.mem, addr, alenPtr, sourceName(r.from));
    p.mem.setU32(out, r.n);
    return 0;
  });

/** One sendmsg (sendmsg, and each of sendmmsg's messages): bytes sent, a negative errno, or BLOCKED. `out`: the result pointer to check, if any. */
function sendOne(p: Process, s: Socket, msgPtr: number, flags: number, out: number): number {
  const iov = readMsg(p, msgPtr);
  const m = msg;
  if (out) p.mem.check(out, 4);
  const ip = ipControl;
  ip.set = false;
  ip.src = undefined;
  ip.ifindex = 0;
  ip.ttl = 0;
  const ctl = readControl(p, s, m, sendsIpv6(p, s, m));
  const dst = m.name && s.kind === 'dgram' && !(m.namelen === 0 && s.isUnix) ? readAddr(p, m.name, m.namelen) : undefined;
  return doSend(p, s, iov, flags, dst, ctl, ip.set ? ip : undefined);
}

export const sendmsgDef: SyscallDef = syscall(S, 'sendmsg', { strace: 'sendmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr', 'flags:msg_flags', 'sent:ret'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
  if (flags & MSG_CMSG_COMPAT) return E.EINVAL;
  const r = sendOne(p, sockOf(p, fd), msgPtr, flags, out);
  if (r === BLOCKED) return r;
  if (r < 0) return -r;
  p.mem.setU32(out, r);
  return 0;
});

/**
 * One recvmsg (recvmsg, and each of recvmmsg's messages): bytes received, a negative errno, or BLOCKED;
 * msg_name's length, msg_controllen and msg_flags written back. `out`: the result pointer to check, if any.
 */
function recvOne(p: Process, s: Socket, msgPtr: number, flags: number, out: number): number {
  const iov = readMsg(p, msgPtr, s.kind !== 'stream');
  const fault = iovFault;
  const m = msg;
  if (out) p.mem.check(out, 4);
  if (s.isUnix && m.control && m.controllen) p.mem.check(m.control, m.controllen);
  const r = doRecv(p, s, iov, flags, true);
  if (r === BLOCKED) return r;
  if (typeof r === 'number') return r;
  // A datagram longer than the iovecs before the bad one: copying it faults, and it is lost (a peek leaves it).
  if (fault && r.truncated) {
    if (!(flags & MSG.MSG_PEEK)) dropScm(r.scm);
    r.scm = undefined;
    r.info = undefined;
    return -E.EFAULT;
  }
  const c = r.info && wantsIpControl(s, r.info) ? writeIpControl(p, s, m, r.info) : writeControl(p, s, m, r.scm, flags);
  r.scm = undefined; // the shared answer keeps no descriptors alive
  r.info = undefined;
  // msg_namelen is written only when there is a msg_name, as ___sys_recvmsg does.
  if (m.name) {
    const from = sourceName(r.from);
    const a = from ? encodeSockaddr(from) : undefined;
    if (a) p.mem.write(m.name, a.subarray(0, Math.min(m.namelen, a.length)));
    p.mem.setU32(msgPtr + 4, a ? a.length : 0);
  }
  p.mem.setU32(msgPtr + 20, c.used);
  // msg_flags starts from the call's MSG_CMSG_CLOEXEC, as ___sys_recvmsg sets it.
  p.mem.setI32(msgPtr + 24, (flags & MSG.MSG_CMSG_CLOEXEC) | (r.truncated ? MSG.MSG_TRUNC : 0) | (r.oob ? MSG.MSG_OOB : 0) | c.flags);
  return r.n;
}

export const recvmsgDef: SyscallDef = syscall(S, 'recvmsg', { strace: 'recvmsg', classes: ['net'], params: ['fd:fd', 'msg:msghdr_out', 'flags:msg_flags', 'received:ret'], mayBlock: true }, (p: Process, fd: number, msgPtr: number, flags: number, out: number) => {
  if (flags & MSG_CMSG_COMPAT) return E.EINVAL;
  const r = recvOne(p, sockOf(p, fd), msgPtr, flags, out);
  if (r === BLOCKED) return r;
  if (r < 0) return -r;
  p.mem.setU32(out, r);
  return 0;
});

// ---------- sendmmsg, recvmmsg ----------

/** struct mmsghdr (wasm32): a struct msghdr (28 bytes), then unsigned int msg_len. */
const MMSGHDR = 32;
/** UIO_MAXIOV: __sys_sendmmsg and __sys_recvmmsg cut vlen to it. */
const UIO_MAXIOV = 1024;

/**
 * A sendmmsg or recvmmsg that blocked after some messages: how many, and (recvmmsg) the time left
 * at the last one, for the same call when it runs again (its start tells it from a later call).
 * On a datagram socket p.callBytes holds the count meanwhile, so that a signal ends the call with
 * it, as on Linux (the loop stops at the interrupted message and returns the messages done).
 */
interface MmsgProgress { start: number; done: number; left: number }
const progress = new WeakMap<Process, MmsgProgress>();
function resumed(p: Process): MmsgProgress | undefined {
  const st = progress.get(p);
  return st && st.start === p.callStart ? st : undefined;
}
function suspend(p: Process, s: Socket, done: number, left: number): void {
  if (done > 0) progress.set(p, { start: p.callStart, done, left });
  if (done > 0 && s.kind !== 'stream') p.callBytes = done;
}
/**
 * One message's call and its byte count written to its msg_len, with Errno thrown (a bad msghdr,
 * address, control data, or msg_len itself) as a negative errno.
 */
function oneMessage(f: typeof sendOne, p: Process, s: Socket, at: number, flags: number): number {
  try {
    const r = f(p, s, at, flags, 0);
    if (r !== BLOCKED && r >= 0) p.mem.setU32(at + 28, r);
    return r;
  } catch (e) {
    if (e instanceof Errno) return -e.errno;
    throw e;
  }
}
/** The bytes a msghdr's iovecs hold (a stream send that took fewer ends sendmmsg: msg_data_left). */
function msgLength(p: Process, at: number): number {
  const iov = p.mem.u32(at + 8);
  const n = p.mem.i32(at + 12);
  let total = 0;
  for (let i = 0; i < n; i++) total += p.mem.u32(iov + i * 8 + 4);
  return total;
}

/**
 * sendmmsg (__sys_sendmmsg): each message as sendmsg sends it, its byte count in msg_len, until one
 * fails or a stream send is partial. The count sent if any was, else the first one's error.
 */
export const sendmmsgDef: SyscallDef = syscall(S, 'sendmmsg', { strace: 'sendmmsg', classes: ['net'], params: ['fd:fd', 'msgvec:mmsghdr', 'vlen:u32', 'flags:msg_flags', 'sent:ret'], mayBlock: true },
  (p: Process, fd: number, vec: number, vlen: number, flags: number, out: number) => {
    if (flags & MSG_CMSG_COMPAT) return E.EINVAL;
    const n = Math.min(vlen >>> 0, UIO_MAXIOV);
    const s = sockOf(p, fd);
    p.mem.check(out, 4);
    const st = resumed(p);
    let done = st?.done ?? 0;
    let err = 0;
    if (st && s.kind !== 'stream') p.callBytes = 0;
    while (done < n) {
      const at = vec + done * MMSGHDR;
      const r = oneMessage(sendOne, p, s, at, flags);
      if (r === BLOCKED) {
        suspend(p, s, done, 0);
        return r;
      }
      if (r < 0) {
        err = -r;
        break;
      }
      done++;
      if (s.kind === 'stream' && r < msgLength(p, at)) break;
    }
    progress.delete(p);
    if (done === 0 && err) return err;
    p.mem.setU32(out, done);
    return 0;
  });

/**
 * recvmmsg (do_recvmmsg): a pending socket error first; then each message as recvmsg receives it, its
 * byte count in msg_len, until vlen, an error (EAGAIN: no more now), urgent data, or the timeout, which
 * is looked at only after each message (a blocking receive waits as long as it takes: the page's BUGS).
 * MSG.MSG_WAITFORONE makes the receives after the first MSG_DONTWAIT. With messages received, the time
 * left is written back and a later error other than EAGAIN is kept as the socket's (sk_err); without,
 * the error is the call's.
 */
export const recvmmsgDef: SyscallDef = syscall(S, 'recvmmsg', { strace: 'recvmmsg', classes: ['net'], params: ['fd:fd', 'msgvec:mmsghdr_out', 'vlen:u32', 'flags:msg_flags', 'timeout:mmsg_timeout', 'received:ret'], mayBlock: true },
  (p: Process, fd: number, vec: number, vlen: number, flags: number, ts: number, out: number) => {
    if (flags & MSG_CMSG_COMPAT) return E.EINVAL;
    // get_timespec64, then poll_select_set_timeout's check (EINVAL), before the fd is looked up.
    const end = ts ? p.callStart + Number(readTimespec(p, ts)) : -1;
    const n = Math.min(vlen >>> 0, UIO_MAXIOV);
    const s = sockOf(p, fd);
    p.mem.check(out, 4);
    const st = resumed(p);
    if (!st && s.soError) return s.takeError();
    let done = st?.done ?? 0;
    let left = st?.left ?? 0;
    let err = 0;
    if (st && s.kind !== 'stream') p.callBytes = 0;
    let f = flags & ~MSG.MSG_WAITFORONE;
    if (done > 0 && flags & MSG.MSG_WAITFORONE) f |= MSG.MSG_DONTWAIT;
    while (done < n) {
      const at = vec + done * MMSGHDR;
      const r = oneMessage(recvOne, p, s, at, f);
      if (r === BLOCKED) {
        suspend(p, s, done, left);
        return r;
      }
      if (r < 0) {
        err = -r;
        break;
      }
      done++;
      if (flags & MSG.MSG_WAITFORONE) f |= MSG.MSG_DONTWAIT;
      if (end >= 0) {
        left = Math.max(0, end - p.kernel.clock.now());
        if (left === 0) break;
      }
      if (p.mem.i32(at + 24) & MSG.MSG_OOB) break;
    }
    progress.delete(p);
    if (done === 0) {
      if (err) return err;
    } else if (err && err !== E.EAGAIN) s.soError = err;
    if (ts && done > 0) {
      p.mem.setI64(ts, BigInt(Math.floor(left / 1e9)));
      p.mem.setI32(ts + 8, left % 1e9);
    }
    p.mem.setU32(out, done);
    return 0;
  });
