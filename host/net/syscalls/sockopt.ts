// setsockopt/getsockopt: the options socklab models, with Linux's rules for
// lengths (short is EINVAL, longer is fine; getsockopt cuts to the caller's
// buffer), values (SO_RCVBUF/SO_SNDBUF doubled within limits, timevals
// checked), and which level answers ENOPROTOOPT and which EOPNOTSUPP.
import { vhost } from '../virtual/host.js';
import { E, Errno } from '../../abi/errno.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { AF, ICMPV6_FILTER, IPPROTO, IPV6_OPT, IP_OPT, LINUX, RAW_OPT, SO, SOL, TCP_OPT, UDP_OPT } from '../addr/constants.js';
import { sockOf } from '../fd.js';
import { UNKNOWN_CRED } from '../socket/scm.js';
import { ipText, ipBytes } from '../addr/ipaddr.js';
import { IFINDEX, ifaceOfAddr, join, leave, mcastOf, type Iface } from '../virtual/multicast.js';
import { networkOf } from '../virtual/index.js';
import { attachFilter, detachFilter, getFilter, lockFilter } from './sockfilter.js';
import { packetGetsockopt, packetSetsockopt } from './packetopt.js';
import { realDgramOf, realMembership4, realMembership6, realMulticastIf4, realMulticastIf6 } from '../real/mcast.js';

const { UDP_CORK } = UDP_OPT;
const { ICMP_FILTER } = RAW_OPT;
const { IPV6_CHECKSUM, IPV6_HDRINCL, IPV6_MULTICAST_ALL } = IPV6_OPT;

/** A jiffy in microseconds: socket timeouts are counted in them (CONFIG_HZ=250). */
const JIFFY_US = 4000;

const S = 'socklab';

/** SO_LINGER's l_linger read back after a negative one: (int)(LONG_MAX / 250), CONFIG_HZ=250. */
const LINGER_FOREVER = Number(BigInt.asIntN(32, 0x7fffffffffffffffn / 250n));

export function setsockopt(p: Process, fd: number, level: number, name: number, val: number, len: number): number {
  const s = sockOf(p, fd);
  if (len < 0) return E.EINVAL;
  // Linux checks the length, then copies the value: a NULL value is EFAULT.
  const need = (n: number): void => {
    if (len < n) throw new Errno(E.EINVAL);
    if (val === 0) throw new Errno(E.EFAULT);
  };
  const int = (): number => {
    need(4);
    return p.mem.i32(val);
  };
  const timeval = (): number => {
    need(16);
    const sec = Number(p.mem.i64(val));
    const usec = Number(p.mem.i64(val + 8));
    if (usec < 0 || usec >= 1_000_000) throw new Errno(E.EDOM);
    // Linux's sock_set_timeout: a negative time is a timeout of 0 (the call gives up at once), 0 is none,
    // and the rest is kept in jiffies, rounded up (CONFIG_HZ=250, Debian's: 4 ms), as getsockopt shows.
    if (sec < 0) return 0;
    if (sec === 0 && usec === 0) return -1;
    return sec * 1e9 + Math.ceil(usec / JIFFY_US) * JIFFY_US * 1e3;
  };
  if (level === SOL.SOL_SOCKET) {
    // sk_setsockopt reads an int before it looks at the name: every option, unknown and read-only ones
    // included, is EINVAL when shorter and EFAULT when unreadable; a struct option reads the rest later.
    const v = int();
    switch (name) {
      case SO.SO_REUSEADDR: s.reuseaddr = v !== 0; return 0;
      // Only inet sockets have ports to share: turning it on elsewhere is EOPNOTSUPP.
      case SO.SO_REUSEPORT: if (v !== 0 && s.isUnix) return E.EOPNOTSUPP; s.reuseport = v !== 0; return 0;
      case SO.SO_KEEPALIVE: s.keepalive = v !== 0; return 0;
      case SO.SO_BROADCAST: s.broadcast = v !== 0; return 0;
      case SO.SO_OOBINLINE: s.oobinline = v !== 0; return 0;
      case SO.SO_DONTROUTE: case SO.SO_DEBUG: return 0;
      // Linux caps the value (as unsigned) at rmem_max/wmem_max, then doubles it for its bookkeeping, with minimums.
      case SO.SO_RCVBUF: s.rcvbuf = Math.max(LINUX.minRcvbuf, Math.min(v >>> 0, LINUX.rmemMax) * 2); return 0;
      case SO.SO_SNDBUF: s.sndbuf = Math.max(LINUX.minSndbuf, Math.min(v >>> 0, LINUX.wmemMax) * 2); return 0;
      // A negative low-water mark is INT_MAX, 0 is 1.
      case SO.SO_RCVLOWAT: s.rcvlowat = v < 0 ? 0x7fffffff : Math.max(1, v); return 0;
      case SO.SO_RCVTIMEO: s.rcvtimeo = timeval(); return 0;
      case SO.SO_SNDTIMEO: s.sndtimeo = timeval(); return 0;
      case SO.SO_LINGER:
        need(8);
        // sock_setsockopt: any non-zero l_onoff turns lingering on (read back as 1); turning it off keeps the time.
        if (p.mem.i32(val) === 0) s.linger = { on: 0, secs: s.linger.secs };
        // A negative time is, as an unsigned long, past MAX_SCHEDULE_TIMEOUT: lingering without a limit.
        else s.linger = { on: 1, secs: p.mem.i32(val + 4) < 0 ? Infinity : p.mem.i32(val + 4) };
        return 0;
      // SO_PASSCRED is for AF_UNIX (and netlink) sockets: sk_may_scm_recv refuses the others.
      case SO.SO_PASSCRED: {
        if (!s.isUnix) return E.EOPNOTSUPP;
        s.passcred = v !== 0;
        return 0;
      }
      case SO.SO_ATTACH_FILTER: {
        // Node's dgram hands over datagrams with no hook before the queue: a real socket cannot run a filter.
        const rd = realDgramOf(s);
        if (rd) rd.rn.fail(E.EOPNOTSUPP, "SO_ATTACH_FILTER on --net=real: Node's dgram cannot filter a socket's datagrams");
        return attachFilter(p.mem, s, val, len);
      }
      case SO.SO_DETACH_FILTER: return detachFilter(s);
      case SO.SO_LOCK_FILTER: return lockFilter(s, v);
      // SO_TYPE, SO_ERROR, SO_PEERCRED, SO_SNDLOWAT...: read-only, or unknown.
      default: return E.ENOPROTOOPT;
    }
  }
  if (s.packet) return packetSetsockopt(p.mem, s, level, name, val, len);
  if (s.isUnix) return E.EOPNOTSUPP;
  // udp_lib_setsockopt and do_rawv6_setsockopt read an int before they look at the name.
  if (udpLevel(s, level)) {
    const v = int();
    if (name !== UDP_CORK) return E.ENOPROTOOPT;
    // Turning it off sends what was gathered (udp_push_pending_frames).
    s.setUdpCork(v !== 0);
    return 0;
  }
  if (raw6Level(s, level) || raw6Opt(s, level, name)) {
    const v = int();
    // Any non-zero value is on (read back as 1); the socket is SOCK_RAW, so do_rawv6_setsockopt's EINVAL never applies.
    if (name === IPV6_HDRINCL) {
      s.hdrincl = v !== 0;
      return 0;
    }
    if (name !== IPV6_CHECKSUM) return E.ENOPROTOOPT;
    // RFC 3542: not at IPPROTO_IPV6 on an ICMPv6 socket (SOL_RAW, a Linux extension, may); an odd offset is refused.
    if (level === IPPROTO.IPPROTO_IPV6 && s.protocol === IPPROTO.IPPROTO_ICMPV6) return E.EINVAL;
    if (v > 0 && v & 1) return E.EINVAL;
    s.checksum6 = v < 0 ? -1 : v;
    return 0;
  }
  // raw_seticmpfilter and rawv6_seticmpfilter copy as much of the filter as optlen holds (none at all is fine).
  const filter = (size: number): Uint8Array | undefined => {
    const n = Math.min(len, size);
    if (n > 0 && val === 0) throw new Errno(E.EFAULT);
    return n > 0 ? p.mem.read(val, n) : undefined;
  };
  if (level === SOL.SOL_RAW && s.raw && s.domain === AF.AF_INET) {
    if (name !== ICMP_FILTER) return E.ENOPROTOOPT;
    if (s.protocol !== IPPROTO.IPPROTO_ICMP) return E.EOPNOTSUPP;
    const b = filter(4);
    if (b) {
      const now = new Uint8Array(new Uint32Array([s.icmpFilter]).buffer);
      now.set(b);
      s.icmpFilter = new DataView(now.buffer).getUint32(0, true);
    }
    return 0;
  }
  if (level === IPPROTO.IPPROTO_ICMPV6 && s.raw && s.domain === AF.AF_INET6) {
    if (s.protocol !== IPPROTO.IPPROTO_ICMPV6) return E.EOPNOTSUPP;
    if (name !== ICMPV6_FILTER) return E.ENOPROTOOPT;
    const b = filter(32);
    if (b) (s.icmp6Filter ??= new Uint8Array(32)).set(b);
    return 0;
  }
  if (level === IPPROTO.IPPROTO_TCP) {
    if (s.kind !== 'stream') return E.ENOPROTOOPT;
    // do_tcp_setsockopt reads an int before the name, too.
    const v = int();
    switch (name) {
      case TCP_OPT.TCP_NODELAY: s.nodelay = v !== 0; return 0;
      case TCP_OPT.TCP_CORK: s.cork = v !== 0; return 0;
      // do_tcp_setsockopt's ranges: TCP_MIN_MSS..MAX_TCP_WINDOW (or 0), MAX_TCP_KEEPIDLE/KEEPINTVL 32767, MAX_TCP_KEEPCNT 127.
      case TCP_OPT.TCP_MAXSEG:
        if (v !== 0 && (v < 88 || v > 32767)) return E.EINVAL;
        s.usermss = v;
        return 0;
      case TCP_OPT.TCP_KEEPIDLE: if (v < 1 || v > 32767) return E.EINVAL; s.keepidle = v; return 0;
      case TCP_OPT.TCP_KEEPINTVL: if (v < 1 || v > 32767) return E.EINVAL; s.keepintvl = v; return 0;
      case TCP_OPT.TCP_KEEPCNT: if (v < 1 || v > 127) return E.EINVAL; s.keepcnt = v; return 0;
      default: return E.ENOPROTOOPT;
    }
  }
  // On --net=real a UDP socket's multicast options also go to its Node socket (real/mcast.ts); the values stay in mcastOf for getsockopt.
  const rd = realDgramOf(s);
  /** Node sets a multicast TTL or loop of the socket's own family only: the IPv4 ones of an AF_INET6 socket cannot be carried. */
  const v4Only = (what: string): void => {
    if (rd && s.domain === AF.AF_INET6) rd.rn.fail(E.EOPNOTSUPP, `${what} on an AF_INET6 socket: Node's dgram sets only the IPv6 option there (use IPV6_MULTICAST_*)`);
  };
  // ipv6_setsockopt hands SOL_IP to the IPv4 code for every socket but a raw one.
  if (level === IPPROTO.IPPROTO_IP && s.raw && s.domain === AF.AF_INET6) return E.ENOPROTOOPT;
  if (level === IPPROTO.IPPROTO_IP) {
    // do_ip_setsockopt reads its int options before it checks anything else: an int, a single byte when
    // optlen is shorter, 0 when it is 0 (each option then decides whether that length will do).
    const INT_OPTS: number[] = [IP_OPT.IP_TOS, IP_OPT.IP_TTL, IP_OPT.IP_HDRINCL, IP_OPT.IP_PKTINFO, IP_OPT.IP_RECVERR, IP_OPT.IP_RECVTTL, IP_OPT.IP_MULTICAST_TTL, IP_OPT.IP_MULTICAST_LOOP, IP_OPT.IP_MULTICAST_ALL];
    let v = 0;
    if (INT_OPTS.includes(name) && len >= 1) {
      if (val === 0) return E.EFAULT;
      v = len >= 4 ? p.mem.i32(val) : p.mem.read(val, 1)[0]!;
    }
    const atLeastByte = (): void => {
      if (len < 1) throw new Errno(E.EINVAL);
    };
    const dgramOnly = (): void => {
      if (s.kind === 'stream') throw new Errno(E.EINVAL);
    };
    switch (name) {
      case IP_OPT.IP_MULTICAST_TTL: {
        dgramOnly();
        atLeastByte();
        if (v < -1 || v > 255) return E.EINVAL;
        v4Only('IP_MULTICAST_TTL');
        rd?.setMulticastTTL(v === -1 ? 1 : v);
        mcastOf(s).ttl = v === -1 ? 1 : v;
        return 0;
      }
      case IP_OPT.IP_MULTICAST_LOOP: {
        atLeastByte();
        const on = v !== 0;
        v4Only('IP_MULTICAST_LOOP');
        rd?.setMulticastLoop(on);
        mcastOf(s).loop = on;
        return 0;
      }
      case IP_OPT.IP_MULTICAST_ALL: {
        atLeastByte();
        if (v !== 0 && v !== 1) return E.EINVAL;
        const on = v === 1;
        // Node has no IP_MULTICAST_ALL: only the host's default can be kept (1 for AF_INET, 0 for AF_INET6).
        const dflt = s.domain !== AF.AF_INET6;
        if (rd && on !== dflt) rd.rn.fail(E.EOPNOTSUPP, `IP_MULTICAST_ALL ${v} on --net=real: Node's dgram cannot set it (${dflt ? 'an AF_INET socket bound to the port hears every IPv4 group the host joined' : 'an AF_INET6 socket hears only the IPv4 groups it joined'})`);
        mcastOf(s).all = on;
        return 0;
      }
      case IP_OPT.IP_MULTICAST_IF: {
        dgramOnly();
        // An ip_mreqn, an ip_mreq or an in_addr: the interface's address, or its index.
        if (len < 4) return E.EINVAL;
        if (val === 0) return E.EFAULT;
        const addr = len >= 8 ? p.mem.read(val + 4, 4) : p.mem.read(val, 4);
        const index = len >= 12 ? p.mem.i32(val + 8) : 0;
        const ip = ipText(addr);
        if (rd) {
          realMulticastIf4(rd, ip, index);
          mcastOf(s).ifAddr = ip;
          return 0;
        }
        const net = networkOf(p);
        if (index === 0 && ip === '0.0.0.0') {
          mcastOf(s).ifAddr = ip;
          return 0;
        }
        const iface = index ? ifaceOfIndex(index) : ifaceOfAddr(net, vhost(s), ip);
        if (!iface) return E.EADDRNOTAVAIL;
        mcastOf(s).ifAddr = index ? (iface === 'lo' ? '127.0.0.1' : vhost(s).v4[0] ?? '0.0.0.0') : ip;
        return 0;
      }
      case IP_OPT.IP_ADD_MEMBERSHIP: case IP_OPT.IP_DROP_MEMBERSHIP: {
        // TCP sockets have no memberships (EPROTO, checked first); then an ip_mreq, or an ip_mreqn when long enough.
        if (s.kind === 'stream') return E.EPROTO;
        if (len < 8) return E.EINVAL;
        if (val === 0) return E.EFAULT;
        const group = ipText(p.mem.read(val, 4));
        const ifAddr = ipText(p.mem.read(val + 4, 4));
        const index = len >= 12 ? p.mem.i32(val + 8) : 0;
        if (rd) {
          if (name === IP_OPT.IP_ADD_MEMBERSHIP && !isGroup4(group)) return E.EINVAL;
          realMembership4(rd, name === IP_OPT.IP_ADD_MEMBERSHIP, group, ifAddr, index);
          return 0;
        }
        const iface = index ? ifaceOfIndex(index) : ifaceOfAddr(networkOf(p), vhost(s), ifAddr);
        if (name === IP_OPT.IP_ADD_MEMBERSHIP) {
          if (!isGroup4(group)) return E.EINVAL;
          if (!iface) return E.ENODEV;
          join(s, group, iface);
        } else {
          if (!iface) return index || ifAddr !== '0.0.0.0' ? E.EADDRNOTAVAIL : E.ENODEV;
          if (!isGroup4(group)) return E.EADDRNOTAVAIL;
          leave(s, group, iface);
        }
        return 0;
      }
    }
    if (name === IP_OPT.IP_PKTINFO || name === IP_OPT.IP_RECVTTL) {
      // No value at all reads as 0 (off).
      const on = v !== 0;
      // Node's dgram reports neither a datagram's destination nor its TTL: a real socket cannot honour them.
      if (rd && on) rd.rn.fail(E.EOPNOTSUPP, `${name === IP_OPT.IP_PKTINFO ? 'IP_PKTINFO' : 'IP_RECVTTL'} on --net=real: Node's dgram reports neither a datagram's destination address, interface nor TTL`);
      if (name === IP_OPT.IP_PKTINFO) s.pktinfo = on;
      else s.recvttl = on;
      return 0;
    }
    if (name === IP_OPT.IP_TTL) { atLeastByte(); if (v < -1 || v === 0 || v > 255) return E.EINVAL; s.ttl = v === -1 ? 64 : v; return 0; }
    // No length check for these: an empty value reads as 0.
    if (name === IP_OPT.IP_TOS) return 0;
    if (name === IP_OPT.IP_RECVERR) { s.recverr = v !== 0; return 0; }
    if (name === IP_OPT.IP_HDRINCL) {
      if (!s.raw) return E.ENOPROTOOPT;
      s.hdrincl = v !== 0;
      return 0;
    }
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IPV6) {
    if (s.domain !== AF.AF_INET6) return E.ENOPROTOOPT;
    // do_ipv6_setsockopt reads an int first whenever optlen holds one (EFAULT if it cannot), whatever the
    // option; a NULL value or a shorter length reads as 0, and each int option then wants a whole int.
    const v = val !== 0 && len >= 4 ? p.mem.i32(val) : 0;
    const whole = (): void => {
      if (len < 4) throw new Errno(E.EINVAL);
    };
    if (name === IPV6_OPT.IPV6_V6ONLY) {
      whole();
      // Only before bind: a raw socket counts as bound from the start (its inet_num is the protocol).
      if (s.local || s.raw) return E.EINVAL;
      s.v6only = v !== 0;
      return 0;
    }
    if (name === IPV6_OPT.IPV6_UNICAST_HOPS) {
      whole();
      if (v < -1 || v > 255) return E.EINVAL;
      s.hops6 = v;
      return 0;
    }
    if (name === IPV6_OPT.IPV6_PKTINFO) {
      // The sticky struct in6_pktinfo: no value, a short one or NULL is EINVAL; any interface index is
      // taken (the socket is bound to no device), an unknown one fails the sends that use it.
      if (len < 20 || val === 0) return E.EINVAL;
      p.mem.check(val, 20);
      const ifindex = p.mem.u32(val + 16);
      if (rd && ifindex) rd.rn.fail(E.EOPNOTSUPP, "IPV6_PKTINFO on --net=real: Node's dgram cannot choose the interface a datagram leaves by");
      s.pktinfoIf6 = ifindex;
      return 0;
    }
    if (name === IPV6_OPT.IPV6_RECVPKTINFO || name === IPV6_OPT.IPV6_RECVHOPLIMIT) {
      // Any non-zero value is on.
      whole();
      const on = v !== 0;
      if (rd && on) rd.rn.fail(E.EOPNOTSUPP, `${name === IPV6_OPT.IPV6_RECVPKTINFO ? 'IPV6_RECVPKTINFO' : 'IPV6_RECVHOPLIMIT'} on --net=real: Node's dgram reports neither a datagram's destination address, interface nor hop limit`);
      if (name === IPV6_OPT.IPV6_RECVPKTINFO) s.recvpktinfo6 = on;
      else s.recvhoplimit6 = on;
      return 0;
    }
    if (name === IPV6_OPT.IPV6_RECVERR) { whole(); s.recverr6 = v !== 0; return 0; }
    if (name === IPV6_MULTICAST_ALL) {
      whole();
      if (rd && v === 0) rd.rn.fail(E.EOPNOTSUPP, "IPV6_MULTICAST_ALL 0 on --net=real: Node's dgram cannot set it (a socket bound to the port hears every group the host joined)");
      mcastOf(s).all6 = v !== 0;
      return 0;
    }
    switch (name) {
      // A TCP socket has no multicast hop limit or interface: ENOPROTOOPT, before the length.
      case IPV6_OPT.IPV6_MULTICAST_HOPS: {
        if (s.kind === 'stream') return E.ENOPROTOOPT;
        whole();
        if (v < -1 || v > 255) return E.EINVAL;
        rd?.setMulticastTTL(v === -1 ? 1 : v);
        mcastOf(s).hops = v === -1 ? 1 : v;
        return 0;
      }
      case IPV6_OPT.IPV6_MULTICAST_LOOP: {
        whole();
        if (v !== 0 && v !== 1) return E.EINVAL;
        rd?.setMulticastLoop(v === 1);
        mcastOf(s).loop6 = v === 1;
        return 0;
      }
      case IPV6_OPT.IPV6_MULTICAST_IF: {
        if (s.kind === 'stream') return E.ENOPROTOOPT;
        whole();
        if (rd) realMulticastIf6(rd, v);
        else if (v !== 0 && !ifaceOfIndex(v)) return E.ENODEV;
        mcastOf(s).if6 = v;
        return 0;
      }
      case IPV6_OPT.IPV6_ADD_MEMBERSHIP: case IPV6_OPT.IPV6_DROP_MEMBERSHIP: {
        // An ipv6_mreq; TCP sockets have none (EPROTO, after the length).
        if (len < 20) return E.EINVAL;
        if (s.kind === 'stream') return E.EPROTO;
        if (val === 0) return E.EFAULT;
        const group = ipText(p.mem.read(val, 16));
        const index = p.mem.i32(val + 16);
        if (rd) {
          if (name === IPV6_OPT.IPV6_ADD_MEMBERSHIP && !/^ff/i.test(group)) return E.EINVAL;
          realMembership6(rd, name === IPV6_OPT.IPV6_ADD_MEMBERSHIP, group, index);
          return 0;
        }
        const iface = index ? ifaceOfIndex(index) : 'eth0';
        if (name === IPV6_OPT.IPV6_ADD_MEMBERSHIP) {
          if (!/^ff/i.test(group)) return E.EINVAL;
          if (!iface) return E.ENODEV;
          join(s, group, iface);
        } else {
          // ipv6_sock_mc_drop: a unicast group is EINVAL, a group not joined there EADDRNOTAVAIL.
          if (!/^ff/i.test(group)) return E.EINVAL;
          if (!iface) return E.EADDRNOTAVAIL;
          leave(s, group, iface);
        }
        return 0;
      }
    }
    return E.ENOPROTOOPT;
  }
  return E.ENOPROTOOPT;
}

export function getsockopt(p: Process, fd: number, level: number, name: number, val: number, lenPtr: number): number {
  const s = sockOf(p, fd);
  if (level === SOL.SOL_SOCKET && name === SO.SO_ERROR) {
    const r = s.hostSync(p);
    if (r !== undefined) return r;
  }
  // The level is dispatched before optlen is read: one the socket has no handler for fails first.
  // ip_getsockopt answers a level it does not know with EOPNOTSUPP, ipv6_getsockopt with ENOPROTOOPT;
  // an AF_UNIX socket has SOL_SOCKET only (sock_no_getsockopt).
  const unknownLevel = s.domain === AF.AF_INET6 ? E.ENOPROTOOPT : E.EOPNOTSUPP;
  if (level !== SOL.SOL_SOCKET && s.packet) return lenPtr === 0 && level === SOL.SOL_PACKET ? E.EFAULT : packetGetsockopt(p.mem, s, level, name, val, lenPtr);
  if (level !== SOL.SOL_SOCKET) {
    if (s.isUnix) return E.EOPNOTSUPP;
    // do_raw_getsockopt knows ICMP_FILTER only, on an ICMP socket, and says so before it reads optlen; so does
    // rawv6_getsockopt ICMPV6_FILTER, on an ICMPv6 socket.
    if (level === SOL.SOL_RAW && s.raw && s.domain === AF.AF_INET) {
      if (name !== ICMP_FILTER) return E.ENOPROTOOPT;
      if (s.protocol !== IPPROTO.IPPROTO_ICMP) return E.EOPNOTSUPP;
    }
    if (level === IPPROTO.IPPROTO_ICMPV6 && s.raw && s.domain === AF.AF_INET6) {
      if (s.protocol !== IPPROTO.IPPROTO_ICMPV6) return E.EOPNOTSUPP;
      if (name !== ICMPV6_FILTER) return E.ENOPROTOOPT;
    }
    const known = (level === SOL.SOL_RAW && s.raw) || (level === IPPROTO.IPPROTO_ICMPV6 && s.raw && s.domain === AF.AF_INET6) || udpLevel(s, level) || (level === IPPROTO.IPPROTO_IP && !(s.raw && s.domain === AF.AF_INET6)) || (level === IPPROTO.IPPROTO_TCP && s.kind === 'stream') || (level === IPPROTO.IPPROTO_IPV6 && s.domain === AF.AF_INET6);
    if (!known) return unknownLevel;
  }
  if (lenPtr === 0) return E.EFAULT;
  // SO_GET_FILTER counts instructions, not bytes.
  if (level === SOL.SOL_SOCKET && name === SO.SO_ATTACH_FILTER) return getFilter(p.mem, s, val, lenPtr);
  let cap = p.mem.i32(lenPtr);
  // do_rawv6_getsockopt takes min_t(unsigned int, sizeof(int), len), without a check: a negative length is 4.
  if (cap < 0 && (raw6Level(s, level) || raw6Opt(s, level, name))) cap = 4;
  if (cap < 0) return E.EINVAL;
  // The value is found (or the option refused) before it is copied out: a NULL or bad optval is EFAULT
  // only for an option that exists and only when there is something to copy.
  const r = optionValue(s, level, name, cap);
  if (typeof r === 'number') return r;
  const n = Math.min(cap, r.length);
  if (n > 0 && val === 0) return E.EFAULT;
  if (n > 0) p.mem.write(val, r.subarray(0, n));
  p.mem.setU32(lenPtr, n);
  return 0;
}

/** An option's bytes as getsockopt hands them out (before cutting to the caller's length), or an errno. */
function optionValue(s: ReturnType<typeof sockOf>, level: number, name: number, cap: number): Uint8Array | number {
  const int = (v: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    return b;
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
      case SO.SO_TYPE: return int(s.type);
      case SO.SO_DOMAIN: return int(s.domain);
      case SO.SO_PROTOCOL: return int(s.protocolNumber);
      case SO.SO_ACCEPTCONN: return int(s.state === 'listening' ? 1 : 0);
      case SO.SO_ERROR: {
        const e = s.soError;
        s.soError = 0;
        return int(e);
      }
      case SO.SO_REUSEADDR: return int(s.reuseaddr ? 1 : 0);
      case SO.SO_REUSEPORT: return int(s.reuseport ? 1 : 0);
      case SO.SO_KEEPALIVE: return int(s.keepalive ? 1 : 0);
      case SO.SO_BROADCAST: return int(s.broadcast ? 1 : 0);
      case SO.SO_OOBINLINE: return int(s.oobinline ? 1 : 0);
      case SO.SO_PASSCRED: return s.isUnix ? int(s.passcred ? 1 : 0) : E.EOPNOTSUPP;
      case SO.SO_PEERCRED: {
        // struct ucred of the peer as connect/listen/socketpair recorded it; {0, -1, -1} without one (TCP, unconnected).
        const c = s.peercred ?? UNKNOWN_CRED;
        const b = new Uint8Array(12);
        const dv = new DataView(b.buffer);
        dv.setInt32(0, c.pid, true);
        dv.setUint32(4, c.uid >>> 0, true);
        dv.setUint32(8, c.gid >>> 0, true);
        return b;
      }
      case SO.SO_RCVBUF: return int(s.rcvbuf);
      case SO.SO_SNDBUF: return int(s.sndbuf);
      case SO.SO_RCVLOWAT: return int(s.rcvlowat);
      case SO.SO_SNDLOWAT: return int(1);
      case SO.SO_DONTROUTE: case SO.SO_DEBUG: return int(0);
      case SO.SO_LOCK_FILTER: return int(s.filterLocked ? 1 : 0);
      case SO.SO_RCVTIMEO: return tv(s.rcvtimeo);
      case SO.SO_SNDTIMEO: return tv(s.sndtimeo);
      case SO.SO_LINGER: {
        const b = new Uint8Array(8);
        const dv = new DataView(b.buffer);
        dv.setInt32(0, s.linger.on, true);
        // Without a limit, sk_lingertime is MAX_SCHEDULE_TIMEOUT, read back as (int)(LONG_MAX / HZ).
        dv.setInt32(4, s.linger.secs === Infinity ? LINGER_FOREVER : s.linger.secs, true);
        return b;
      }
      default: return E.ENOPROTOOPT;
    }
  }
  if (level === IPPROTO.IPPROTO_TCP) {
    switch (name) {
      case TCP_OPT.TCP_NODELAY: return int(s.nodelay ? 1 : 0);
      // tcp_getsockopt: the MSS in use; before a connection (CLOSE, LISTEN) the one TCP_MAXSEG asked for, if any.
      case TCP_OPT.TCP_MAXSEG: return int(s.state === 'connected' ? (vhost(s) === s.peer?.host ? 65483 : 1448) : s.usermss || 536);
      case TCP_OPT.TCP_CORK: return int(s.cork ? 1 : 0);
      case TCP_OPT.TCP_KEEPIDLE: return int(s.keepidle);
      case TCP_OPT.TCP_KEEPINTVL: return int(s.keepintvl);
      case TCP_OPT.TCP_KEEPCNT: return int(s.keepcnt);
      default: return E.ENOPROTOOPT;
    }
  }
  if (level === IPPROTO.IPPROTO_IP) {
    // do_ip_getsockopt gives its int options as one byte when the caller's buffer is shorter than an int.
    const intOrByte = (v: number): Uint8Array => (cap < 4 && cap > 0 && v >= 0 && v <= 255 ? new Uint8Array([v]) : int(v));
    const m = mcastOf(s);
    switch (name) {
      case IP_OPT.IP_TTL: return intOrByte(s.ttl);
      case IP_OPT.IP_TOS: return intOrByte(0);
      case IP_OPT.IP_HDRINCL: return intOrByte(s.hdrincl ? 1 : 0);
      case IP_OPT.IP_RECVERR: return intOrByte(s.recverr ? 1 : 0);
      case IP_OPT.IP_PKTINFO: return intOrByte(s.pktinfo ? 1 : 0);
      case IP_OPT.IP_RECVTTL: return intOrByte(s.recvttl ? 1 : 0);
      case IP_OPT.IP_MULTICAST_TTL: return intOrByte(m.ttl);
      case IP_OPT.IP_MULTICAST_LOOP: return intOrByte(m.loop ? 1 : 0);
      case IP_OPT.IP_MULTICAST_ALL: return intOrByte(m.all ? 1 : 0);
      case IP_OPT.IP_MULTICAST_IF: return ipBytes(m.ifAddr);
      default: return E.ENOPROTOOPT;
    }
  }
  if (level === IPPROTO.IPPROTO_UDP) return name === UDP_CORK ? int(s.udpCork ? 1 : 0) : E.ENOPROTOOPT;
  if (level === SOL.SOL_RAW && s.domain === AF.AF_INET) return new Uint8Array(new Uint32Array([s.icmpFilter]).buffer);
  if (level === IPPROTO.IPPROTO_ICMPV6) return s.icmp6Filter?.slice() ?? new Uint8Array(32);
  if (level === SOL.SOL_RAW || raw6Opt(s, level, name)) return name === IPV6_CHECKSUM ? int(s.csumOffset6) : name === IPV6_HDRINCL ? int(s.hdrincl ? 1 : 0) : E.ENOPROTOOPT;
  if (level !== IPPROTO.IPPROTO_IPV6) return E.ENOPROTOOPT;
  switch (name) {
    case IPV6_OPT.IPV6_V6ONLY: return int(s.v6only ? 1 : 0);
    // The socket's hop limit, or the default (64) while it is -1 (ip6_sk_dst_hoplimit).
    case IPV6_OPT.IPV6_UNICAST_HOPS: return int(s.hops6 < 0 ? 64 : s.hops6);
    case IPV6_OPT.IPV6_RECVPKTINFO: return int(s.recvpktinfo6 ? 1 : 0);
    case IPV6_OPT.IPV6_RECVHOPLIMIT: return int(s.recvhoplimit6 ? 1 : 0);
    case IPV6_OPT.IPV6_RECVERR: return int(s.recverr6 ? 1 : 0);
    case IPV6_OPT.IPV6_MULTICAST_HOPS: return int(mcastOf(s).hops);
    case IPV6_OPT.IPV6_MULTICAST_LOOP: return int(mcastOf(s).loop6 ? 1 : 0);
    case IPV6_OPT.IPV6_MULTICAST_IF: return int(mcastOf(s).if6);
    case IPV6_MULTICAST_ALL: return int(mcastOf(s).all6 ? 1 : 0);
    default: return E.ENOPROTOOPT;
  }
}

/** SOL_UDP on a UDP socket (udp_lib_setsockopt/getsockopt). */
function udpLevel(s: ReturnType<typeof sockOf>, level: number): boolean {
  return level === IPPROTO.IPPROTO_UDP && s.kind === 'dgram' && !s.isUnix && !s.raw && !s.ping;
}

/** SOL_RAW on a raw IPv6 socket (do_rawv6_setsockopt/getsockopt: IPV6_CHECKSUM and IPV6_HDRINCL). */
function raw6Level(s: ReturnType<typeof sockOf>, level: number): boolean {
  return level === SOL.SOL_RAW && s.raw && s.domain === AF.AF_INET6;
}

/** IPV6_CHECKSUM or IPV6_HDRINCL at IPPROTO_IPV6 on a raw IPv6 socket: rawv6_setsockopt/getsockopt send them to the SOL_RAW code. */
function raw6Opt(s: ReturnType<typeof sockOf>, level: number, name: number): boolean {
  return level === IPPROTO.IPPROTO_IPV6 && (name === IPV6_CHECKSUM || name === IPV6_HDRINCL) && s.raw && s.domain === AF.AF_INET6;
}

/** A virtual host's interface by index: 1 is lo, 2 its LAN interface. */
function ifaceOfIndex(i: number): Iface | undefined {
  return i === IFINDEX.lo ? 'lo' : i === IFINDEX.eth0 ? 'eth0' : undefined;
}
function isGroup4(ip: string): boolean {
  const a = Number(ip.split('.')[0]);
  return a >= 224 && a <= 239;
}

export const setsockoptDef: SyscallDef = syscall(S, 'setsockopt', { strace: 'setsockopt', classes: ['net'], params: ['fd:fd', 'level:sockopt_level', 'optname:sockopt_name', 'optval:sockopt_val', 'optlen:len'] }, setsockopt);
export const getsockoptDef: SyscallDef = syscall(S, 'getsockopt', { strace: 'getsockopt', classes: ['net'], params: ['fd:fd', 'level:sockopt_level', 'optname:sockopt_name', 'optval:sockopt_val_out', 'optlen:socklen_inout'] }, getsockopt);
