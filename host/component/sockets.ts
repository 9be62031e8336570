// wasi:sockets (network, instance-network, tcp, tcp-create-socket, udp,
// udp-create-socket, ip-name-lookup) on host/net's socket state machine:
// a WASI tcp-socket or udp-socket is a host/net Socket installed in the
// process's fd table (so it is closed at exit like a preview1 guest's, and
// the virtual network, pcap and services see it the same way). WASI 0.2's
// two-phase calls map onto Linux's non-blocking ones (start-connect is a
// non-blocking connect, finish-connect reads its outcome), and errnos become
// WASI's error-code names.
import { E, Errno } from '../abi/errno.js';
import { POLLERR, POLLIN, POLLOUT, WOULD_BLOCK } from '../kernel/file.js';
import { AF, IPPROTO } from '../net/addr/constants.js';
import { accept, bind, connect, listen } from '../net/ops.js';
import { Socket } from '../net/socket/socket.js';
import type { InetAddr } from '../net/addr/sockaddr.js';
import { canonIp, ipBytes } from '../net/addr/ipaddr.js';
import { networkOf } from '../net/virtual/index.js';
import { realNetOf } from '../net/real/network.js';
import { attachReal, realBind } from '../net/real/ops.js';
import { settle } from '../net/real/network.js';
import type { PendingOp } from '../net/socket/network.js';
import { realResolve } from '../net/real/dns.js';
import { lookupEtcHosts, readEtcHosts, sortDestinations } from '../net/etchosts.js';
import { EAI } from '../net/addr/constants.js';
import { isIPv4, isIPv6 } from 'node:net';
import { fail, InputStream, OutputStream, Pollable } from './io.js';
import type { ComponentProcess } from './process.js';

export type ErrorCode =
  | 'unknown' | 'access-denied' | 'not-supported' | 'invalid-argument' | 'out-of-memory' | 'timeout'
  | 'concurrency-conflict' | 'not-in-progress' | 'would-block' | 'invalid-state' | 'new-socket-limit'
  | 'address-not-bindable' | 'address-in-use' | 'remote-unreachable' | 'connection-refused'
  | 'connection-reset' | 'connection-aborted' | 'datagram-too-large' | 'name-unresolvable'
  | 'temporary-resolver-failure' | 'permanent-resolver-failure';

/** Linux errno (as host/net throws it) to WASI 0.2's error-code. */
const ERRNO_CODES: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [E.EACCES, 'access-denied'], [E.EPERM, 'access-denied'],
  [E.EOPNOTSUPP, 'not-supported'], [E.EAFNOSUPPORT, 'not-supported'], [E.EPROTONOSUPPORT, 'not-supported'],
  [E.EINVAL, 'invalid-argument'], [E.EDESTADDRREQ, 'invalid-argument'],
  [E.ENOMEM, 'out-of-memory'], [E.ENOBUFS, 'out-of-memory'],
  [E.ETIMEDOUT, 'timeout'],
  [E.EAGAIN, 'would-block'], [E.EINPROGRESS, 'would-block'], [E.EALREADY, 'concurrency-conflict'],
  [E.EISCONN, 'invalid-state'], [E.ENOTCONN, 'invalid-state'],
  [E.EMFILE, 'new-socket-limit'], [E.ENFILE, 'new-socket-limit'],
  [E.EADDRNOTAVAIL, 'address-not-bindable'], [E.EADDRINUSE, 'address-in-use'],
  [E.ENETUNREACH, 'remote-unreachable'], [E.EHOSTUNREACH, 'remote-unreachable'], [E.ENETDOWN, 'remote-unreachable'],
  [E.ECONNREFUSED, 'connection-refused'], [E.ECONNRESET, 'connection-reset'], [E.EPIPE, 'connection-reset'],
  [E.ECONNABORTED, 'connection-aborted'], [E.EMSGSIZE, 'datagram-too-large'],
]);

export function errorCode(errno: number): ErrorCode {
  return ERRNO_CODES.get(errno) ?? 'unknown';
}

/** Runs a host/net operation, turning a thrown Errno into WASI's error-code (the result's err). */
function net<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Errno) fail(errorCode(e.errno));
    throw e;
  }
}

type IpAddressFamily = 'ipv4' | 'ipv6';
type IpAddress = { tag: 'ipv4'; val: [number, number, number, number] } | { tag: 'ipv6'; val: number[] };
export type IpSocketAddress =
  | { tag: 'ipv4'; val: { port: number; address: [number, number, number, number] } }
  | { tag: 'ipv6'; val: { port: number; flowInfo: number; address: number[]; scopeId: number } };

function toInet(a: IpSocketAddress): InetAddr {
  if (a.tag === 'ipv4') return { family: 4, ip: a.val.address.join('.'), port: a.val.port };
  // Canonical text ("::1"), as the kernel's own sockaddr parser gives it: addresses compare as text.
  const ip = canonIp(a.val.address.map((x) => x.toString(16)).join(':'));
  return { family: 6, ip, port: a.val.port, flowinfo: a.val.flowInfo, scope: a.val.scopeId };
}

function fromIp(ip: string, v6: boolean): IpAddress {
  const b = ipBytes(ip);
  if (!v6 && b.length === 4) return { tag: 'ipv4', val: [b[0]!, b[1]!, b[2]!, b[3]!] };
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((b[i]! << 8) | b[i + 1]!);
  return { tag: 'ipv6', val: w };
}

function fromInet(a: InetAddr): IpSocketAddress {
  if (a.family === 4) {
    const ip = fromIp(a.ip, false) as { tag: 'ipv4'; val: [number, number, number, number] };
    return { tag: 'ipv4', val: { port: a.port, address: ip.val } };
  }
  return { tag: 'ipv6', val: { port: a.port, flowInfo: a.flowinfo ?? 0, address: fromIp(a.ip, true).val as number[], scopeId: a.scope ?? 0 } };
}

/** wasi:sockets/network.network: the one network a process has (the run's virtual network, or the real one with --net=real). */
export class Network {}

function newSocket(p: ComponentProcess, family: IpAddressFamily, kind: 'stream' | 'dgram'): { s: Socket; fd: number } {
  if (family !== 'ipv4' && family !== 'ipv6') fail('invalid-argument' satisfies ErrorCode);
  const n = networkOf(p);
  const domain = family === 'ipv4' ? AF.AF_INET : AF.AF_INET6;
  const s = new Socket(n, n.host(p.host), undefined, domain, kind, kind === 'stream' ? IPPROTO.IPPROTO_TCP : IPPROTO.IPPROTO_UDP);
  s.nonblock = true;
  const rn = realNetOf(p);
  if (rn) attachReal(rn, s);
  if (p.fds.size >= p.fds.limit) fail('new-socket-limit' satisfies ErrorCode);
  const fd = p.fds.install(s);
  return { s, fd };
}

function checkFamily(s: Socket, a: IpSocketAddress): void {
  if ((s.domain === AF.AF_INET) !== (a.tag === 'ipv4')) fail('invalid-argument' satisfies ErrorCode);
}

/** start-bind of either socket type: host/net's bind, its errno as WASI's error code. */
function bindTo(s: Socket, local: IpSocketAddress): void {
  checkFamily(s, local);
  const a = toInet(local);
  const len = a.family === 4 ? 16 : 28;
  // On --net=real a TCP socket binds at once, a UDP one when Node answers: finish-bind waits for that.
  if (s.real && !s.isUnix) net(() => realBind(s, a, len, true));
  else net(() => bind(s, a, len, true));
}

/** The host's bind still unanswered (--net=real). */
function realBindPending(s: Socket): PendingOp | undefined {
  const op = (s.real as { op?: PendingOp } | undefined)?.op;
  return op?.kind === 'bind' ? op : undefined;
}

/** finish-bind: would-block until the host answered a --net=real bind, then its error if it failed. */
function settleBind(s: Socket): void {
  if (!realBindPending(s)) return;
  if (net(() => settle(s.real as { op: PendingOp | undefined })) === WOULD_BLOCK) fail('would-block' satisfies ErrorCode);
}

/** A socket's pollable waits for a --net=real bind's answer; otherwise `ready` says. */
function bindAnswered(s: Socket): boolean {
  const op = realBindPending(s);
  return op === undefined || op.errno !== undefined;
}

/**
 * What wasi:sockets' tcp-socket and udp-socket share: the host/net socket
 * behind them, and the options both have (hop limit as the socket's IP TTL or IPv6 unicast hops,
 * buffer sizes as SO_RCVBUF/SO_SNDBUF), stored on the socket as setsockopt
 * would.
 */
abstract class IpSocketResource {
  constructor(
    readonly proc: ComponentProcess,
    readonly sock: Socket,
    readonly fd: number,
    readonly family: IpAddressFamily,
  ) {}
  /** An IPv6 socket's hop limit is IPV6_UNICAST_HOPS' (what its IPv6 datagrams carry), an IPv4 one's IP_TTL's. */
  protected hops(): number {
    if (this.family === 'ipv6') return this.sock.hops6 < 0 ? 64 : this.sock.hops6;
    return this.sock.ttl;
  }
  protected setHops(v: number): void {
    if (v <= 0 || v > 255) fail('invalid-argument' satisfies ErrorCode);
    if (this.family === 'ipv6') this.sock.hops6 = v;
    else this.sock.ttl = v;
  }
  receiveBufferSize(): bigint {
    return BigInt(this.sock.rcvbuf);
  }
  setReceiveBufferSize(v: bigint): void {
    if (v === 0n) fail('invalid-argument' satisfies ErrorCode);
    this.sock.rcvbuf = Number(v);
  }
  sendBufferSize(): bigint {
    return BigInt(this.sock.sndbuf);
  }
  setSendBufferSize(v: bigint): void {
    if (v === 0n) fail('invalid-argument' satisfies ErrorCode);
    this.sock.sndbuf = Number(v);
  }
}

export class TcpSocket extends IpSocketResource {
  /** The two-phase call under way: 'bind' | 'connect' | 'listen' between start-x and finish-x. */
  private pending: 'bind' | 'connect' | 'listen' | undefined;
  private connectFailed: ErrorCode | undefined;
  /** The address start-connect was given: finish-connect asks host/net about the same connect. */
  private connectTo: InetAddr | undefined;
  private streams = false;
  private dropped = false;
  /** TCP_KEEPIDLE, TCP_KEEPINTVL (ns) and TCP_KEEPCNT, Linux's defaults until set. */
  private keepIdle = 7200_000_000_000n;
  private keepIntvl = 75_000_000_000n;
  private keepCnt = 9;
  constructor(proc: ComponentProcess, sock: Socket, fd: number, family: IpAddressFamily, connected = false) {
    super(proc, sock, fd, family);
    this.streams = connected;
  }

  startBind(_network: Network, local: IpSocketAddress): void {
    const s = this.sock;
    if (this.pending || s.state !== 'unbound' || (s.local && !s.autobound)) fail('invalid-state' satisfies ErrorCode);
    bindTo(s, local);
    this.pending = 'bind';
  }
  finishBind(): void {
    if (this.pending !== 'bind') fail('not-in-progress' satisfies ErrorCode);
    try {
      settleBind(this.sock);
    } catch (e) {
      // would-block leaves the bind pending; its answer, good or bad, ends it.
      if (e !== 'would-block') this.pending = undefined;
      throw e;
    }
    this.pending = undefined;
  }

  startConnect(_network: Network, remote: IpSocketAddress): void {
    const s = this.sock;
    if (this.pending || this.streams || s.state === 'listening' || s.state === 'connected' || s.state === 'connecting' || this.connectFailed) {
      fail('invalid-state' satisfies ErrorCode);
    }
    checkFamily(s, remote);
    const a = toInet(remote);
    this.connectTo = a;
    if (a.port === 0 || (a.family === 4 ? a.ip === '0.0.0.0' : /^[0:]+$/.test(a.ip))) fail('invalid-argument' satisfies ErrorCode);
    // A connect that fails at once (no route, refused on this host) is reported by finish-connect, as WASI says.
    try {
      connect(s, a, a.family === 4 ? 16 : 28);
    } catch (e) {
      if (!(e instanceof Errno)) throw e;
      this.connectFailed = errorCode(e.errno);
    }
    this.pending = 'connect';
  }
  finishConnect(): [InputStream, OutputStream] {
    if (this.pending !== 'connect') fail('not-in-progress' satisfies ErrorCode);
    const s = this.sock;
    if (this.connectFailed) {
      this.pending = undefined;
      fail(this.connectFailed);
    }
    let r: number;
    try {
      r = connect(s, this.connectTo!, this.connectTo!.family === 4 ? 16 : 28);
    } catch (e) {
      if (!(e instanceof Errno)) throw e;
      this.pending = undefined;
      // The socket stays closed for good: a later start-connect is invalid-state.
      this.connectFailed = errorCode(e.errno);
      fail(this.connectFailed);
    }
    if (r === WOULD_BLOCK) fail('would-block' satisfies ErrorCode);
    this.pending = undefined;
    this.streams = true;
    return this.makeStreams();
  }

  private makeStreams(): [InputStream, OutputStream] {
    return [new InputStream(this.proc, this.sock), new OutputStream(this.proc, this.sock)];
  }

  startListen(): void {
    const s = this.sock;
    if (this.pending || this.streams || s.state === 'listening' || s.state === 'connecting' || s.state === 'connected') fail('invalid-state' satisfies ErrorCode);
    if (!s.local || s.autobound) fail('invalid-state' satisfies ErrorCode);
    net(() => listen(s, 128));
    this.pending = 'listen';
  }
  finishListen(): void {
    if (this.pending !== 'listen') fail('not-in-progress' satisfies ErrorCode);
    this.pending = undefined;
  }

  accept(): [TcpSocket, InputStream, OutputStream] {
    const s = this.sock;
    if (s.state !== 'listening' || this.pending) fail('invalid-state' satisfies ErrorCode);
    const r = net(() => accept(s));
    if (r === WOULD_BLOCK) fail('would-block' satisfies ErrorCode);
    const c = r as Socket;
    c.nonblock = true;
    const p = this.proc;
    if (p.fds.size >= p.fds.limit) {
      c.close();
      fail('new-socket-limit' satisfies ErrorCode);
    }
    const fd = p.fds.install(c);
    const t = new TcpSocket(p, c, fd, this.family, true);
    return [t, new InputStream(p, c), new OutputStream(p, c)];
  }

  localAddress(): IpSocketAddress {
    const l = this.sock.local;
    if (!l || (l.family !== 4 && l.family !== 6)) fail('invalid-state' satisfies ErrorCode);
    return fromInet(l);
  }
  remoteAddress(): IpSocketAddress {
    const r = this.sock.remote;
    if (!this.streams || !r || (r.family !== 4 && r.family !== 6)) fail('invalid-state' satisfies ErrorCode);
    return fromInet(r);
  }
  isListening(): boolean {
    return this.sock.state === 'listening';
  }
  addressFamily(): IpAddressFamily {
    return this.family;
  }
  setListenBacklogSize(value: bigint): void {
    if (value === 0n) fail('invalid-argument' satisfies ErrorCode);
    if (this.sock.state === 'listening') this.sock.backlog = Math.min(Number(value), 4096);
  }
  keepAliveEnabled(): boolean {
    return this.sock.keepalive;
  }
  setKeepAliveEnabled(v: boolean): void {
    this.sock.keepalive = v;
  }
  keepAliveIdleTime(): bigint {
    return this.keepIdle;
  }
  setKeepAliveIdleTime(v: bigint): void {
    if (v <= 0n) fail('invalid-argument' satisfies ErrorCode);
    this.keepIdle = v;
  }
  keepAliveInterval(): bigint {
    return this.keepIntvl;
  }
  setKeepAliveInterval(v: bigint): void {
    if (v <= 0n) fail('invalid-argument' satisfies ErrorCode);
    this.keepIntvl = v;
  }
  keepAliveCount(): number {
    return this.keepCnt;
  }
  setKeepAliveCount(v: number): void {
    if (v <= 0) fail('invalid-argument' satisfies ErrorCode);
    this.keepCnt = v;
  }
  hopLimit(): number {
    return this.hops();
  }
  setHopLimit(v: number): void {
    this.setHops(v);
  }

  /** Ready when finish-connect / accept / finish-bind would not say would-block. */
  subscribe(): Pollable {
    const s = this.sock;
    return new Pollable(
      this.proc,
      () => {
        if (this.pending === 'bind') return bindAnswered(s);
        if (this.pending === 'connect') return this.connectFailed !== undefined || s.state !== 'connecting';
        if (s.state === 'listening') return s.acceptq.length > 0 || s.closed;
        return true;
      },
      () => [s.waitq],
    );
  }

  shutdown(how: 'receive' | 'send' | 'both'): void {
    if (!this.streams) fail('invalid-state' satisfies ErrorCode);
    net(() => this.sock.shutdown(how === 'receive' ? 0 : how === 'send' ? 1 : 2));
  }

  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    if (this.proc.fds.has(this.fd) && this.proc.fds.file(this.fd) === this.sock) this.proc.fds.close(this.fd);
  }
}

// ---- UDP -----------------------------------------------------------------

type IncomingDatagram = { data: Uint8Array; remoteAddress: IpSocketAddress };
type OutgoingDatagram = { data: Uint8Array; remoteAddress?: IpSocketAddress };

export class UdpSocket extends IpSocketResource {
  private pending: 'bind' | undefined;
  private dropped = false;
  startBind(_network: Network, local: IpSocketAddress): void {
    const s = this.sock;
    if (this.pending || (s.local && !s.autobound)) fail('invalid-state' satisfies ErrorCode);
    bindTo(s, local);
    this.pending = 'bind';
  }
  finishBind(): void {
    if (this.pending !== 'bind') fail('not-in-progress' satisfies ErrorCode);
    try {
      settleBind(this.sock);
    } catch (e) {
      if (e !== 'would-block') this.pending = undefined;
      throw e;
    }
    this.pending = undefined;
  }
  stream(remote?: IpSocketAddress): [IncomingDatagramStream, OutgoingDatagramStream] {
    const s = this.sock;
    if (!s.local) fail('invalid-state' satisfies ErrorCode);
    let r = 0;
    if (remote) {
      checkFamily(s, remote);
      const a = toInet(remote);
      r = net(() => connect(s, a, a.family === 4 ? 16 : 28));
    } else if (s.remote) r = net(() => connect(s, { family: 'unspec' }, 16));
    if (r === WOULD_BLOCK) {
      // On --net=real Node connects the datagram socket and answers later: the call waits and runs again, as connect(2) does.
      this.proc.suspend([s.waitq]);
      return undefined as never;
    }
    return [new IncomingDatagramStream(this.proc, s), new OutgoingDatagramStream(this.proc, s)];
  }
  localAddress(): IpSocketAddress {
    const l = this.sock.local;
    if (!l || (l.family !== 4 && l.family !== 6)) fail('invalid-state' satisfies ErrorCode);
    return fromInet(l);
  }
  remoteAddress(): IpSocketAddress {
    const r = this.sock.remote;
    if (!r || (r.family !== 4 && r.family !== 6)) fail('invalid-state' satisfies ErrorCode);
    return fromInet(r);
  }
  addressFamily(): IpAddressFamily {
    return this.family;
  }
  unicastHopLimit(): number {
    return this.hops();
  }
  setUnicastHopLimit(v: number): void {
    this.setHops(v);
  }
  subscribe(): Pollable {
    const s = this.sock;
    return new Pollable(this.proc, () => this.pending !== 'bind' || bindAnswered(s), () => [s.waitq]);
  }
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    if (this.proc.fds.has(this.fd) && this.proc.fds.file(this.fd) === this.sock) this.proc.fds.close(this.fd);
  }
}

const MAX_DGRAM = 65535;

export class IncomingDatagramStream {
  /** Where a datagram lands before it is copied out at its size: one per stream, not 64 KiB per receive (a polling loop calls it often). */
  private scratch: Uint8Array | undefined;
  constructor(
    readonly proc: ComponentProcess,
    readonly sock: Socket,
  ) {}
  receive(max: bigint): IncomingDatagram[] {
    const out: IncomingDatagram[] = [];
    const s = this.sock;
    while (BigInt(out.length) < max) {
      const buf = (this.scratch ??= new Uint8Array(MAX_DGRAM));
      // A pending error (an ICMP port unreachable) comes first, as sock_error() in __skb_recv_udp; after some datagrams it waits for the next call.
      if (s.soError) {
        if (out.length > 0) break;
        const e = s.takeError();
        net(() => {
          throw new Errno(e);
        });
      }
      const r = net(() => s.recvMessage([buf], false));
      if (r.n === WOULD_BLOCK) break;
      const from = r.from;
      if (from.family !== 4 && from.family !== 6) continue;
      out.push({ data: buf.slice(0, r.n), remoteAddress: fromInet(from) });
    }
    return out;
  }
  subscribe(): Pollable {
    // Ready when receive would not wait: a datagram (POLLIN) or a pending error (POLLERR: an ICMP port unreachable, which receive reports).
    return new Pollable(this.proc, () => (this.sock.poll() & (POLLIN | POLLERR)) !== 0, () => [this.sock.waitq]);
  }
}

export class OutgoingDatagramStream {
  constructor(
    readonly proc: ComponentProcess,
    readonly sock: Socket,
  ) {}
  checkSend(): bigint {
    return (this.sock.poll() & POLLOUT) !== 0 ? 64n : 0n;
  }
  send(datagrams: OutgoingDatagram[]): bigint {
    const s = this.sock;
    let n = 0n;
    for (const d of datagrams) {
      if (d.remoteAddress && s.remote) fail('invalid-argument' satisfies ErrorCode);
      if (!d.remoteAddress && !s.remote) fail('invalid-argument' satisfies ErrorCode);
      const dst = d.remoteAddress ? toInet(d.remoteAddress) : undefined;
      if (d.remoteAddress) checkFamily(s, d.remoteAddress);
      const r = net(() => s.sendDatagram([d.data], d.data.length, dst ?? s.remote!));
      if (r === WOULD_BLOCK) break;
      n++;
    }
    return n;
  }
  subscribe(): Pollable {
    return new Pollable(this.proc, () => (this.sock.poll() & POLLOUT) !== 0, () => [this.sock.waitq]);
  }
}

// ---- ip-name-lookup --------------------------------------------------------

export class ResolveAddressStream {
  private i = 0;
  constructor(
    readonly proc: ComponentProcess,
    private readonly addrs: IpAddress[],
  ) {}
  resolveNextAddress(): IpAddress | undefined {
    return this.addrs[this.i++];
  }
  subscribe(): Pollable {
    return new Pollable(this.proc, () => true, () => []);
  }
}

export function socketsImports(p: ComponentProcess): Record<string, Record<string, unknown>> {
  let network: Network | undefined;
  return {
    'wasi:sockets/network': { Network },
    'wasi:sockets/instance-network': { instanceNetwork: (): Network => (network ??= new Network()) },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': {
      createTcpSocket: (family: IpAddressFamily): TcpSocket => {
        const { s, fd } = newSocket(p, family, 'stream');
        return new TcpSocket(p, s, fd, family);
      },
    },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': {
      createUdpSocket: (family: IpAddressFamily): UdpSocket => {
        const { s, fd } = newSocket(p, family, 'dgram');
        return new UdpSocket(p, s, fd, family);
      },
    },
    'wasi:sockets/ip-name-lookup': {
      ResolveAddressStream,
      resolveAddresses: (_network: Network, name: string): ResolveAddressStream => {
        const r = resolveName(p, name);
        if (r === undefined) return new ResolveAddressStream(p, []); // waits for the real resolver: runs again when woken
        return new ResolveAddressStream(p, r.map((a) => fromIp(a.ip, a.family === 6)));
      },
    },
  };
}

/**
 * A name's addresses as preview1's getaddrinfo finds them (host/net/syscalls/netdb.ts,
 * as glibc does): the virtual host's /etc/hosts, then the virtual network's names, or
 * the real resolver under --net=real; in RFC 6724 order (::1 before 127.0.0.1 for
 * localhost), so a program tries addresses in the same order in either build.
 * Undefined when the real resolver is still working (the call waits).
 */
function resolveName(p: ComponentProcess, name: string): { family: 4 | 6; ip: string }[] | undefined {
  if (isIPv4(name)) return [{ family: 4, ip: name }];
  if (isIPv6(name)) return [{ family: 6, ip: name }];
  const net = networkOf(p);
  const hostsFile = readEtcHosts(p);
  const local = (hostsFile !== undefined ? lookupEtcHosts(hostsFile, name) : undefined) ?? (hostsFile === undefined || !/^(localhost|ip6-)/i.test(name) ? net.resolve(name) : undefined);
  const rn = realNetOf(p);
  const r = rn && !(local && /^(localhost|ip6-)/i.test(local.canon)) ? realResolve(p, rn, name) : local;
  if (r === 'wait') {
    p.blockedNow = true;
    return undefined;
  }
  if (typeof r === 'number') fail((r === EAI.EAI_AGAIN ? 'temporary-resolver-failure' : 'name-unresolvable') satisfies ErrorCode);
  if (!r) fail('name-unresolvable' satisfies ErrorCode);
  const addrs = [...r.v4.map((ip) => ({ family: 4 as const, ip })), ...r.v6.map((ip) => ({ family: 6 as const, ip }))];
  return addrs.length > 1 ? sortDestinations(addrs, rn ? undefined : net.hosts.get(p.host)) : addrs;
}
