// The real network of a --net=real run: guests' AF_INET/AF_INET6 sockets,
// and AF_UNIX stream sockets on paths inside a granted --dir, move bytes
// through Node's net and dgram. The socket state machine (socket/, ops.ts)
// is the same one the virtual network drives; this module holds what is
// shared by the real carriers: the sandbox policy, the kernel hand-off
// (every Node event wakes the socket's waiters and the kernel's loop), and
// the one-line notices for what the policy refuses or Node cannot do.
import { Slot } from '../../kernel/slots.js';
import { E, Errno, errnoByName } from '../../abi/errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import { canonIp, unmap } from '../addr/ipaddr.js';
import type { InetAddr } from '../addr/sockaddr.js';
import type { Socket } from '../socket/socket.js';
import type { PendingOp } from '../socket/network.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { WaitQueue } from '../../kernel/wait.js';
import type { Socket as NodeSocket } from 'node:net';
import { AF } from '../addr/constants.js';
import { PortUse } from './portuse.js';
import { allowed, allowedGroup, parsePolicy, refusal, type NetPolicy } from './policy.js';

/** The outcome of a carrier's finished asynchronous step, or WOULD_BLOCK while it runs. */
export function settle(t: { op: PendingOp | undefined }): number {
  const op = t.op!;
  if (op.errno === undefined) return WOULD_BLOCK;
  t.op = undefined;
  if (op.errno) throw new Errno(op.errno, undefined, op.note);
  return 0;
}

/** Set on a call that already waited for the host's event loop once (see RealNetwork.sync). */
const SYNCED = new Slot<true>('real-synced');

/** How long the end of a run waits for closed sockets' last bytes to leave. */
const FLUSH_MS = 2000;

export interface RealNetConfig {
  allowConnect?: string[];
  allowListen?: string[];
  allowDns?: boolean;
}

/** Something the real network keeps open: closed when the run ends. */
export interface RealResource {
  destroy(): void;
}

export class RealNetwork {
  readonly policy: NetPolicy;
  private readonly open = new Set<RealResource>();
  private readonly noticed = new Set<string>();
  /** The run's TCP ports in TIME_WAIT or bound (bind's EADDRINUSE that the host, with libuv's SO_REUSEADDR, does not give). */
  readonly ports = new PortUse();

  constructor(
    readonly kernel: Kernel,
    config: RealNetConfig,
    /** Where one-line notices go (socklab's stderr). */
    private readonly notice: (text: string) => void = () => {},
  ) {
    this.policy = parsePolicy(config);
    kernel.hostSyncs = true;
  }

  /** A Node event changed the socket: wake its waiters, and the kernel if it waits for outside events. */
  wake(s: Socket): void {
    s.notify();
    this.kernel.kick();
  }

  /** A guest sent, connected or closed on a real socket since the last host turn began (see sync). */
  private dirty = false;
  /** The latest host turn under way: its waiters run once Node has polled the host kernel. */
  private turn: WaitQueue | undefined;

  /** A guest closed or shut down a real connection since the last host turn began (see holdSend). */
  private ended = false;
  /** The turn that takes in the latest such FIN or RST. */
  private endTurn: WaitQueue | undefined;

  /** A guest acted on a real socket (`end`: closed or shut it down): the host kernel may hold something Node has not read yet. */
  touch(end = false): void {
    this.dirty = true;
    if (end) this.ended = true;
  }

  /** Starts a host turn covering every guest action so far: its queue is woken once Node has polled the host kernel. */
  private startTurn(): WaitQueue {
    const q = new WaitQueue();
    this.dirty = false;
    this.turn = q;
    if (this.ended) {
      this.ended = false;
      this.endTurn = q;
    }
    const release = this.kernel.holdExternal();
    setImmediate(() =>
      setImmediate(() => {
        if (this.turn === q) this.turn = undefined;
        if (this.endTurn === q) this.endTurn = undefined;
        q.wake();
        release();
      }),
    );
    return q;
  }

  /**
   * A stream send after a guest closed a real connection: on Linux the FIN
   * (or RST) is at the peer when close() returns, so a send told of it
   * (waitpid of the closer, UNP's str_cli) comes after it and the RST that
   * answers the send finds the FIN read. `afterEof`: the socket already
   * wrote after its peer's FIN, which a closed peer answers with a RST that
   * Linux has taken in when that write returns: the next send waits a turn
   * to see it. True while the caller must wait: `turned` runs when the
   * turn ends, then s is woken. Other sends cost nothing.
   */
  holdSend(s: Socket, afterEof: boolean, turned: () => void): boolean {
    if (this.ended) this.startTurn();
    const q = this.endTurn ?? (afterEof ? this.startTurn() : undefined);
    if (!q) return false;
    q.add({
      wake: () => {
        turned();
        this.wake(s);
      },
    });
    return true;
  }

  /**
   * On Linux a send on loopback is in the receiver's queue when it returns,
   * so a process told of it afterwards (by a pipe, a wait, its own order of
   * calls) finds it with a non-blocking recv, poll or FIONREAD. Node reads
   * the host socket only in its event loop's poll phase, which the kernel
   * reaches when it yields: a call that would answer without waiting, while
   * guests acted since the last turn, first suspends until a turn has run
   * (two setImmediate hops: the second comes after a poll phase, whenever
   * the first ran), then answers from what Node delivered. Once per call;
   * costs nothing while no guest sends, so a busy loop of EAGAINs stays fast.
   */
  sync(p: Process): number | undefined {
    if (p.callSlot(SYNCED)) return undefined;
    if (this.dirty) this.startTurn();
    if (!this.turn) return undefined;
    p.setCallSlot(SYNCED, true);
    return p.block([this.turn]);
  }

  private kickQueued = false;
  private readonly kickNow = (): void => {
    this.kickQueued = false;
    this.kernel.kick();
  };
  /**
   * Data arrived: the kernel runs once this turn of Node's event loop has
   * read what else is ready (libuv reads up to 32 times per socket and
   * event), so a reader gets a batch in one slice instead of being run, and
   * suspended, once per 64 KiB. The check phase that runs it comes right
   * after the poll phase: no extra wait for a lone byte.
   */
  kickSoon(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    setImmediate(this.kickNow);
  }

  /** Keeps the run alive while r may still deliver events; call the result when it no longer can. */
  track(r: RealResource): () => void {
    this.open.add(r);
    const release = this.kernel.holdExternal();
    return () => {
      this.open.delete(r);
      release();
    };
  }

  /** Closes under way (bytes still going out after the guest's close): the run's end waits for them. */
  private readonly flushing = new Set<Promise<void>>();
  flushed(p: Promise<void>): void {
    this.flushing.add(p);
    void p.then(() => this.flushing.delete(p));
  }

  /**
   * Ends every real socket (the run is over). What guests sent before they
   * closed still goes out, as the host's kernel would send it after a
   * process exits; a peer that does not take it within FLUSH_MS is cut off.
   */
  async shutdown(): Promise<void> {
    if (this.flushing.size) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.flushing), new Promise<void>((r) => (t = setTimeout(r, FLUSH_MS)))]);
      clearTimeout(t);
    }
    for (const r of [...this.open]) r.destroy();
    this.open.clear();
  }

  /** Says once on stderr why something was refused, and fails the call with the note in its trace line. */
  fail(errno: number, note: string): never {
    const safe = printable(note);
    this.say(safe);
    throw new Errno(errno, undefined, safe);
  }
  /** The same for a call that reports failure without an errno (getaddrinfo's EAI_* codes). */
  explain(p: Process, note: string): void {
    const safe = printable(note);
    this.say(safe);
    p.note = safe;
  }
  private say(note: string): void {
    if (this.noticed.has(note)) return;
    this.noticed.add(note);
    this.notice(`socklab: ${note}`);
  }

  checkConnect(ip: string, port: number): void {
    if (!allowed(this.policy.connect, ip, port)) this.fail(E.EACCES, refusal('connect', unmap(ip), port, this.policy.connect));
  }
  mayConnect(ip: string, port: number): boolean {
    return allowed(this.policy.connect, ip, port) !== undefined;
  }
  checkListen(ip: string, port: number): void {
    if (!allowed(this.policy.listen, ip, port)) this.fail(E.EACCES, refusal('listen', unmap(ip), port, this.policy.listen));
  }
  /** IP_ADD_MEMBERSHIP / IPV6_ADD_MEMBERSHIP: the group must be in --allow-listen (policy.ts: allowedGroup). */
  checkJoin(group: string): void {
    if (allowedGroup(this.policy.listen, group)) return;
    const g = unmap(group);
    const rules = this.policy.listen;
    this.fail(E.EACCES, rules.length ? `policy: group ${g} is not in --allow-listen (${rules.map((r) => r.text).join(', ')})` : `policy: joining group ${g} refused: no --allow-listen given`);
  }
  /** A one-line notice on stderr (once), for what went wrong where no call can fail any more. */
  tell(note: string): void {
    this.say(printable(note));
  }
  /** The note (without throwing) for a listen the policy refuses, or undefined. */
  listenRefusal(ip: string, port: number): string | undefined {
    return allowed(this.policy.listen, ip, port) ? undefined : refusal('listen', unmap(ip), port, this.policy.listen);
  }
}

/** The run's real network (--net=real). */
export const REAL_NETWORK = new Slot<RealNetwork>('real-network');

/** The run's real network, when it has one. */
export function realNetOf(p: Process): RealNetwork | undefined {
  return p.kernel.slots.get(REAL_NETWORK);
}

/** Linux's errno for a Node socket error (err.code is the errno name libuv reports). */
/** A note may quote guest bytes (a name, a path): control characters are shown as \\xNN, never written raw to a terminal. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Closes a Node socket with a RST where Node can send one. After end()
 * (our FIN already sent) libuv refuses the reset (uv_tcp_close_reset gives
 * EINVAL on a shut-down socket) and Node then never closes the handle,
 * which keeps the process (or worker) from ever exiting: such a socket is
 * destroyed plainly.
 */
export function resetSocket(c: NodeSocket): void {
  if (c.destroyed) return;
  if (c.writableEnded) c.destroy();
  else c.resetAndDestroy();
}

/** UV_ENOTCONN: getpeername(2) of a TCP socket the host kernel has put in TCP_CLOSE. */
const UV_ENOTCONN = -107;

/**
 * Whether an 'end' from Node is really the peer's RST. libuv reports EOF,
 * without reading, when epoll says POLLHUP after a short read (uv__stream_io),
 * and a RST is a POLLHUP too: Node then says 'end' where read(2) would have
 * said ECONNRESET (Linux always does). A FIN leaves the socket in CLOSE_WAIT,
 * a RST in TCP_CLOSE, where getpeername(2) fails with ENOTCONN: that tells
 * them apart. Not once we sent our FIN: the peer's FIN then also ends in
 * TCP_CLOSE (TIME_WAIT moves to a timewait socket), so a RST there still
 * looks like EOF.
 */
export function resetNotEof(c: NodeSocket): boolean {
  return !c.writableEnded && hostClosed(c);
}

/** Whether the host kernel has put c's TCP socket in TCP_CLOSE (a RST came); false for AF_UNIX. */
export function hostClosed(c: NodeSocket): boolean {
  const h = (c as unknown as { _handle?: { getpeername?: (out: object) => number } })._handle;
  // AF_UNIX (a Pipe handle) has no getpeername and no RST: a peer that leaves data unread is read(2)'s ECONNRESET.
  if (typeof h?.getpeername !== 'function') return false;
  return h.getpeername({}) === UV_ENOTCONN;
}

export function codeErrno(e: unknown): number {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const info = errnoByName(code);
  if (info) return info.wasi;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return E.EHOSTUNREACH;
  return E.EIO;
}

/** An address Node reports, in the socket's family (an IPv6 socket sees IPv4 peers as mapped). */
export function nodeAddr(domain: number, ip: string | undefined, port: number | undefined): InetAddr {
  const raw = (ip ?? (domain === AF.AF_INET ? '0.0.0.0' : '::')).replace(/%.*$/, '');
  if (domain === AF.AF_INET) return { family: 4, ip: unmap(raw), port: port ?? 0 };
  return { family: 6, ip: raw.includes(':') ? canonIp(raw) : `::ffff:${raw}`, port: port ?? 0 };
}

/** The text Node wants for an address: IPv4 plain, IPv6 canonical. */
export function nodeHost(domain: number, ip: string): string {
  if (domain === AF.AF_INET) return unmap(ip);
  return ip.includes(':') ? ip : `::ffff:${ip}`;
}
