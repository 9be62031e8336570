// The checks Linux makes on bind, listen, connect and accept that do not
// depend on which network carries the socket, each written once: the
// virtual network (ops.ts, virtual/tcp.ts) and the real one (real/ops.ts)
// call the same functions, so the same call gives the same errno on both.
import { E, Errno } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { AF } from '../addr/constants.js';
import { canonIp } from '../addr/ipaddr.js';
import { SIN6_LEN_RFC2133, isAny, type Addr, type InetAddr } from '../addr/sockaddr.js';
import type { Socket } from './socket.js';

/** An AF_INET6 socket given less than an RFC 2133 sockaddr_in6 (24 bytes): EINVAL, as inet6_bind and tcp_v6_connect say. */
export function checkInet6Addrlen(s: Socket, addrlen: number): void {
  if (s.domain === AF.AF_INET6 && addrlen < SIN6_LEN_RFC2133) throw new Errno(E.EINVAL);
}

/** inet_bind's compatibility rule: on an AF_INET socket, AF_UNSPEC counts as AF_INET when the address is INADDR_ANY. */
export function unspecAsInet(s: Socket, a: Addr): Addr {
  return s.domain === AF.AF_INET && a.family === 'unspec' && a.asV4?.ip === '0.0.0.0' ? a.asV4 : a;
}

/**
 * inet_bind's checks on the address, in Linux's order, shared by both
 * networks: the length, AF_UNSPEC as INADDR_ANY, the family, an address the
 * host owns (`owns`: the real network leaves that to the host's kernel),
 * IPV6_V6ONLY against a mapped address, privileged ports.
 */
export function inetBindAddress(s: Socket, a: Addr, addrlen: number, privileged: boolean, owns: (ip: string) => boolean): InetAddr {
  checkInet6Addrlen(s, addrlen);
  a = unspecAsInet(s, a);
  const want = s.domain === AF.AF_INET ? 4 : 6;
  if (a.family !== want) throw new Errno(E.EAFNOSUPPORT);
  const ip = canonIp(a.ip);
  if (!owns(ip)) throw new Errno(E.EADDRNOTAVAIL);
  if (s.domain === AF.AF_INET6 && ip.startsWith('::ffff:') && s.v6only) throw new Errno(E.EINVAL);
  if (a.port !== 0 && a.port < 1024 && !privileged) throw new Errno(E.EACCES);
  return { family: want, ip, port: a.port };
}

/** Linux takes backlog+1 connections; half-open ones (SYN-ACK sent) count too, so a burst of SYNs cannot overfill it. */
export function backlogFull(l: Socket): boolean {
  return l.acceptq.length + l.synRecv > l.backlog;
}

/**
 * connect() called again while an attempt is under way (after the wake-up,
 * or a second non-blocking connect): WOULD_BLOCK while it runs, 0 once
 * connected, else the attempt's error (`fallback` once SO_ERROR took it),
 * after `failed` has undone what the network set up.
 */
export function settleConnect(s: Socket, fallback: number, failed?: () => void): number {
  if (s.state === 'connecting') return WOULD_BLOCK;
  if (s.state === 'connected') {
    s.ss = 'connected';
    return 0;
  }
  const e = s.takeError() || fallback;
  s.disconnect();
  failed?.();
  throw new Errno(e);
}

/**
 * connect(AF_UNSPEC) on a UDP socket (__udp_disconnect): the peer is gone
 * (getpeername says ENOTCONN, send without an address EDESTADDRREQ), the
 * local address goes back to the wildcard unless bind() named one, and a
 * port bind() did not name is given back (`release`), so getsockname shows
 * port 0 until the next send or connect binds another.
 */
export function dissolveDatagram(s: Socket, release: (port: number) => void): void {
  s.remote = undefined;
  s.peer = undefined;
  const l = s.local as InetAddr | undefined;
  if (s.isUnix || s.raw || !l || l.port === 0) return;
  const ip = s.bindAddrLock || isAny(l) ? l.ip : s.domain === AF.AF_INET ? '0.0.0.0' : '::';
  if (s.bindPortLock) {
    s.local = { ...l, ip };
    return;
  }
  release(l.port);
  s.autobound = false;
  if (s.bindAddrLock) s.local = { ...l, ip, port: 0 };
  else {
    s.local = undefined;
    s.state = 'unbound';
  }
}
