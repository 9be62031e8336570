// setsockopt/getsockopt: the options socklab models, with Linux's rules for
// lengths (short is EINVAL, longer is fine; getsockopt cuts to the caller's
// buffer), values (SO_RCVBUF/SO_SNDBUF doubled within limits, timevals
// checked), and which level answers ENOPROTOOPT and which EOPNOTSUPP.
import { vhost } from '../virtual/host.js';
import { E, Errno } from '../../abi/errno.js';
import type { Process } from '../../kernel/process.js';
import { syscall, type SyscallDef } from '../../kernel/syscall.js';
import { AF, IPPROTO, IPV6_OPT, IP_OPT, LINUX, SO, SOL, TCP_OPT } from '../addr/constants.js';
import { sockOf } from '../fd.js';
import { UNKNOWN_CRED } from '../socket/scm.js';
import { ipText, ipBytes } from '../addr/ipaddr.js';
import { IFINDEX, ifaceOfAddr, join, leave, mcastOf, type Iface } from '../virtual/multicast.js';
import { networkOf } from '../virtual/index.js';
import { realDgramOf, realMembership4, realMembership6, realMulticastIf4, realMulticastIf6 } from '../real/mcast.js';

/** A jiffy in microseconds: socket timeouts are counted in them (CONFIG_HZ=250). */
const JIFFY_US = 4000;

const S = 'socklab';

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
    switch (name) {
      case SO.SO_REUSEADDR: s.reuseaddr = int() !== 0; return 0;
      case SO.SO_REUSEPORT: s.reuseport = int() !== 0; return 0;
      case SO.SO_KEEPALIVE: s.keepalive = int() !== 0; return 0;
      case SO.SO_BROADCAST: s.broadcast = int() !== 0; return 0;
      case SO.SO_OOBINLINE: s.oobinline = int() !== 0; return 0;
      case SO.SO_DONTROUTE: case SO.SO_DEBUG: int(); return 0;
      // Linux doubles the value to leave room for its bookkeeping, with minimums.
      // Linux caps the value (as unsigned) at rmem_max/wmem_max, then doubles it for its bookkeeping.
      case SO.SO_RCVBUF: s.rcvbuf = Math.max(LINUX.minRcvbuf, Math.min(int() >>> 0, LINUX.rmemMax) * 2); return 0;
      case SO.SO_SNDBUF: s.sndbuf = Math.max(LINUX.minSndbuf, Math.min(int() >>> 0, LINUX.wmemMax) * 2); return 0;
      case SO.SO_RCVLOWAT: s.rcvlowat = Math.max(1, int()); return 0;
      case SO.SO_RCVTIMEO: s.rcvtimeo = timeval(); return 0;
      case SO.SO_SNDTIMEO: s.sndtimeo = timeval(); return 0;
      case SO.SO_LINGER:
        need(8);
        // sock_setsockopt: any non-zero l_onoff turns lingering on (read back as 1); turning it off keeps the time.
        if (p.mem.i32(val) === 0) s.linger = { on: 0, secs: s.linger.secs };
        else s.linger = { on: 1, secs: p.mem.i32(val + 4) };
        return 0;
      // SO_PASSCRED is for AF_UNIX (and netlink) sockets: sk_may_scm_recv refuses the others.
      case SO.SO_PASSCRED: {
        if (!s.isUnix) return E.EOPNOTSUPP;
        s.passcred = int() !== 0;
        return 0;
      }
      case SO.SO_TYPE: case SO.SO_ERROR: case SO.SO_DOMAIN: case SO.SO_PROTOCOL: case SO.SO_ACCEPTCONN: case SO.SO_PEERCRED:
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
      // do_tcp_setsockopt's ranges: TCP_MIN_MSS..MAX_TCP_WINDOW (or 0), MAX_TCP_KEEPIDLE/KEEPINTVL 32767, MAX_TCP_KEEPCNT 127.
      if (name === TCP_OPT.TCP_MAXSEG) {
        if (v !== 0 && (v < 88 || v > 32767)) return E.EINVAL;
        s.userMss = v;
      } else if (name === TCP_OPT.TCP_CORK) s.cork = v !== 0;
      else if (name === TCP_OPT.TCP_KEEPCNT) {
        if (v < 1 || v > 127) return E.EINVAL;
        s.keepCnt = v;
      } else {
        if (v < 1 || v > 32767) return E.EINVAL;
        if (name === TCP_OPT.TCP_KEEPIDLE) s.keepIdle = v;
        else s.keepIntvl = v;
      }
      return 0;
    }
    return E.ENOPROTOOPT;
  }
  // On --net=real a UDP socket's multicast options also go to its Node socket (real/mcast.ts); the values stay in mcastOf for getsockopt.
  const rd = realDgramOf(s);
  /** Node sets a multicast TTL or loop of the socket's own family only: the IPv4 ones of an AF_INET6 socket cannot be carried. */
  const v4Only = (what: string): void => {
    if (rd && s.domain === AF.AF_INET6) rd.rn.fail(E.EOPNOTSUPP, `${what} on an AF_INET6 socket: Node's dgram sets only the IPv6 option there (use IPV6_MULTICAST_*)`);
  };
  if (level === IPPROTO.IPPROTO_IP) {
    // do_ip_setsockopt takes an int, or a single byte when optlen is shorter.
    const intOrByte = (): number => {
      if (len >= 4) return int();
      if (len < 1) throw new Errno(E.EINVAL);
      if (val === 0) throw new Errno(E.EFAULT);
      return p.mem.read(val, 1)[0]!;
    };
    const dgramOnly = (): void => {
      if (s.kind === 'stream') throw new Errno(E.EINVAL);
    };
    switch (name) {
      case IP_OPT.IP_MULTICAST_TTL: {
        dgramOnly();
        const v = intOrByte();
        if (v < -1 || v > 255) return E.EINVAL;
        v4Only('IP_MULTICAST_TTL');
        rd?.setMulticastTTL(v === -1 ? 1 : v);
        mcastOf(s).ttl = v === -1 ? 1 : v;
        return 0;
      }
      case IP_OPT.IP_MULTICAST_LOOP: {
        const on = intOrByte() !== 0;
        v4Only('IP_MULTICAST_LOOP');
        rd?.setMulticastLoop(on);
        mcastOf(s).loop = on;
        return 0;
      }
      case IP_OPT.IP_MULTICAST_ALL: {
        const on = intOrByte() !== 0;
        // Node has no IP_MULTICAST_ALL; 1 is Linux's default, so only turning it off cannot be carried.
        if (rd && !on) rd.rn.fail(E.EOPNOTSUPP, "IP_MULTICAST_ALL 0 on --net=real: Node's dgram cannot set it (a socket bound to the port hears every group the host joined)");
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
        // An ip_mreq, or an ip_mreqn when long enough; TCP sockets have no memberships (EPROTO).
        if (len < 8) return E.EINVAL;
        if (val === 0) return E.EFAULT;
        if (s.kind === 'stream') return E.EPROTO;
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
      // do_ip_setsockopt: an int, or a byte when shorter; no value at all reads as 0 (off).
      const on = len > 0 && intOrByte() !== 0;
      // Node's dgram reports neither a datagram's destination nor its TTL: a real socket cannot honour them.
      if (rd && on) rd.rn.fail(E.EOPNOTSUPP, `${name === IP_OPT.IP_PKTINFO ? 'IP_PKTINFO' : 'IP_RECVTTL'} on --net=real: Node's dgram reports neither a datagram's destination address, interface nor TTL`);
      if (name === IP_OPT.IP_PKTINFO) s.pktinfo = on;
      else s.recvttl = on;
      return 0;
    }
    if (name === IP_OPT.IP_TTL) { const v = intOrByte(); if (v < -1 || v === 0 || v > 255) return E.EINVAL; s.ttl = v === -1 ? 64 : v; return 0; }
    // No length check for these: an empty value reads as 0.
    if (name === IP_OPT.IP_TOS || name === IP_OPT.IP_RECVERR) { if (len > 0) intOrByte(); return 0; }
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
    if (name === IPV6_OPT.IPV6_UNICAST_HOPS) {
      const v = int();
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
      // do_ipv6_setsockopt: an int (shorter is EINVAL), any non-zero value on.
      const on = int() !== 0;
      if (rd && on) rd.rn.fail(E.EOPNOTSUPP, `${name === IPV6_OPT.IPV6_RECVPKTINFO ? 'IPV6_RECVPKTINFO' : 'IPV6_RECVHOPLIMIT'} on --net=real: Node's dgram reports neither a datagram's destination address, interface nor hop limit`);
      if (name === IPV6_OPT.IPV6_RECVPKTINFO) s.recvpktinfo6 = on;
      else s.recvhoplimit6 = on;
      return 0;
    }
    if (name === IPV6_OPT.IPV6_RECVERR) { int(); return 0; }
    switch (name) {
      case IPV6_OPT.IPV6_MULTICAST_HOPS: {
        if (s.kind === 'stream') return E.EINVAL;
        const v = int();
        if (v < -1 || v > 255) return E.EINVAL;
        rd?.setMulticastTTL(v === -1 ? 1 : v);
        mcastOf(s).hops = v === -1 ? 1 : v;
        return 0;
      }
      case IPV6_OPT.IPV6_MULTICAST_LOOP: {
        const v = int();
        if (v !== 0 && v !== 1) return E.EINVAL;
        rd?.setMulticastLoop(v === 1);
        mcastOf(s).loop6 = v === 1;
        return 0;
      }
      case IPV6_OPT.IPV6_MULTICAST_IF: {
        if (s.kind === 'stream') return E.EINVAL;
        const v = int();
        if (rd) realMulticastIf6(rd, v);
        else if (v !== 0 && !ifaceOfIndex(v)) return E.ENODEV;
        mcastOf(s).if6 = v;
        return 0;
      }
      case IPV6_OPT.IPV6_ADD_MEMBERSHIP: case IPV6_OPT.IPV6_DROP_MEMBERSHIP: {
        need(20);
        if (s.kind === 'stream') return E.EPROTO;
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
          if (!iface || !/^ff/i.test(group)) return E.EADDRNOTAVAIL;
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
  if (lenPtr === 0) return E.EFAULT;
  const cap = p.mem.i32(lenPtr);
  if (cap < 0) return E.EINVAL;
  if (val === 0 && cap > 0) return E.EFAULT;
  // ip_getsockopt answers a level it does not know with EOPNOTSUPP, ipv6_getsockopt with ENOPROTOOPT.
  const unknownLevel = s.domain === AF.AF_INET6 ? E.ENOPROTOOPT : E.EOPNOTSUPP;
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
      case SO.SO_PASSCRED: return s.isUnix ? putInt(s.passcred ? 1 : 0) : E.EOPNOTSUPP;
      case SO.SO_PEERCRED: {
        // struct ucred of the peer as connect/listen/socketpair recorded it; {0, -1, -1} without one (TCP, unconnected).
        const c = s.peercred ?? UNKNOWN_CRED;
        const b = new Uint8Array(12);
        const dv = new DataView(b.buffer);
        dv.setInt32(0, c.pid, true);
        dv.setUint32(4, c.uid >>> 0, true);
        dv.setUint32(8, c.gid >>> 0, true);
        return putBytes(b);
      }
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
    if (s.kind !== 'stream') return unknownLevel;
    if (name === TCP_OPT.TCP_NODELAY) return putInt(s.nodelay ? 1 : 0);
    // do_tcp_getsockopt: mss_cache, or before a connection (TCP_CLOSE, TCP_LISTEN) the user_mss TCP_MAXSEG set.
    if (name === TCP_OPT.TCP_MAXSEG) return putInt(s.state === 'connected' ? (vhost(s) === s.peer?.host ? 65483 : 1448) : s.userMss || 536);
    if (name === TCP_OPT.TCP_CORK) return putInt(s.cork ? 1 : 0);
    if (name === TCP_OPT.TCP_KEEPIDLE) return putInt(s.keepIdle);
    if (name === TCP_OPT.TCP_KEEPINTVL) return putInt(s.keepIntvl);
    if (name === TCP_OPT.TCP_KEEPCNT) return putInt(s.keepCnt);
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IP) {
    if (name === IP_OPT.IP_TTL) return putInt(s.ttl);
    if (name === IP_OPT.IP_TOS) return putInt(0);
    if (name === IP_OPT.IP_HDRINCL) return putInt(s.hdrincl ? 1 : 0);
    // ip_getsockopt gives these as one byte when the caller's buffer is shorter than an int.
    const intOrByte = (v: number): number => {
      if (cap < 4 && cap > 0 && v >= 0 && v <= 255) return putBytes(new Uint8Array([v]));
      return putInt(v);
    };
    const m = mcastOf(s);
    if (name === IP_OPT.IP_PKTINFO) return intOrByte(s.pktinfo ? 1 : 0);
    if (name === IP_OPT.IP_RECVTTL) return intOrByte(s.recvttl ? 1 : 0);
    if (name === IP_OPT.IP_MULTICAST_TTL) return intOrByte(m.ttl);
    if (name === IP_OPT.IP_MULTICAST_LOOP) return intOrByte(m.loop ? 1 : 0);
    if (name === IP_OPT.IP_MULTICAST_ALL) return intOrByte(m.all ? 1 : 0);
    if (name === IP_OPT.IP_MULTICAST_IF) return putBytes(ipBytes(m.ifAddr));
    return E.ENOPROTOOPT;
  }
  if (level === IPPROTO.IPPROTO_IPV6) {
    if (s.domain !== AF.AF_INET6) return unknownLevel;
    if (name === IPV6_OPT.IPV6_V6ONLY) return putInt(s.v6only ? 1 : 0);
    // The socket's hop limit, or the default (64) while it is -1 (ip6_sk_dst_hoplimit).
    if (name === IPV6_OPT.IPV6_UNICAST_HOPS) return putInt(s.hops6 < 0 ? 64 : s.hops6);
    if (name === IPV6_OPT.IPV6_RECVPKTINFO) return putInt(s.recvpktinfo6 ? 1 : 0);
    if (name === IPV6_OPT.IPV6_RECVHOPLIMIT) return putInt(s.recvhoplimit6 ? 1 : 0);
    if (name === IPV6_OPT.IPV6_MULTICAST_HOPS) return putInt(mcastOf(s).hops);
    if (name === IPV6_OPT.IPV6_MULTICAST_LOOP) return putInt(mcastOf(s).loop6 ? 1 : 0);
    if (name === IPV6_OPT.IPV6_MULTICAST_IF) return putInt(mcastOf(s).if6);
    return E.ENOPROTOOPT;
  }
  return unknownLevel;
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
