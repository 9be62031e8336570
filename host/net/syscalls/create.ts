// Creating sockets: socket(2) and socketpair(2), with Linux's checks on
// family, type and protocol in its order.
import { VFS } from '../../fs/memfs.js';
import { E, Errno } from '../../abi/errno.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { AF, IPPROTO, SOCK, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK } from '../addr/constants.js';
import { Socket, type Kind } from '../socket/socket.js';
import { credOf, pairUnix } from '../unix/unix.js';
import { networkOf } from '../virtual/index.js';
import { realNetOf } from '../real/network.js';
import { attachReal, refuseRaw } from '../real/ops.js';
import { openPacket } from '../virtual/packet.js';

const S = 'socklab';

/** IPPROTO_MAX: inet_create refuses protocol numbers outside [0, 263) with EINVAL. */
const IPPROTO_MAX = 263;
/** Linux's NPROTO (AF_MAX) and SOCK_MAX (SOCK_PACKET + 1). */
const NPROTO = 46;
const SOCK_MAX = 11;
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
  // __sock_create: a family out of range is EAFNOSUPPORT, then a type past SOCK_PACKET is EINVAL, before the family's own checks.
  if (domain >= 0 && domain < NPROTO && base >= SOCK_MAX) throw new Errno(E.EINVAL);
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
    if (base === SOCK.SOCK_DGRAM && domain === AF.AF_INET && protocol === IPPROTO.IPPROTO_ICMP) {
      // An unprivileged ICMP echo socket, as Linux allows it when ping_group_range holds the caller's
      // group; node:dgram cannot send ICMP, so the real network answers as a host that does not allow it.
      if (realNetOf(p)) throw new Errno(E.EACCES);
      const net = networkOf(p);
      const s = new Socket(net, net.host(p.host), undefined, domain, 'dgram', protocol);
      s.ping = true;
      s.nonblock = (type & SOCK_NONBLOCK) !== 0;
      return s;
    }
    if (t.raw ? protocol === 0 : protocol !== 0 && protocol !== t.protocol) throw new Errno(E.EPROTONOSUPPORT);
    if (t.raw && !(p.capNetRaw && p.creds.privileged)) throw new Errno(E.EPERM);
    const rn = realNetOf(p);
    if (t.raw && rn) refuseRaw(rn);
    kind = t.kind;
    raw = t.raw === true;
  } else if (domain === AF.AF_PACKET) {
    // packet_create: CAP_NET_RAW first, then the type. socklab never opens the host's packet sockets: --net=real is a
    // process without CAP_NET_RAW there.
    if (!(p.capNetRaw && p.creds.privileged) || realNetOf(p)) throw new Errno(E.EPERM);
    if (base !== SOCK.SOCK_RAW && base !== SOCK.SOCK_DGRAM) throw new Errno(E.ESOCKTNOSUPPORT);
    const net = networkOf(p);
    const s = new Socket(net, net.host(p.host), undefined, domain, 'dgram', protocol);
    s.nonblock = (type & SOCK_NONBLOCK) !== 0;
    openPacket(s, protocol, base === SOCK.SOCK_DGRAM);
    return s;
  } else throw new Errno(E.EAFNOSUPPORT);
  const net = networkOf(p);
  const s = new Socket(net, net.host(p.host), raw ? undefined : p.slots.get(VFS), domain, kind, protocol);
  s.nonblock = (type & SOCK_NONBLOCK) !== 0;
  if (raw) {
    // A raw socket sees every packet of its protocol arriving at the host; IPPROTO_RAW implies IP_HDRINCL (IPV6_HDRINCL: inet6_create).
    s.raw = true;
    // inet_create: raw protocols are INET_PROTOSW_REUSE, so SO_REUSEADDR starts on.
    s.reuseaddr = true;
    s.hdrincl = protocol === IPPROTO.IPPROTO_RAW;
    (s.host.raw ??= []).push(s);
  }
  const rn = realNetOf(p);
  if (rn) attachReal(rn, s);
  return s;
}

export const socketDef: SyscallDef = syscall(S, 'socket', { strace: 'socket', classes: ['net', 'desc'], params: ['domain:family', 'type:socktype', 'protocol:protocol', 'fd:ret_fd'] }, (p: Process, domain: number, type: number, protocol: number, out: number) => {
  p.mem.check(out, 4);
  const s = newSocket(p, domain, type, protocol);
  p.mem.setI32(out, p.fds.install(s, { cloexec: (type & SOCK_CLOEXEC) !== 0 }));
  return 0;
});

/** The lowest fd >= from that is not open (get_unused_fd_flags' choice). */
function lowestFree(p: Process, from: number): number {
  let fd = from;
  while (fd < p.fds.limit && p.fds.has(fd)) fd++;
  return fd;
}

export const socketpairDef: SyscallDef = syscall(S, 'socketpair', { strace: 'socketpair', classes: ['net', 'desc'], params: ['domain:family', 'type:socktype', 'protocol:protocol', 'sv:fd_pair_out'] }, (p: Process, domain: number, type: number, protocol: number, out: number) => {
  // __sys_socketpair checks the type's flags, reserves two fds (EMFILE), writes their numbers out (NULL is EFAULT
  // too), then creates the sockets: a later failure leaves the numbers, released again, in sv.
  if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) return E.EINVAL;
  const fa = lowestFree(p, 0);
  const fb = lowestFree(p, fa + 1);
  if (fb >= p.fds.limit) return E.EMFILE;
  if (out === 0) return E.EFAULT;
  p.mem.check(out, 8);
  p.mem.setI32(out, fa);
  p.mem.setI32(out + 4, fb);
  if (domain !== AF.AF_UNIX) {
    newSocket(p, domain, type, protocol); // the errno socket() would give first
    return E.EOPNOTSUPP;
  }
  const a = newSocket(p, domain, type, protocol);
  const b = newSocket(p, domain, type, protocol);
  pairUnix(a, b, credOf(p));
  p.fds.install(a, { cloexec: (type & SOCK_CLOEXEC) !== 0 });
  p.fds.install(b, { cloexec: (type & SOCK_CLOEXEC) !== 0 });
  return 0;
});
