// A stream socket (TCP, or AF_UNIX stream on a host path) carried by a Node
// net.Socket / net.Server. node:net binds and listens in one step, so a TCP
// bind() takes libuv's TCP handle (tcphandle.ts) and binds it alone: a
// bound, not yet listening port refuses connections as on Linux, and
// listen() hands the handle to a net.Server. An AF_UNIX host path still
// binds by listening (connections before listen() are reset). Flow
// control both ways: the guest's sends see room only while Node's queue is
// below the send window, and a reader that falls behind pauses the peer.
import * as net from 'node:net';
import type { Process } from '../../kernel/process.js';
import { E, Errno } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { AF, LINUX } from '../addr/constants.js';
import { Socket } from '../socket/socket.js';
import type { Carrier, HostSocket, PendingOp } from '../socket/network.js';
import { UNNAMED, anyToLoopback, type InetAddr } from '../addr/sockaddr.js';
import { backlogFull } from '../socket/rules.js';
import { adopt } from './adopt.js';
import { bindTcpHandle, closeTcpHandle, listenTcpHandle, type TcpHandle } from './tcphandle.js';
import { codeErrno, hostClosed, nodeAddr, nodeHost, resetNotEof, resetSocket, type RealNetwork } from './network.js';

/**
 * What Node may hold unsent for one socket before sends block. The host
 * socket under it has its own send buffer, autotuned by the host's kernel
 * as Linux autotunes the guest's would be: Node's queue comes on top of it,
 * so it is kept small (a guest writing to a real client that does not read
 * blocks within ~128 KiB of where the gcc build blocks, not a MiB later).
 */
const SEND_WINDOW = 128 << 10;
/** What one skb of a Linux TCP send takes at most (tcp_send_mss's size goal with GSO): see send(). */
const SKB_GOAL = 64 << 10;
/** What one read of Node's fills (libuv stops reading a socket at the first shorter read: it is drained). */
const FULL_READ = 64 << 10;
/**
 * Received bytes waiting for the guest before the peer is paused: SO_RCVBUF,
 * or what Linux autotunes to. Autotuning (tcp_rcv_space_adjust) grows the
 * buffer from tcp_rmem's default only as the application reads: a reader
 * that keeps up gets up to this much (tcp_rmem's max is 6 MiB), one that
 * never reads keeps the default, so its peer's sends block as on Linux.
 */
const RECV_WINDOW = 4 << 20;

/**
 * Send buffers, reused: Node keeps a written buffer until the host's kernel
 * took it, so guest memory must be copied; copying into warm, recycled
 * chunks instead of fresh allocations saves a page fault per 4 KiB, which
 * at loopback speeds costs more than the copy itself.
 */
const CHUNK = 64 << 10;
const pool: Buffer[] = [];
const POOL_MAX = 256;
/** Sends below this go through Buffer.allocUnsafe, a slice of Node's shared pool (its limit: half its 8 KiB pool). */
const SMALL = Buffer.poolSize >>> 1;
function takeChunk(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}
function giveChunk(b: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(b);
}

/**
 * Where every guest socket's reads land (node:net's onread: no Buffer,
 * Readable push or nextTick per read). One buffer serves all: each read's
 * callback copies its bytes out before Node reads again. (Handing big
 * reads' buffers to the guest's queue whole and allocating the next one
 * measured slower than the copy.)
 */
const READ_BUF = Buffer.allocUnsafeSlow(FULL_READ);

/**
 * Small reads' copies: views of a shared slab, as Buffer.allocUnsafe slices
 * Node's pool, but one object per read (the view the socket's queue keeps).
 */
const SLAB = 64 << 10;
let slab = new ArrayBuffer(SLAB);
let slabUsed = 0;
function slabSlice(n: number): Uint8Array {
  if (slabUsed + n > SLAB) {
    slab = new ArrayBuffer(SLAB);
    slabUsed = 0;
  }
  const v = new Uint8Array(slab, slabUsed, n);
  slabUsed = (slabUsed + n + 7) & ~7;
  return v;
}

/** Linux's default net.core.somaxconn: how many connections past a listener's backlog may wait for it. */
const SOMAXCONN = 4096;

export class RealStream implements Carrier, HostSocket {
  private conn: net.Socket | undefined;
  private server: net.Server | undefined;
  /** A TCP socket bound and not listening: the host socket, bound by libuv. */
  private handle: TcpHandle | undefined;
  private paused = false;
  private nodelay = false;
  /** The last send went out after the peer's FIN (see RealNetwork.holdSend). */
  private wroteAfterEof = false;
  /** A send waited for a host turn (RealNetwork.holdSend): the call goes on. */
  private held = false;
  private readonly turned = (): void => {
    this.held = true;
    // After a send to a peer that had sent its FIN, its RST (if it came) is in the host socket only: Node stopped reading at the EOF.
    const c = this.conn;
    if (this.wroteAfterEof && c && !c.destroyed && hostClosed(c)) this.s.onReset();
    this.wroteAfterEof = false;
  };
  private release: (() => void) | undefined;
  op: PendingOp | undefined;

  constructor(
    readonly rn: RealNetwork,
    readonly s: Socket,
  ) {}

  sync(p: Process): number | undefined {
    return this.rn.sync(p);
  }

  /** The autotuned receive window: tcp_rmem's default, doubled each time the guest has read a window's worth. */
  private tuned: number = LINUX.tcpRmemDefault;
  /** Bytes delivered to the socket so far, and how many the guest had read at the last growth. */
  private delivered = 0;
  private readAtGrowth = 0;

  private get recvWindow(): number {
    return Math.max(this.s.rcvbuf, this.tuned);
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /**
   * Set when someone saw no room (a send that would block, a poll without
   * POLLOUT): the next write completion that opens room wakes the socket.
   * Completions nobody waits for wake no one: a guest blocked in recv() on
   * this socket is not run again just to find nothing to read.
   */
  private full = false;

  room(): number {
    const c = this.conn;
    if (!c || c.destroyed) return 0;
    const r = Math.max(0, Math.max(this.s.sndbuf, SEND_WINDOW) - c.writableLength);
    if (r === 0) this.full = true;
    return r;
  }

  unsent(): number {
    const c = this.conn;
    return c && !c.destroyed ? c.writableLength : 0;
  }

  send(iovs: Uint8Array[], total: number, oob: boolean): number {
    // node:net has no way to send urgent data: the protocol does not support it, as Linux says.
    if (oob) this.rn.fail(E.EOPNOTSUPP, 'urgent data (MSG_OOB) on --net=real: node:net cannot send it');
    // The send that waited goes on (once), even if another close came meanwhile.
    if (this.held) this.held = false;
    else if (this.rn.holdSend(this.s, this.wroteAfterEof, this.turned)) return WOULD_BLOCK;
    const room = this.room();
    if (room === 0) return WOULD_BLOCK;
    // Linux's limit is soft: tcp_sendmsg checks for free memory before each new skb, and one skb takes up to its size
    // goal (64 KiB with GSO), so a send of up to 64 KiB into a buffer with any room goes whole, never short.
    const n = Math.min(total, Math.max(room, SKB_GOAL));
    this.write(iovs, n);
    return n;
  }

  private write(iovs: Uint8Array[], n: number): void {
    const c = this.conn;
    if (!c || c.destroyed) return;
    this.rn.touch();
    this.wroteAfterEof = this.s.peerEof;
    // TCP_NODELAY as the guest last set it (setsockopt reaches the socket, not Node).
    if (this.nodelay !== this.s.nodelay && !this.s.isUnix) {
      this.nodelay = this.s.nodelay;
      c.setNoDelay(this.nodelay);
    }
    // A small send (a request, a reply, a ping): a slice of Node's own pool, nothing to give back.
    if (n < SMALL) {
      const b = Buffer.allocUnsafe(n);
      let fill = 0;
      for (let vi = 0; fill < n; vi++) {
        const v = iovs[vi]!;
        const k = Math.min(v.length, n - fill);
        if (k <= 16) for (let i = 0; i < k; i++) b[fill + i] = v[i]!;
        else b.set(k === v.length ? v : v.subarray(0, k), fill);
        fill += k;
      }
      // Into an empty queue: no callback, so a write the host's kernel takes at once costs Node no nextTick. Nobody
      // can be waiting for room behind it (it leaves the queue far below the window); a failure is an 'error' event.
      if (c.writableLength === 0) c.write(b);
      else c.write(b, this.written);
      return;
    }
    let vi = 0;
    let vo = 0;
    for (let left = n; left > 0; ) {
      const chunk = takeChunk();
      let fill = 0;
      while (fill < CHUNK && left > 0) {
        const v = iovs[vi]!;
        const k = Math.min(v.length - vo, CHUNK - fill, left);
        chunk.set(vo === 0 && k === v.length ? v : v.subarray(vo, vo + k), fill);
        fill += k;
        left -= k;
        vo += k;
        if (vo === v.length) {
          vi++;
          vo = 0;
        }
      }
      this.inFlight.push(chunk);
      c.write(fill === CHUNK ? chunk : chunk.subarray(0, fill), this.writtenChunk);
    }
  }

  /** Chunks Node holds, oldest first: its write callbacks run in write order. */
  private readonly inFlight: Buffer[] = [];
  private inFlightHead = 0;

  /**
   * The callbacks of every write (no closure per write): each runs once Node
   * handed the bytes to the host's kernel, so room opened (and the oldest
   * chunk is free).
   */
  private readonly written = (err?: Error | null): void => {
    if (err) return this.rn.wake(this.s);
    if (this.full && this.room() > 0) {
      this.full = false;
      this.rn.wake(this.s);
    }
  };
  private readonly writtenChunk = (err?: Error | null): void => {
    const q = this.inFlight;
    const chunk = q[this.inFlightHead++];
    if (this.inFlightHead === q.length) {
      q.length = 0;
      this.inFlightHead = 0;
    } else if (this.inFlightHead >= 64 && this.inFlightHead * 2 >= q.length) {
      // A writer that never lets the queue empty: drop the consumed front now and then.
      q.copyWithin(0, this.inFlightHead);
      q.length -= this.inFlightHead;
      this.inFlightHead = 0;
    }
    if (!err && chunk) giveChunk(chunk);
    this.written(err);
  };

  drained(): void {
    const read = this.delivered - this.s.rxBytes;
    if (this.tuned < RECV_WINDOW && read - this.readAtGrowth >= this.tuned) {
      this.tuned = Math.min(RECV_WINDOW, this.tuned * 2);
      this.readAtGrowth = read;
    }
    if (this.paused && this.conn && this.s.rxBytes < this.recvWindow) {
      this.paused = false;
      this.conn.resume();
    }
  }

  /** This side sent its FIN before the peer's: closed, it waits in TIME_WAIT. */
  private finFirst = false;
  /** The connection was established (accepted, or connect() succeeded): only then does a close leave TIME_WAIT. */
  private up = false;

  end(): void {
    if (this.conn && !this.conn.destroyed) {
      if (!this.s.peerEof) this.finFirst = true;
      this.rn.touch(true);
      this.conn.end();
    }
  }

  /** close(): unread data or SO_LINGER {1, 0} (`abort`) reset the connection. */
  close(abort: boolean, lingerZero = false): void {
    if (lingerZero) abort = true;
    this.rn.touch(this.conn !== undefined);
    const c = this.conn;
    // Our FIN went first and no RST ended the connection: this side waits in TIME_WAIT (Node may have closed it already).
    const l = this.s.local;
    if (c && this.up && !abort && !this.s.reset && (this.finFirst || !this.s.peerEof) && l && 'port' in l) this.rn.ports.timeWait(l.ip, l.port, this.s.reuseaddr);
    if (c && !c.destroyed) {
      // Unread data (or SO_LINGER 0) makes Linux answer with a RST; otherwise a FIN after what is queued.
      if (abort) resetSocket(c);
      else {
        // The last bytes still go out after close(); the end of the run waits for them.
        this.rn.flushed(new Promise((r) => c.once('close', () => r())));
        c.destroySoon();
      }
    }
    this.server?.close();
    this.server = undefined;
    this.dropHandle();
    // A listener's waiting connections go as the ones in its queue do: reset.
    for (const w of this.overflow.splice(0)) resetSocket(w);
    if (!c || c.destroyed || abort) this.done();
  }

  /** A connection queued on the listener and never accepted, or connect(AF_UNSPEC): the host's kernel sends the RST. */
  abandon(): void {
    this.close(true);
  }
  abort(): void {
    this.close(true);
  }

  sendTo(): void {
    // Streams never send datagrams: socket.ts routes only datagram sockets here.
  }
  connectDgram(): number {
    // Streams connect through checkConnect and startConnect: ops.ts routes only datagram sockets here.
    return 0;
  }

  /** TCP connect(): the policy first (EACCES before any state changes). */
  checkConnect(a: InetAddr): void {
    const d = anyToLoopback(a);
    this.rn.checkConnect(d.ip, d.port);
  }
  /** TCP connect(): Node's handshake; its outcome wakes the caller. */
  startConnect(a: InetAddr): void {
    const dst = anyToLoopback(a);
    this.s.connecting(dst);
    this.connect({ dst });
  }

  private hold(): void {
    this.release ??= this.rn.track({ destroy: () => this.destroy() });
  }
  private done(): void {
    const r = this.release;
    this.release = undefined;
    r?.();
  }
  private destroy(): void {
    this.conn?.destroy();
    this.server?.close();
    this.server = undefined;
    this.dropHandle();
    this.release = undefined;
  }
  private dropHandle(): void {
    if (this.handle) closeTcpHandle(this.handle);
    this.handle = undefined;
    this.rn.ports.release(this.s);
  }

  /**
   * TCP bind(), at once (libuv binds synchronously): the host kernel's
   * errno, or the policy's refusal of the bound port (the ephemeral one once
   * known), which undoes the bind. Settled through `op` as the other binds.
   */
  bindTcp(ip: string, port: number, check: (port: number) => string | undefined): void {
    this.op = { kind: 'bind' };
    if (port && this.rn.ports.clash(this.s, ip, port)) return void (this.op.errno = E.EADDRINUSE);
    const r = bindTcpHandle(this.s.domain === AF.AF_INET6, ip, port, this.s.v6only);
    if (typeof r === 'number') return void (this.op.errno = r);
    const refused = check(r.port);
    if (refused) {
      closeTcpHandle(r.handle);
      this.op.errno = E.EACCES;
      this.op.note = refused;
      return;
    }
    this.handle = r.handle;
    this.rn.ports.hold(this.s);
    this.hold();
    this.s.boundTo(nodeAddr(this.s.domain, r.ip, r.port));
    this.op.errno = 0;
  }

  /** listen() of a bound TCP socket: the host socket listens (or throws the host's errno: EADDRINUSE). */
  hostListen(): void {
    const h = this.handle;
    if (!h) return;
    const err = listenTcpHandle(h);
    if (err) throw new Errno(err);
    this.handle = undefined;
    this.rn.ports.release(this.s);
    const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = srv;
    srv.on('connection', (c) => this.incoming(c));
    srv.listen(h);
  }

  private finish(errno: number, note?: string): void {
    if (this.op) {
      this.op.errno = errno;
      this.op.note = note;
    }
    this.rn.wake(this.s);
  }

  /**
   * bind(): listens on the address (TCP: host/port; AF_UNIX: a host path).
   * `check` sees the bound address (the ephemeral port once known) and
   * returns a policy refusal, which undoes the bind.
   */
  bind(opts: net.ListenOptions, check: (srv: net.Server) => string | undefined, closed?: () => void): void {
    this.op = { kind: 'bind' };
    const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = srv;
    if (closed) srv.once('close', closed);
    this.hold();
    srv.on('connection', (c) => this.incoming(c));
    srv.once('error', (e) => {
      this.server = undefined;
      srv.close();
      this.done();
      this.finish(codeErrno(e));
    });
    srv.listen(opts, () => {
      const refused = check(srv);
      if (refused) {
        this.server = undefined;
        srv.close();
        this.done();
        return this.finish(E.EACCES, refused);
      }
      const a = srv.address();
      // A TCP listener reports its address; an AF_UNIX one its path, which bind() records.
      this.s.boundTo(a && typeof a === 'object' ? nodeAddr(this.s.domain, a.address, a.port) : undefined);
      this.finish(0);
    });
  }

  /**
   * Connections past the guest's backlog: the host kernel completed their handshake (Node accepts at once), so
   * they cannot be dropped as Linux drops a SYN for the client to send again. They wait here, paused (their
   * bytes stay in the host kernel), and enter in order as accept() makes room, as the retried SYN would; past
   * SOMAXCONN waiting ones a new one is reset. Their clients see connect() succeed at once, not a second later.
   */
  private readonly overflow: net.Socket[] = [];
  private readonly roomWaiter = { wake: (): void => queueMicrotask(() => this.admit()) };

  /** Lets waiting connections in while the listener has room (accept() wakes backlogWait as it takes one). */
  private admit(): void {
    const s = this.s;
    s.backlogWait.remove(this.roomWaiter);
    while (this.overflow.length) {
      if (s.closed || s.state !== 'listening') {
        for (const c of this.overflow.splice(0)) resetSocket(c);
        return;
      }
      if (backlogFull(s)) {
        s.backlogWait.add(this.roomWaiter);
        return;
      }
      const c = this.overflow.shift()!;
      if (!c.destroyed) this.enter(c);
    }
  }

  /** A connection to our listener: queued for accept() if the guest listens, else reset. */
  private incoming(c: net.Socket): void {
    const s = this.s;
    // Not listening (yet): reset, as Linux answers a SYN for a port nobody listens on.
    if (s.closed || s.state !== 'listening') {
      resetSocket(c);
      return;
    }
    if (this.overflow.length || backlogFull(s)) {
      if (this.overflow.length >= SOMAXCONN) {
        resetSocket(c);
        return;
      }
      c.pause();
      this.overflow.push(c);
      s.backlogWait.remove(this.roomWaiter);
      s.backlogWait.add(this.roomWaiter);
      return;
    }
    this.enter(c);
  }

  /** The connection joins the listener's accept queue. */
  private enter(c: net.Socket): void {
    const s = this.s;
    const child = Socket.accepted(
      s,
      s.isUnix ? s.local! : nodeAddr(s.domain, c.localAddress, c.localPort),
      s.isUnix ? UNNAMED : nodeAddr(s.domain, c.remoteAddress, c.remotePort),
    );
    const t = new RealStream(this.rn, child);
    child.useReal(t);
    t.up = true;
    t.attach(adopt(c, t.onread));
    s.acceptq.push(child);
    s.net.stats.connections++;
    this.rn.wake(s);
  }

  /** connect(): to a TCP address or an AF_UNIX host path; the outcome wakes the caller. */
  connect(to: { dst: InetAddr } | { path: string }): void {
    const s = this.s;
    const local = s.local && 'port' in s.local ? s.local : undefined;
    // A bound socket holds its port with a host socket of its own: give it up, then connect from that port.
    this.server?.close();
    this.server = undefined;
    this.dropHandle();
    const opts: net.NetConnectOpts = 'path' in to
      ? { path: to.path, allowHalfOpen: true }
      : {
          host: nodeHost(s.domain, to.dst.ip), port: to.dst.port, family: s.domain === AF.AF_INET6 ? 6 : 4, allowHalfOpen: true, noDelay: s.nodelay,
          ...(local ? { localAddress: nodeHost(s.domain, local.ip), localPort: local.port || undefined } : {}),
        };
    const c = net.connect({ ...opts, onread: this.onread });
    this.rn.touch();
    this.attach(c);
    // Linux picks the local port in connect(); Node calls connect(2) in a nextTick queued before this one.
    if (!local?.port && 'dst' in to) process.nextTick(() => this.learnLocal(c));
    c.once('connect', () => {
      if (s.closed || s.state !== 'connecting') return;
      this.up = true;
      s.established(s.isUnix ? undefined : nodeAddr(s.domain, c.localAddress, c.localPort));
      this.rn.wake(s);
    });
  }

  /** getsockname during a non-blocking connect: the address the host kernel bound (see connection.ts). */
  private learnLocal(c: net.Socket): void {
    const s = this.s;
    if (this.conn !== c || s.state !== 'connecting') return;
    const a = c.address();
    if ('port' in a && a.port) s.local = nodeAddr(s.domain, a.address, a.port);
  }

  /** node:net's onread option for this socket's connection (see READ_BUF). */
  readonly onread = { buffer: READ_BUF, callback: (n: number): boolean => this.received(n) };

  /** n bytes arrived in READ_BUF: a copy goes to the socket's queue. */
  private received(n: number): boolean {
    const c = this.conn!;
    const s = this.s;
    const b = n < SMALL ? slabSlice(n) : new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
    if (n <= 16) for (let i = 0; i < n; i++) b[i] = READ_BUF[i]!;
    else b.set(n === FULL_READ ? READ_BUF : READ_BUF.subarray(0, n));
    this.delivered += n;
    s.deliver(b);
    if (s.rxBytes >= this.recvWindow && !this.paused) {
      this.paused = true;
      c.pause();
    }
    // A short read drained the socket: run the reader now, inside this
    // event (as node:net's own handler would reply from it). A full one
    // (Node reads 64 KiB at a time) may have more behind it in this turn.
    if (n < FULL_READ) this.rn.kernel.kickNow();
    else this.rn.kickSoon();
    return true;
  }

  /** Wires a Node socket's events to the state machine. */
  attach(c: net.Socket): void {
    this.conn = c;
    this.hold();
    const s = this.s;
    c.on('end', () => {
      if (resetNotEof(c)) s.onReset();
      else s.onEof();
      this.rn.kernel.kick();
    });
    c.on('error', (e) => {
      if (this.conn !== c) return;
      const errno = codeErrno(e);
      if (s.state === 'connecting' && errno === E.ECONNRESET) {
        // The handshake completed and the peer reset at once, before Node looked: on Linux the
        // connect() has already returned 0, and the reset is the next call's ECONNRESET.
        s.established();
        s.onReset();
      } else if (s.state === 'connecting') s.connectFailed(errno);
      else if (errno === E.ECONNRESET || errno === E.EPIPE) s.onReset();
      else if (!s.closed) {
        s.onError(errno, true);
      }
      this.rn.wake(s);
    });
    c.on('close', () => {
      // A connection given up for another (connect() again after a refusal) may close after the new one
      // started: only the socket's current connection ends its hold on the run.
      if (this.conn === c) this.done();
      this.rn.wake(s);
    });
  }
}

