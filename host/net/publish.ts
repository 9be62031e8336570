// --publish REALPORT:HOST:PORT: a real TCP listener on 127.0.0.1 whose
// connections are carried into the virtual network. Each real connection
// gets a bridge: a host-side socket on the virtual host HOST that connects
// to PORT over the host's loopback (so the guest's accept() sees a loopback
// peer, as a Linux server does when curl connects to localhost), and copies
// bytes both ways with the state machine's own send/recv, EOF and reset.
// The guest's calls and their order stay deterministic for a given
// sequence of real input; when real bytes arrive (in virtual time) depends
// on the host and is not.
import * as net from 'node:net';
import { E, Errno } from '../abi/errno.js';
import type { Kernel } from '../kernel/kernel.js';
import { WOULD_BLOCK } from '../kernel/file.js';
import { AF } from './addr/constants.js';
import { connect } from './ops.js';
import type { InetAddr } from './addr/sockaddr.js';
import { Socket } from './socket/socket.js';
import { backlogFull } from './socket/rules.js';
import { kernelNetwork } from './virtual/index.js';
import { resetNotEof, resetSocket } from './real/network.js';

/** `--publish REALPORT:HOST:PORT`: a virtual listener exposed on a real loopback port. */
export interface PublishSpec {
  /** Port on the real machine's loopback (127.0.0.1); 0 picks a free one (reported in RunOutcome.published). */
  realPort: number;
  /** Virtual host and port the connections go to. */
  host: string;
  port: number;
}

const CHUNK = 64 << 10;
/** Guest bytes Node may hold for a real client that is slow to read before the bridge stops taking them
 * from the virtual socket (so the guest's send blocks, as it would on Linux, and a client that stops
 * reading cannot fill socklab's memory). */
const HOLD = 1 << 20;
/** Real bytes held for a guest that is slow to read before the real client is paused: one of Node's
 * reads. The guest's own socket already buffers what Linux would (its receive window); more here let a
 * real client send MiBs past where it stalls against the same server on Linux. */
const HOLD_IN = CHUNK;

class Bridge {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private realEnded = false;
  private shutDone = false;
  private sentEof = false;
  private over = false;
  /** pump() runs again, not recursively, when its own sends wake the socket. */
  private pumping = false;
  private again = false;
  private settled = false;

  private s!: Socket;
  /** The virtual connect is under way or done (start() ran). */
  started = false;

  constructor(
    private readonly k: Kernel,
    private readonly c: net.Socket,
    private readonly spec: PublishSpec,
    private readonly onDone: (b: Bridge) => void,
    /** The virtual connection left 'connecting' (established or not). */
    private readonly onSettled: (b: Bridge) => void,
  ) {
    c.on('data', (b: Buffer) => {
      this.pending.push(new Uint8Array(b.buffer, b.byteOffset, b.length));
      this.pendingBytes += b.length;
      if (this.pendingBytes >= HOLD_IN) c.pause();
      this.pump();
    });
    c.on('end', () => {
      // A real client's RST can reach us as an 'end' (see resetNotEof): the guest must see the reset.
      if (resetNotEof(c)) return this.finish(true);
      this.realEnded = true;
      this.pump();
    });
    c.on('drain', () => this.pump());
    c.on('error', () => this.finish(true));
    c.on('close', () => this.finish(false));
  }

  /** Where the virtual connection goes: a listener that takes IPv4 gets it on 127.0.0.1, an IPv6-only one on ::1. */
  target(): { dst: InetAddr; listener: Socket | undefined } {
    const vnet = kernelNetwork(this.k);
    const host = vnet.host(this.spec.host);
    const v4: InetAddr = { family: 4, ip: '127.0.0.1', port: this.spec.port };
    const v6: InetAddr = { family: 6, ip: '::1', port: this.spec.port };
    const l4 = vnet.lookup(host, 'tcp', v4, (x) => x.state === 'listening' && (x.domain === AF.AF_INET || !x.v6only));
    if (l4) return { dst: v4, listener: l4 };
    const l6 = vnet.lookup(host, 'tcp', v6, (x) => x.state === 'listening');
    return l6 ? { dst: v6, listener: l6 } : { dst: v4, listener: undefined };
  }

  /** Connects into the virtual network (the Publisher calls it when the listener has room). */
  start(dst: InetAddr): void {
    this.started = true;
    const vnet = kernelNetwork(this.k);
    this.s = new Socket(vnet, vnet.host(this.spec.host), undefined, dst.family === 4 ? AF.AF_INET : AF.AF_INET6, 'stream', 0);
    try {
      connect(this.s, dst, dst.family === 4 ? 16 : 28);
    } catch {
      this.finish(true);
      return;
    }
    // Watch the socket only once the attempt is under way (connect() itself notifies as it resets the socket).
    this.s.waitq.add({ wake: () => this.pump() });
    this.pump();
  }

  /** Moves what can move in both directions; called on every change of the virtual socket or the real one. */
  private pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.pumpOnce();
      } while (this.again && !this.over);
    } finally {
      this.pumping = false;
    }
  }

  private pumpOnce(): void {
    if (this.over) return;
    if (!this.started) {
      // Not in the virtual network yet: hold the real bytes, but a client's EOF or reset still counts.
      return;
    }
    const s = this.s;
    if (s.state === 'connecting') return;
    if (!this.settled) {
      this.settled = true;
      this.onSettled(this);
    }
    if (s.state !== 'connected') {
      // Nobody listens on HOST:PORT (yet): the real client is reset, as a refused connect would be.
      this.finish(true);
      return;
    }
    try {
      for (;;) {
        if (this.sentEof || this.c.writableLength >= HOLD) break;
        const buf = new Uint8Array(CHUNK);
        const n = s.recvStream([buf], false, false);
        if (n === WOULD_BLOCK) break;
        if (n === 0) {
          this.sentEof = true;
          this.c.end();
          break;
        }
        this.c.write(buf.subarray(0, n));
      }
      while (this.pending.length) {
        const head = this.pending[0]!;
        const n = s.sendStream([head], head.length);
        if (n === WOULD_BLOCK) break;
        this.pendingBytes -= n;
        if (n === head.length) this.pending.shift();
        else this.pending[0] = head.subarray(n);
      }
    } catch (e) {
      if (!(e instanceof Errno)) throw e;
      // ECONNRESET / EPIPE from the guest's side: the real client sees a reset.
      this.finish(e.errno === E.ECONNRESET || e.errno === E.EPIPE);
      return;
    }
    if (this.pendingBytes < HOLD_IN && this.c.isPaused()) this.c.resume();
    if (this.realEnded && !this.pending.length && !this.shutDone) {
      this.shutDone = true;
      s.shutdown(1);
    }
    if (this.sentEof && this.shutDone) this.finish(false);
    this.k.kick();
  }

  finish(reset: boolean): void {
    if (this.over) return;
    this.over = true;
    if (reset) resetSocket(this.c);
    else this.c.end();
    if (this.started) {
      if (reset) this.s.linger = { on: 1, secs: 0 };
      this.s.close();
    }
    this.k.kick();
    this.onDone(this);
  }
}

export class Publisher {
  private server: net.Server | undefined;
  private release: (() => void) | undefined;
  private readonly bridges = new Set<Bridge>();
  /**
   * Real connections not yet in the virtual network, oldest first. Linux
   * drops a SYN the listener's backlog has no room for and the client sends
   * it again 1, 2, 4... s later; on the virtual clock, which jumps to the
   * next timer while the guests wait for real input, those retries would all
   * run out at once and the real client would be reset. So a real connection
   * enters only when the backlog has room, one at a time (the one under way
   * is not counted in the backlog until its SYN arrives), and waits meanwhile
   * as the client's SYN would.
   */
  private readonly waiting: Bridge[] = [];
  private entering: Bridge | undefined;
  private watched: Socket | undefined;
  /** Woken inside the guest's accept(): the next connection enters once that call is done. */
  private readonly roomWaiter = { wake: (): void => queueMicrotask(() => this.admit()) };

  constructor(
    private readonly k: Kernel,
    private readonly spec: PublishSpec,
  ) {}

  /** Listens on 127.0.0.1:realPort; resolves with the port (the one Node picked, for 0). */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ allowHalfOpen: true }, (c) => {
        const b = new Bridge(this.k, c, this.spec, (x) => this.gone(x), (x) => this.settled(x));
        this.bridges.add(b);
        this.waiting.push(b);
        this.admit();
        this.k.kick();
      });
      srv.once('error', (e) => reject(new Error(`--publish ${this.spec.realPort}:${this.spec.host}:${this.spec.port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
      srv.listen({ host: '127.0.0.1', port: this.spec.realPort, exclusive: true }, () => {
        this.server = srv;
        // A guest waiting in accept() is not deadlocked while a real client may still come.
        this.release = this.k.holdExternal();
        const a = srv.address();
        resolve(a && typeof a === 'object' ? a.port : this.spec.realPort);
      });
    });
  }

  /** Lets the oldest waiting real connection into the virtual network if the listener has room. */
  private admit(): void {
    this.watched?.backlogWait.remove(this.roomWaiter);
    this.watched = undefined;
    while (!this.entering && this.waiting.length) {
      const b = this.waiting[0]!;
      const { dst, listener } = b.target();
      if (listener && backlogFull(listener)) {
        // accept() wakes backlogWait as it takes a connection off the queue.
        listener.backlogWait.add(this.roomWaiter);
        this.watched = listener;
        return;
      }
      this.waiting.shift();
      // With no listener the connect is refused and the real client reset, as before.
      this.entering = b;
      b.start(dst);
    }
    this.k.kick();
  }

  private settled(b: Bridge): void {
    if (this.entering !== b) return;
    this.entering = undefined;
    queueMicrotask(() => this.admit());
  }

  private gone(b: Bridge): void {
    this.bridges.delete(b);
    const i = this.waiting.indexOf(b);
    if (i >= 0) this.waiting.splice(i, 1);
    this.settled(b);
  }

  stop(): void {
    this.server?.close();
    this.server = undefined;
    this.waiting.length = 0;
    this.watched?.backlogWait.remove(this.roomWaiter);
    this.watched = undefined;
    for (const b of [...this.bridges]) b.finish(true);
    this.release?.();
    this.release = undefined;
  }
}
