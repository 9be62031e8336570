// What the socket layer asks of a network, as interfaces: the networks
// implement them and the socket layer never imports a network.
import type { Addr, InetAddr } from '../addr/sockaddr.js';

/**
 * One socket's way through a network outside the simulation (host/net/real:
 * Node's net and dgram). The state machine stays in socket.ts; a carrier
 * only moves bytes and reports what happened through the socket's named
 * methods (boundTo, established, connectFailed, deliver, pushDatagram,
 * onEof, onReset, onError, Socket.accepted).
 */
export interface Carrier {
  /** Bytes sendStream may queue now. */
  room(): number;
  /** SIOCOUTQ: bytes written and not yet handed on (Node's queue; the host kernel's own send queue is not visible). */
  unsent(): number;
  /** Queues the first n bytes of iovs (views of guest memory: the carrier copies them). */
  write(iovs: Uint8Array[], n: number): void;
  /** The reader took bytes: flow control may resume. */
  drained(): void;
  /** SHUT_WR: a FIN after what is queued. */
  end(): void;
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
  /** An asynchronous bind or connect under way (its outcome once known): the call that started it waits for it. */
  op: PendingOp | undefined;
}

/** A carrier's asynchronous step and, once known, its outcome (errno 0: done; note: why it failed, for the trace). */
export interface PendingOp {
  kind: 'bind' | 'connect';
  errno?: number;
  note?: string;
}
