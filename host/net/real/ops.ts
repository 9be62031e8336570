// The state machine's transitions where the real network differs from the
// virtual one: Node's bind and connect are asynchronous, so those calls
// start the step, suspend the guest, and on the re-run after the wake-up
// report the outcome. Address checks are the shared ones (socket/rules.ts); what the
// host's kernel decides (EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED) comes back
// from Node as the same errno.
import { E, Errno } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { AF } from '../addr/constants.js';
import { inetBindAddress, settleConnect } from '../socket/rules.js';
import type { Addr, InetAddr, UnixAddr } from '../addr/sockaddr.js';
import type { HostSocketPath, Socket } from '../socket/socket.js';
import { RealDgram } from './dgram.js';
import { nodeHost, settle, type RealNetwork } from './network.js';
import { RealStream } from './stream.js';

/** socket(): an inet socket gets its real carrier at once; SOCK_RAW cannot exist on --net=real. */
export function attachReal(rn: RealNetwork, s: Socket): void {
  if (s.isUnix) return;
  s.useReal(s.kind === 'stream' ? new RealStream(rn, s) : new RealDgram(rn, s));
}

export function refuseRaw(rn: RealNetwork): never {
  return rn.fail(E.EPERM, '--net=real has no SOCK_RAW: Node cannot open raw sockets (use the virtual network)');
}

/** bind() of a real inet socket: 0, WOULD_BLOCK (suspend and call again), or throws. */
export function realBind(s: Socket, a: Addr, addrlen: number, privileged: boolean): number {
  const t = s.real as RealStream | RealDgram;
  if (t.op?.kind === 'bind') return settle(t);
  if (s.local) throw new Errno(E.EINVAL);
  const cand = inetBindAddress(s, a, addrlen, privileged, () => true);
  const rn = t.rn;
  if (cand.port !== 0) rn.checkListen(cand.ip, cand.port);
  if (t instanceof RealStream) {
    // libuv binds at once: the call settles now.
    t.bindTcp(nodeHost(s.domain, cand.ip), cand.port, (port) => rn.listenRefusal(cand.ip, port));
    return settle(t);
  } else {
    t.bind(cand);
  }
  return WOULD_BLOCK;
}

/** The wildcard address listen() binds an unbound socket to. */
export function wildcard(s: Socket): InetAddr {
  return s.domain === AF.AF_INET ? { family: 4, ip: '0.0.0.0', port: 0 } : { family: 6, ip: '::', port: 0 };
}

/** bind() of an AF_UNIX socket to a path inside a granted host directory. */
export function realBindUnix(rn: RealNetwork, s: Socket, a: UnixAddr, host: HostSocketPath): number {
  if (s.real instanceof RealStream && s.real.op?.kind === 'bind') {
    const r = settle(s.real);
    if (r === 0) s.local = a;
    return r;
  }
  if (s.local) throw new Errno(E.EINVAL);
  if (s.kind !== 'stream') rn.fail(E.EOPNOTSUPP, `${a.path} is in a host directory: on --net=real only AF_UNIX stream sockets can live there (Node has no datagram or seqpacket ones)`);
  if (host.readonly) throw new Errno(E.EROFS);
  // The directory stays open while Node may use the path: Node unlinks it when the listener closes.
  const h = host.open('bind');
  const t = new RealStream(rn, s);
  s.useReal(t);
  t.bind({ path: h.path, exclusive: true, backlog: 511 }, () => undefined, h.release);
  return WOULD_BLOCK;
}

/** connect() of an AF_UNIX stream socket to a host path: blocks until Node connected or failed. */
export function realConnectUnix(rn: RealNetwork, s: Socket, a: UnixAddr, host: HostSocketPath): number {
  if (s.real instanceof RealStream && s.ss === 'connecting') {
    return settleConnect(s, E.ECONNREFUSED, () => {
      s.useReal(undefined);
    });
  }
  if (s.state === 'connected') throw new Errno(E.EISCONN);
  if (s.state === 'listening') throw new Errno(E.EINVAL);
  if (s.kind !== 'stream') rn.fail(E.EOPNOTSUPP, `${a.path} is in a host directory: on --net=real only AF_UNIX stream sockets can connect there (Node has no datagram or seqpacket ones)`);
  const h = host.open('connect');
  const t = new RealStream(rn, s);
  s.useReal(t);
  s.ss = 'connecting';
  s.connecting(a);
  try {
    // Node calls connect(2) within this call, so the directory can close right after.
    t.connect({ path: h.path });
  } finally {
    h.release();
  }
  return WOULD_BLOCK;
}
