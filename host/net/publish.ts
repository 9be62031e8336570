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
/** Real bytes held for a guest that is slow to read before the real client is paused; and, the other
 * way, guest bytes Node may hold for a real client that is slow to read before the bridge stops
 * taking them from the virtual socket (so the guest's send blocks, as it would on Linux, and a
 * client that stops reading cannot fill socklab's memory). */
const HOLD = 1 << 20;

class Bridge {
  private readonly s: Socket;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private realEnded = false;
  private shutDone = false;
  private sentEof = false;
  private over = false;
  /** pump() runs again, not recursively, when its own sends wake the socket. */
  private pumping = false;
  private again = false;

  constructor(
    private readonly k: Kernel,
    private readonly c: net.Socket,
    spec: PublishSpec,
    private readonly onDone: (b: Bridge) => void,
  ) {
    const vnet = kernelNetwork(k);
    const host = vnet.host(spec.host);
    const v4: InetAddr = { family: 4, ip: '127.0.0.1', port: spec.port };
    // A listener that takes IPv4 gets the connection on 127.0.0.1, an IPv6-only one on ::1.
    const l4 = vnet.lookup(host, 'tcp', v4, (x) => x.state === 'listening' && (x.domain === AF.AF_INET || !x.v6only));
    const dst: InetAddr = l4 || !vnet.lookup(host, 'tcp', { family: 6, ip: '::1', port: spec.port }, (x) => x.state === 'listening') ? v4 : { family: 6, ip: '::1', port: spec.port };
    this.s = new Socket(vnet, host, undefined, dst.family === 4 ? AF.AF_INET : AF.AF_INET6, 'stream', 0);
    c.on('data', (b: Buffer) => {
      this.pending.push(new Uint8Array(b.buffer, b.byteOffset, b.length));
      this.pendingBytes += b.length;
      if (this.pendingBytes >= HOLD) c.pause();
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
    const s = this.s;
    if (s.state === 'connecting') return;
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
    if (this.pendingBytes < HOLD && this.c.isPaused()) this.c.resume();
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
    if (reset) this.s.linger = { on: 1, secs: 0 };
    this.s.close();
    this.k.kick();
    this.onDone(this);
  }
}

export class Publisher {
  private server: net.Server | undefined;
  private release: (() => void) | undefined;
  private readonly bridges = new Set<Bridge>();

  constructor(
    private readonly k: Kernel,
    private readonly spec: PublishSpec,
  ) {}

  /** Listens on 127.0.0.1:realPort; resolves with the port (the one Node picked, for 0). */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ allowHalfOpen: true }, (c) => {
        const b = new Bridge(this.k, c, this.spec, (x) => this.bridges.delete(x));
        this.bridges.add(b);
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

  stop(): void {
    this.server?.close();
    this.server = undefined;
    for (const b of [...this.bridges]) b.finish(true);
    this.release?.();
    this.release = undefined;
  }
}
