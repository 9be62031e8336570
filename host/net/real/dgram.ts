// A UDP socket carried by a Node dgram.Socket. bind() and connect() are
// asynchronous in Node, so those calls suspend the guest until Node reports
// the outcome; sends are fire-and-forget as on Linux. A connected socket is
// connected in Node too, so the host's kernel filters other senders and an
// ICMP port-unreachable comes back as ECONNREFUSED. A socket the guest never
// bound (its port came with its first send) hears only from addresses the
// policy lets it talk to.
//
// Multicast options (IP_MULTICAST_TTL/LOOP/IF, IP_ADD/DROP_MEMBERSHIP and
// their IPv6 forms) go to Node's setMulticastTTL, setMulticastLoopback,
// setMulticastInterface, addMembership and dropMembership. Node has no fd
// before the socket is bound (and addMembership would bind it to the
// wildcard itself), while Linux takes them on an unbound socket: they are
// kept here and applied when Node reports the socket bound, before its
// first datagram leaves.
import * as dgram from 'node:dgram';
import type { Process } from '../../kernel/process.js';
import { E, Errno } from '../../abi/errno.js';
import { AF } from '../addr/constants.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { dissolveDatagram } from '../socket/rules.js';
import { sameAddr, type Socket } from '../socket/socket.js';
import type { HostSocket, PendingOp } from '../socket/network.js';
import { anyToLoopback, isInet, type Addr, type InetAddr } from '../addr/sockaddr.js';
import { codeErrno, nodeAddr, nodeHost, settle, type RealNetwork } from './network.js';

/** A group joined: what Node's addMembership got, for its dropMembership. */
interface Membership {
  group: string;
  iface: string | undefined;
}

export class RealDgram implements HostSocket {
  private sock: dgram.Socket | undefined;
  private release: (() => void) | undefined;
  /** The guest bound it (bind()); otherwise what it hears is filtered by --allow-connect. */
  private explicit = false;
  private connected = false;
  /** Sends Node has not finished: Linux's sendto is done when it returns, so close() waits for these. */
  private inflight = 0;
  private inflightBytes = 0;
  private closing = false;
  private flushedNow: (() => void) | undefined;
  op: PendingOp | undefined;
  /** Node's socket has its fd ('listening' seen): multicast options go to it at once. */
  private bound = false;
  /** Multicast options as the guest set them, for a socket Node binds later. */
  private readonly mc: { ttl?: number; loop?: boolean; iface?: string; groups: Map<string, Membership> } = { groups: new Map() };

  constructor(
    readonly rn: RealNetwork,
    readonly s: Socket,
  ) {}

  private ensure(): dgram.Socket {
    if (this.sock) return this.sock;
    const s = this.s;
    const sock = dgram.createSocket({ type: s.domain === AF.AF_INET6 ? 'udp6' : 'udp4', reuseAddr: s.reuseaddr, ipv6Only: s.v6only });
    this.sock = sock;
    this.release = this.rn.track({ destroy: () => sock.close() });
    sock.on('listening', () => {
      const a = sock.address();
      s.boundTo(!s.local || (s.local as InetAddr).port === 0 ? nodeAddr(s.domain, a.address, a.port) : undefined);
      if (s.broadcast) sock.setBroadcast(true);
      this.bound = true;
      this.applyMulticast(sock);
    });
    sock.on('message', (msg, rinfo) => {
      const from = nodeAddr(s.domain, rinfo.address, rinfo.port);
      if (!this.explicit && !this.rn.mayConnect(from.ip, from.port)) return;
      const drops = s.net.drops;
      s.pushDatagram(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), from);
      this.throttle(sock, s.net.drops !== drops);
      this.rn.kernel.kick();
    });
    sock.on('error', (e) => {
      // ICMP errors reach only a connected socket, as on Linux.
      if (this.connected && !s.closed) {
        s.onError(codeErrno(e), false);
        this.rn.wake(s);
      }
    });
    sock.on('close', () => this.done());
    return sock;
  }

  /**
   * The guest's queue is full (a datagram was dropped): Linux drops whatever
   * arrives until the guest reads. Node still reads the host socket behind
   * the guest's back (32 datagrams a turn), and what the host's queue held
   * would reach the guest once it made room: so while the guest's queue is
   * full the host's is shrunk to its minimum, and the host drops new
   * arrivals as Linux would. The first datagram taken again restores it.
   */
  private shrunk = 0;
  private throttle(sock: dgram.Socket, dropped: boolean): void {
    try {
      if (dropped && !this.shrunk) {
        this.shrunk = sock.getRecvBufferSize();
        sock.setRecvBufferSize(1);
      } else if (!dropped && this.shrunk) {
        sock.setRecvBufferSize(this.shrunk >>> 1);
        this.shrunk = 0;
      }
    } catch {
      // The socket closed meanwhile.
    }
  }

  private done(): void {
    const r = this.release;
    this.release = undefined;
    r?.();
  }

  private finish(errno: number): void {
    if (this.op) this.op.errno = errno;
    this.rn.wake(this.s);
  }

  bind(a: InetAddr): void {
    this.op = { kind: 'bind' };
    this.explicit = true;
    const sock = this.ensure();
    const onError = (e: Error): void => {
      sock.removeListener('listening', onListening);
      // A failed bind leaves the socket unbound and usable, as on Linux: start afresh.
      this.sock = undefined;
      this.bound = false;
      this.explicit = false;
      sock.close();
      this.finish(codeErrno(e));
    };
    const onListening = (): void => {
      sock.removeListener('error', onError);
      this.finish(0);
    };
    sock.once('error', onError);
    sock.once('listening', onListening);
    sock.bind({ address: nodeHost(this.s.domain, a.ip), port: a.port, exclusive: true });
  }

  sync(p: Process): number | undefined {
    return this.rn.sync(p);
  }

  /** Closes Node's socket, keeping the guest's: its hold on the run ends when that socket has closed. */
  private unbind(): void {
    const sock = this.sock!;
    const release = this.release;
    this.sock = undefined;
    this.release = undefined;
    this.bound = false;
    this.explicit = false;
    sock.removeAllListeners('close');
    sock.once('close', () => release?.());
    sock.close();
  }

  /** SO_BROADCAST as the guest last set it (on or off); an unbound socket gets it in its 'listening' handler. */
  private applyBroadcast(sock: dgram.Socket): void {
    if (this.bound) sock.setBroadcast(this.s.broadcast);
  }

  /** connect() (dst) or its dissolution (undefined). */
  connect(dst: InetAddr | undefined): void {
    const sock = this.ensure();
    if (this.connected) {
      sock.disconnect();
      this.connected = false;
    }
    if (!dst) return;
    this.op = { kind: 'connect' };
    this.rn.touch();
    // ip4_datagram_connect checks SO_BROADCAST for a broadcast peer: the host socket must have the guest's.
    this.applyBroadcast(sock);
    sock.connect(dst.port, nodeHost(this.s.domain, dst.ip), (err?: Error) => {
      if (!err) this.connected = true;
      this.finish(err ? codeErrno(err) : 0);
    });
  }

  sendTo(data: Uint8Array, dst: InetAddr): void {
    this.rn.checkConnect(dst.ip, dst.port);
    const sock = this.ensure();
    this.applyBroadcast(sock);
    // Node will not take an address on a connected socket; Linux would send there anyway.
    if (this.connected && (!this.s.remote || !sameAddr(this.s.remote, dst))) throw new Errno(E.EISCONN, undefined, 'a connected UDP socket on --net=real sends only to its peer');
    this.inflight++;
    this.inflightBytes += data.length;
    this.rn.touch();
    const cb = (err: Error | null): void => {
      this.inflightBytes -= data.length;
      if (--this.inflight === 0 && this.closing) this.close();
      this.rn.wake(this.s);
      if (err && this.connected && !this.s.closed) {
        this.s.onError(codeErrno(err), false);
        this.rn.wake(this.s);
      }
    };
    if (this.connected) {
      sock.send(data, cb);
    } else sock.send(data, dst.port, nodeHost(this.s.domain, dst.ip), cb);
  }

  /** Datagrams Node still holds count against SO_SNDBUF: a guest sending in a loop cannot queue without bound. */
  room(): number {
    return this.inflightBytes >= this.s.sndbuf ? 0 : 1;
  }
  unsent(): number {
    return this.inflightBytes;
  }
  checkConnect(): void {
    // Datagram sockets connect through connectDgram.
  }
  startConnect(): void {}

  /** connect(): sets (or with AF_UNSPEC dissolves) the peer; WOULD_BLOCK until Node connected. */
  connectDgram(a: Addr): number {
    const s = this.s;
    if (this.op?.kind === 'connect') {
      try {
        return settle(this);
      } catch (e) {
        s.remote = undefined;
        throw e;
      }
    }
    if (a.family === 'unspec') {
      this.connect(undefined);
      // __udp_disconnect gives back a port the guest did not bind (no SOCK_BINDPORT_LOCK): Node's socket
      // goes, and the next send binds afresh. A bound address without a port cannot be kept in Node.
      if (this.sock && !s.bindPortLock && !s.bindAddrLock) {
        this.unbind();
        dissolveDatagram(s, () => {});
      } else s.remote = undefined;
      return 0;
    }
    if (!isInet(a)) throw new Errno(E.EAFNOSUPPORT);
    if (s.domain === AF.AF_INET && a.family !== 4) throw new Errno(E.EAFNOSUPPORT);
    // __ip6_datagram_connect: a sockaddr_in on an IPv6-only socket.
    if (s.domain === AF.AF_INET6 && a.family === 4 && s.v6only) throw new Errno(E.EAFNOSUPPORT);
    const d = anyToLoopback(a);
    this.rn.checkConnect(d.ip, d.port);
    s.remote = s.domain === AF.AF_INET6 && d.family === 4 ? { family: 6, ip: `::ffff:${d.ip}`, port: d.port } : d;
    this.connect(s.remote as InetAddr);
    return WOULD_BLOCK;
  }

  /** Runs f on Node's socket when it is bound (else the option waits for the bind); Node's errors become the guest's errno. */
  private now(f: (sock: dgram.Socket) => void): void {
    if (!this.bound || !this.sock) return;
    try {
      f(this.sock);
    } catch (e) {
      throw new Errno(codeErrno(e));
    }
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS (Node sets the one of the socket's family). */
  setMulticastTTL(ttl: number): void {
    this.now((sock) => sock.setMulticastTTL(ttl));
    this.mc.ttl = ttl;
  }
  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP. */
  setMulticastLoop(on: boolean): void {
    this.now((sock) => sock.setMulticastLoopback(on));
    this.mc.loop = on;
  }
  /** IP_MULTICAST_IF (an IPv4 address) / IPV6_MULTICAST_IF (a scope, "::%eth0"). */
  setMulticastIf(iface: string): void {
    this.now((sock) => sock.setMulticastInterface(iface));
    this.mc.iface = iface;
  }
  /** IP_ADD_MEMBERSHIP / IPV6_ADD_MEMBERSHIP; key names (group, interface) as Linux keys a membership. */
  join(key: string, group: string, iface: string | undefined): void {
    if (this.mc.groups.has(key)) throw new Errno(E.EADDRINUSE);
    this.now((sock) => sock.addMembership(group, iface));
    this.mc.groups.set(key, { group, iface });
  }
  /** IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP: EADDRNOTAVAIL when not joined. */
  leave(key: string): void {
    const m = this.mc.groups.get(key);
    if (!m) throw new Errno(E.EADDRNOTAVAIL);
    this.now((sock) => sock.dropMembership(m.group, m.iface));
    this.mc.groups.delete(key);
  }

  /** The options set before Node bound the socket. Checked when they were set, they fail here only if the host changed meanwhile: a notice says so. */
  private applyMulticast(sock: dgram.Socket): void {
    const mc = this.mc;
    const steps: [string, () => void][] = [];
    if (mc.ttl !== undefined) steps.push(['the multicast TTL', () => sock.setMulticastTTL(mc.ttl!)]);
    if (mc.loop !== undefined) steps.push(['multicast loopback', () => sock.setMulticastLoopback(mc.loop!)]);
    if (mc.iface !== undefined) steps.push([`multicast interface ${mc.iface}`, () => sock.setMulticastInterface(mc.iface!)]);
    for (const m of mc.groups.values()) steps.push([`group ${m.group}`, () => sock.addMembership(m.group, m.iface)]);
    for (const [what, step] of steps) {
      try {
        step();
      } catch (e) {
        this.rn.tell(`${what} set before bind could not be applied at bind: ${(e as Error).message}`);
      }
    }
  }

  close(): void {
    if (this.inflight > 0) {
      if (!this.closing) this.rn.flushed(new Promise((r) => (this.flushedNow = r)));
      this.closing = true;
      return;
    }
    this.flushedNow?.();
    if (this.sock) {
      try {
        this.sock.close();
      } catch {
        /* already closed */
      }
    }
    this.done();
  }
}
