// The transitions of the socket state machine that involve the network:
// bind (the port table, EADDRINUSE, TIME_WAIT), listen, connect (AF_UNIX
// at once, TCP through the handshake in virtual/tcp.ts or the real
// network's connect) and accept. The address checks are socket/rules.ts.
// Shared by AF_UNIX and AF_INET/AF_INET6, by blocking and non-blocking use.
import { E, Errno } from '../abi/errno.js';
import { WOULD_BLOCK } from '../kernel/file.js';
import { canonIp, isV4Mapped, unmap } from './addr/ipaddr.js';
import { anyToLoopback, isAny, isInet, type Addr, type InetAddr } from './addr/sockaddr.js';
import { AF, LINUX } from './addr/constants.js';
import { Socket } from './socket/socket.js';
import { startHandshake } from './virtual/tcp.js';
import { isMulticast } from './virtual/multicast.js';
import { connectUnix, bindUnix, connectUnixDgram } from './unix/unix.js';
import { checkInet6Addrlen, dissolveDatagram, inetBindAddress, settleConnect, unspecAsInet } from './socket/rules.js';

function overlaps(a: Socket, b: Socket): boolean {
  const la = a.local as InetAddr;
  const lb = b.local as InetAddr;
  // An IPv6 socket bound to :: without IPV6_V6ONLY also takes the IPv4 port.
  const coversV4 = (s: Socket, l: InetAddr): boolean => s.domain === AF.AF_INET || (!s.v6only && (l.ip === '::' || l.ip.startsWith('::ffff:')));
  const coversV6 = (s: Socket): boolean => s.domain === AF.AF_INET6;
  if (!((coversV4(a, la) && coversV4(b, lb)) || (coversV6(a) && coversV6(b)))) return false;
  if (isAny(la) || isAny(lb)) return true;
  return canonIp(unmap(la.ip)) === canonIp(unmap(lb.ip));
}

export function bind(s: Socket, a: Addr, addrlen: number, privileged: boolean): void {
  if (s.isUnix) return bindUnix(s, a);
  // A datagram socket a disconnect left with its bound address and no port may bind again (inet_num is 0), and so
  // may a TCP socket whose listening SHUT_RD gave its port back.
  if (s.local && !s.portReleased && !(s.kind === 'dgram' && !s.raw && (s.local as InetAddr).port === 0)) throw new Errno(E.EINVAL);
  checkInet6Addrlen(s, addrlen);
  a = unspecAsInet(s, a);
  if (s.raw) {
    // A raw socket binds an address only: there are no ports.
    if (a.family !== (s.domain === AF.AF_INET ? 4 : 6)) throw new Errno(E.EAFNOSUPPORT);
    if (!s.net.owns(s.host, a.ip)) throw new Errno(E.EADDRNOTAVAIL);
    s.local = { family: a.family, ip: canonIp(a.ip), port: 0 };
    s.state = 'bound';
    return;
  }
  // ping_bind: the port is the echo identifier, with no privileged range.
  const cand = inetBindAddress(s, a, addrlen, privileged || s.ping, (ip) => s.net.owns(s.host, ip));
  const portLock = cand.port !== 0;
  const tentative = s.local;
  s.local = cand;
  try {
    if (cand.port === 0 && s.ping) cand.port = s.pingIdent();
    else if (cand.port === 0) {
      cand.port = s.net.ephemeral(s.host, s.proto, (port) => conflicts(s, port) === undefined);
    } else {
      if (conflicts(s, cand.port)) throw new Errno(E.EADDRINUSE);
      // inet_bind_conflict: a TIME_WAIT connection gives way only when both it and the new socket have SO_REUSEADDR.
      if (s.kind === 'stream' && s.net.inTimeWait(s.host, 'tcp', cand.port, (ip, reuse) => !(s.reuseaddr && reuse) && clashesWith(s, cand, ip))) throw new Errno(E.EADDRINUSE);
    }
  } catch (e) {
    s.local = tentative;
    throw e;
  }
  s.net.addBinding(s.host, s.proto, cand.port, s);
  s.bindAddrLock = !isAny(cand);
  // inet6_bind: an address that is neither :: nor IPv4-mapped makes the socket IPv6-only.
  if (s.domain === AF.AF_INET6 && !isAny(cand) && !isV4Mapped(cand.ip)) s.v6only = true;
  s.bindPortLock = portLock;
  s.portReleased = false;
  s.state = 'bound';
}

/** Whether socket s binding `local` overlaps a connection whose local address was `ip` (IPv4 and mapped count as IPv4). */
function clashesWith(s: Socket, local: InetAddr, ip: string): boolean {
  const v4 = !ip.includes(':') || isV4Mapped(ip);
  const mine = local.ip;
  const coversV4 = s.domain === AF.AF_INET || (!s.v6only && (mine === '::' || isV4Mapped(mine)));
  const coversV6 = s.domain === AF.AF_INET6 && !isV4Mapped(mine);
  if (!(v4 ? coversV4 : coversV6)) return false;
  return isAny(local) || canonIp(unmap(mine)) === canonIp(unmap(ip));
}

/** Another socket holding the port in a way that forbids s from taking it. */
function conflicts(s: Socket, port: number): Socket | undefined {
  const me = { ...(s.local as InetAddr), port };
  const saved = s.local;
  s.local = me;
  try {
    for (const o of s.net.bound(s.host, s.proto, port)) {
      if (o === s || o.closed) continue;
      if (!overlaps(s, o)) continue;
      if (s.reuseport && o.reuseport) continue;
      if (s.reuseaddr && o.reuseaddr && (s.kind === 'dgram' || o.state !== 'listening')) continue;
      return o;
    }
    return undefined;
  } finally {
    s.local = saved;
  }
}

export function listen(s: Socket, backlog: number): void {
  if (s.kind === 'dgram') throw new Errno(E.EOPNOTSUPP);
  // inet_listen wants SS_UNCONNECTED; unix_listen TCP_CLOSE or TCP_LISTEN.
  if (s.state === 'connected' || s.state === 'connecting' || s.ss !== 'unconnected') throw new Errno(E.EINVAL);
  if (!s.local || s.portReleased) {
    if (s.isUnix) throw new Errno(E.EINVAL);
    s.autobind();
  }
  s.backlog = Math.min(Math.max(backlog, 0), LINUX.somaxconn);
  if (s.state !== 'listening') {
    if (!s.isUnix) {
      // Taking a port to listen re-checks it against listeners sharing it through SO_REUSEADDR.
      const port = (s.local as InetAddr).port;
      for (const o of s.net.bound(s.host, s.proto, port)) {
        if (o !== s && !o.closed && o.state === 'listening' && overlaps(s, o) && !(s.reuseport && o.reuseport)) throw new Errno(E.EADDRINUSE);
      }
    }
    // On --net=real the host socket listens only now (a bound port refuses connections until then).
    s.real?.hostListen?.();
    s.state = 'listening';
  }
  s.notify();
}

/**
 * connect() on any socket, as inet_stream_connect, unix_stream_connect and
 * the datagram connects decide it: 0 when connected, WOULD_BLOCK while a TCP
 * handshake runs (the caller says EINPROGRESS or EALREADY, or waits and
 * calls again), or throws the errno. `addrlen` matters where Linux checks it
 * per family (an IPv6 socket given a 16-byte sockaddr_in).
 */
export function connect(s: Socket, a: Addr, addrlen: number): number {
  if (s.kind === 'dgram') return connectDgram(s, a);
  if (s.isUnix) return connectUnix(s, a);
  if (a.family === 'unspec') {
    // AF_UNSPEC on TCP drops the connection (tcp_disconnect), with a RST to the peer.
    if (s.state === 'connected' && (s.real || !s.reset)) s.carrier?.abort();
    s.disconnect();
    return 0;
  }
  if (s.ss === 'connected') throw new Errno(E.EISCONN);
  // A failed attempt: its error, or ECONNABORTED once SO_ERROR took it.
  if (s.ss === 'connecting') return settleConnect(s, E.ECONNABORTED);
  if (s.state !== 'unbound' && s.state !== 'bound') throw new Errno(E.EISCONN);
  checkInet6Addrlen(s, addrlen);
  if (a.family !== (s.domain === AF.AF_INET ? 4 : 6)) throw new Errno(E.EAFNOSUPPORT);
  // tcp_v6_connect: an IPv6-only socket has no IPv4 route.
  if (s.v6only && isV4Mapped(a.ip)) throw new Errno(E.ENETUNREACH);
  // tcp_v4_connect refuses a route with RTCF_BROADCAST|RTCF_MULTICAST (inet_addr("localhost") is 255.255.255.255),
  // tcp_v6_connect a multicast peer: ENETUNREACH at once, no SYN.
  if (!s.real && (isMulticast(a.ip) || (!unmap(a.ip).includes(':') && s.net.isBroadcast(s.host, unmap(a.ip))))) throw new Errno(E.ENETUNREACH);
  if (s.real) s.real.checkConnect(a);
  // tcp_v4_connect leaves sk_shutdown alone: a shutdown() made before connect (which said ENOTCONN) still holds after it.
  const { rdShut, wrShut } = s;
  s.disconnect();
  s.rdShut = rdShut;
  s.wrShut = wrShut;
  s.ss = 'connecting';
  if (s.real) s.real.startConnect(a);
  else startHandshake(s, a);
  return WOULD_BLOCK;
}

function connectDgram(s: Socket, a: Addr): number {
  if (s.real && !s.isUnix) return s.real.connectDgram(a);
  if (a.family === 'unspec') {
    // AF_UNSPEC dissolves the association (rules.ts: what happens to the local address and port).
    dissolveDatagram(s, (port) => s.net.removeBinding(s.host, s.proto, port, s));
    return 0;
  }
  if (s.isUnix) return connectUnixDgram(s, a);
  if (s.raw) {
    if (!isInet(a)) throw new Errno(E.EAFNOSUPPORT);
    s.remote = a;
    return 0;
  }
  if (!isInet(a)) throw new Errno(E.EAFNOSUPPORT);
  if (s.domain === AF.AF_INET && a.family !== 4) throw new Errno(E.EAFNOSUPPORT);
  if (s.domain === AF.AF_INET6 && a.family === 4) {
    // An IPv4 peer needs a dual-stack socket not already tied to an IPv6-only address (__ip6_datagram_connect).
    if (s.v6only) throw new Errno(E.EAFNOSUPPORT);
    const l = s.local as InetAddr | undefined;
    if (l && !isAny(l) && !isV4Mapped(l.ip)) throw new Errno(E.EAFNOSUPPORT);
  }
  if (s.domain === AF.AF_INET6 && s.v6only && isV4Mapped(a.ip)) throw new Errno(E.ENETUNREACH);
  if (s.domain === AF.AF_INET6 && a.family === 6 && !isAny(a) && !isV4Mapped(a.ip)) {
    // ip6_dst_lookup_tail: no route from a v4-mapped source (an earlier IPv4 peer's, or bound) to an IPv6 peer.
    const l = s.local as InetAddr | undefined;
    if (l && !isAny(l) && isV4Mapped(l.ip)) throw new Errno(E.EAFNOSUPPORT);
  }
  a = anyToLoopback(a);
  // ip4_datagram_connect: a broadcast peer needs SO_BROADCAST.
  if (!s.broadcast && !unmap(a.ip).includes(':') && s.net.isBroadcast(s.host, a.ip)) throw new Errno(E.EACCES);
  s.autobind();
  s.remote = s.domain === AF.AF_INET6 && a.family === 4 ? { family: 6, ip: `::ffff:${a.ip}`, port: a.port } : a;
  s.pinLocal(a);
  s.soError = 0;
  return 0;
}

/** Takes one established connection off a listener's queue. */
export function accept(l: Socket): Socket | number {
  if (l.state !== 'listening') throw new Errno(l.kind === 'dgram' ? E.EOPNOTSUPP : E.EINVAL);
  const c = l.acceptq.shift();
  if (!c) return WOULD_BLOCK;
  l.backlogWait.wake();
  return c;
}
