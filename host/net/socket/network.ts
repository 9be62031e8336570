// What the socket layer asks of a network, as interfaces: the networks
// implement them and the socket layer never imports a network.
import type { Addr, InetAddr } from '../addr/sockaddr.js';
import type { Process } from '../../kernel/process.js';
import type { SendControl } from './scm.js';
import type { IpControl, Socket } from './socket.js';

/**
 * A stream or seqpacket connection's data path: where a connected socket's
 * bytes go, what its shutdown and close send. One per connected socket,
 * chosen by the network it lives on: virtual/stream.ts (TCP segments over
 * the simulated links), unix/stream.ts (straight into the peer's queue),
 * real/stream.ts (Node's net.Socket). socket.ts keeps the state machine and
 * decides what Linux would do; a carrier moves bytes and reports arrivals
 * through the receiving socket's named methods (deliver, pushDatagram,
 * onEof, onReset, onPeerClosed).
 */
export interface Carrier {
  /** Bytes a send may queue now (the peer's receive buffer plus our send buffer, less what is queued and in flight). */
  room(): number;
  /** SIOCOUTQ: bytes sent and not yet acknowledged (or, on the real network, not yet handed to the host's kernel). */
  unsent(): number;
  /**
   * Sends up to `total` bytes of iovs (views of guest memory: the carrier
   * copies them): the count taken, or WOULD_BLOCK with no room. `oob`:
   * the last byte is urgent (MSG_OOB); `ctl`: AF_UNIX ancillary data.
   */
  send(iovs: Uint8Array[], total: number, oob: boolean, ctl: SendControl | undefined): number;
  /** The reader took bytes: the peer's blocked writers (flow control) may go on. */
  drained(): void;
  /** SHUT_WR: a FIN after what is queued. */
  end(): void;
  /** close(): `unread` bytes left in our receive queue and SO_LINGER {1, 0} abort TCP with a RST. */
  close(unread: boolean, lingerZero: boolean): void;
  /** A connection queued on a listener and never accepted: the listener closed or stopped listening. */
  abandon(): void;
  /** connect(AF_UNSPEC) on a connected TCP socket (tcp_disconnect): a RST now. */
  abort(): void;
  /** TCP: whether our FIN is acknowledged (FIN_WAIT2, TIME_WAIT, or after LAST_ACK); undefined where unknown. */
  finAcked?(): boolean;
  /** SO_LINGER {1, N}: whether all sent, FIN included, is acknowledged (undefined where close cannot wait). */
  lingerDone?(): (() => boolean) | undefined;
}

/**
 * The real network's part of one inet socket beyond a connection's data
 * path (host/net/real: Node's net and dgram): asynchronous bind and
 * connect, datagrams. The state machine stays in socket.ts; these only
 * move bytes and report through the socket's named methods (boundTo,
 * established, connectFailed, deliver, pushDatagram, onEof, onReset,
 * onError, Socket.accepted).
 */
export interface HostSocket {
  /** Datagrams: 0 while sends Node still holds reach SO_SNDBUF. */
  room(): number;
  /** SIOCOUTQ: bytes handed to Node and not yet to the host's kernel. */
  unsent(): number;
  /** close(): abort sends a RST (unread data, SO_LINGER 0). */
  close(abort: boolean): void;
  /** One datagram to dst (checked against the policy; may throw EACCES). */
  sendTo(data: Uint8Array, dst: InetAddr): void;
  /** TCP connect(): the network's own checks (the policy: EACCES), before the socket's state changes. */
  checkConnect(dst: InetAddr): void;
  /** TCP connect(): starts the connection; the outcome comes back through established or connectFailed. */
  startConnect(dst: InetAddr): void;
  /** connect() on a datagram socket (AF_UNSPEC dissolves the association): 0, WOULD_BLOCK until done, or throws. */
  connectDgram(a: Addr): number;
  /** listen(): a bound host socket starts listening (throws the host's errno). */
  hostListen?(): void;
  /** An asynchronous bind or connect under way (its outcome once known): the call that started it waits for it. */
  op: PendingOp | undefined;
  /** OpenFile.hostSync: BLOCKED while Node must first read what the host kernel holds. */
  sync(p: Process): number | undefined;
}

/** A carrier's asynchronous step and, once known, its outcome (errno 0: done; note: why it failed, for the trace). */
export interface PendingOp {
  kind: 'bind' | 'connect';
  errno?: number;
  note?: string;
}

/** One network interface of a host, as SIOCGIFCONF, the SIOCGIF* ioctls and getifaddrs show it. */
export interface NetIface {
  name: string;
  index: number;
  /** IFF_* (the 16 bits of ifr_flags). */
  flags: number;
  mtu: number;
  /** ARPHRD_* link type and hardware address (6 bytes). */
  hwType: number;
  mac: Uint8Array;
  /** IPv4 addresses, the primary first: address, netmask, broadcast (0.0.0.0 when none). */
  v4: { addr: string; mask: string; bcast: string }[];
  /** IPv6 addresses with their prefix lengths. */
  v6: { addr: string; prefix: number }[];
}

/** A host as the socket layer sees it: its name, its AF_UNIX abstract names, its raw sockets, its interfaces. */
export interface SocketHost {
  readonly name: string;
  /** The host's interfaces by index (lo first). */
  ifaces(): NetIface[];
  /** AF_UNIX abstract names. */
  readonly abstract: Map<string, Socket>;
  /** Open SOCK_RAW sockets, which see every packet of their protocol. */
  raw?: Socket[];
}

/**
 * What the socket layer and the connection rules (ops.ts, unix/) ask of
 * the network a socket lives on: addresses, the port tables, datagram
 * delivery. virtual/network.ts implements it (and holds the AF_UNIX and
 * port state of --net=real runs too, whose inet sockets go through
 * HostSocket).
 */
export interface Network {
  /** The run's seeded generator for this network (AF_UNIX autobind names). */
  readonly rng: { next(): number };
  /** Counters for the run's report. */
  readonly stats: { connections: number };
  /** Datagrams dropped by links or full queues. */
  drops: number;
  /** Whether ip is one of host h's addresses (or a wildcard). */
  owns(h: SocketHost, ip: string): boolean;
  /** The source address h uses toward dst. */
  sourceFor(h: SocketHost, dst: string, family: 4 | 6): string;
  /** Whether ip is a broadcast address seen from h (SO_BROADCAST needed). */
  isBroadcast(h: SocketHost, ip: string): boolean;
  /** The sockets holding a port. */
  bound(h: SocketHost, proto: string, port: number): Socket[];
  addBinding(h: SocketHost, proto: string, port: number, s: Socket): void;
  removeBinding(h: SocketHost, proto: string, port: number, s: Socket): void;
  /** A free ephemeral port (EADDRNOTAVAIL when none is). */
  ephemeral(h: SocketHost, proto: string, free: (port: number) => boolean, anyAddress?: boolean): number;
  /** Whether a closed connection keeps the port in TIME_WAIT. */
  inTimeWait(h: SocketHost, proto: string, port: number, clashes?: (ip: string, reuse: boolean) => boolean): boolean;
  /** One UDP datagram, an ICMP echo request, a raw packet from s toward d. */
  sendUdp(s: Socket, d: InetAddr, data: Uint8Array, ip?: IpControl): void;
  sendPing(s: Socket, d: InetAddr, msg: Uint8Array): void;
  sendRaw(s: Socket, d: InetAddr, data: Uint8Array): void;
}
