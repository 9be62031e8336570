// A TCP connection's data path on the virtual network: segments over the
// links between two hosts (at once on one host), in order, retransmitted
// after Linux's RTO where a link loses them, each transmission recorded in
// the packet capture (capture.ts decides on which hosts' views). Each
// arrival is acknowledged at once; a lost pure ACK is not sent again: the
// sender retransmits what it covered when its RTO expires, unless a later
// acknowledgement got through first, and the receiver acknowledges the
// copy. The sender keeps what it sent (its buffer room, SIOCOUTQ, a linger
// wait) until an acknowledgement covering it reaches it, as Linux frees its
// write queue only then (tcp_clean_rtx_queue). The socket state machine
// (socket.ts) decides what may be sent; this moves the bytes and the
// FIN/RST and reports arrivals through the peer socket's named methods.
import { E } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { WAKE_OUT, WAKE_QUIET, WAKE_STATE } from '../../kernel/wait.js';
import { MSS_LINK, MSS_LOOPBACK, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_URG } from '../addr/constants.js';
import type { InetAddr } from '../addr/sockaddr.js';
import type { Carrier } from '../socket/network.js';
import { attachScm, type SendControl } from '../socket/scm.js';
import { gather, type Socket } from '../socket/socket.js';
import type { PacketCapture, Recorded } from './capture.js';
import { vhost } from './host.js';
import { DATA_GIVE_UP_NS, DATA_TRIES, ORPHAN_GIVE_UP_NS, RTO_MAX_NS, type VirtualNetwork } from './network.js';

/**
 * A value of one side of the connection over time (the sequence number it
 * had sent, the one it had received up to): segments recorded now for a
 * later moment are built with the numbers of that moment.
 */
class Steps {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  constructor(private first: number) {}
  set(at: number, value: number): void {
    const n = this.times.length;
    if (n && this.times[n - 1]! >= at) this.values[n - 1] = value;
    else {
      this.times.push(at);
      this.values.push(value);
    }
  }
  at(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo ? this.values[lo - 1]! : this.first;
  }
  /** Keeps only `value`, as the value at every time: on one host every segment is built at the moment it is sent, so no history is read. */
  reset(value: number): void {
    this.first = value;
    if (this.times.length) {
      this.times.length = 0;
      this.values.length = 0;
    }
  }
  /** Forgets what is no longer needed before `time` (the value at `time` stays). */
  forget(time: number): void {
    let k = 0;
    while (k < this.times.length && this.times[k]! <= time) k++;
    if (k < 2) return;
    this.first = this.values[k - 1]!;
    this.times.splice(0, k);
    this.values.splice(0, k);
  }
  get size(): number {
    return this.times.length;
  }
}

/** A segment's transmissions: the first (tcp's retrans_stamp), the last, and the RTO armed then. */
interface Tx {
  firstTx: number;
  lastTx: number;
  rto: number;
}
const NO_TX: Tx = { firstTx: 0, lastTx: 0, rto: 0 };

/** A retransmission due because an acknowledgement was lost: taken back if a later one arrives first. */
interface Waiting {
  due: number;
  /** The sequence number an acknowledgement must reach to make it unnecessary. */
  end: number;
  undo(): void;
}

export class VirtualTcp implements Carrier {
  /** The peer's side of the connection: its sequence numbers are our acknowledgements. */
  private pc!: VirtualTcp;
  /**
   * snd_una: the first sequence number no acknowledgement that reached us
   * covers yet. Everything from here to sndNxt (data, and a FIN) is still
   * ours: counted against the send buffer, in SIOCOUTQ, awaited by a linger.
   */
  private una: number;
  /** Our FIN was sent (it is the last sequence number, sndNxt - 1). */
  private finSent = false;
  /** Our FIN left before the peer's arrived: the close ends in TIME_WAIT. */
  private finFirst = false;
  /**
   * Acknowledgements on their way to us that will advance una: arrival
   * times and ack numbers, both increasing (one arriving no sooner than an
   * equal or higher one frees nothing more, and is not kept). Read when
   * una is (settle); a timer is set only while someone waits for them.
   */
  private readonly ackAt: number[] = [];
  private readonly ackNo: number[] = [];
  private ackHead = 0;
  /** The timer that wakes a waiting writer or linger at the next acknowledgement's arrival, and when it is due. */
  private ackTimer: number | undefined;
  private ackTimerAt = 0;
  /** A close waits for everything to be acknowledged (SO_LINGER): acknowledgements wake it. */
  private lingering = false;
  /** The last arrival time scheduled toward the peer: a stream never overtakes itself. */
  private lastArrival = 0;
  /** What this side had sent, and received, by a given time (for segments built later). */
  private readonly sent: Steps;
  private readonly rcvd: Steps;
  /** When the segment that arrives last so far left for the last time, and the RTO armed then. */
  private head = NO_TX;
  /** Retransmissions a lost acknowledgement made due. */
  private waiting: Waiting[] = [];
  /** Runs before the first of our segments arrives at the peer (its ACK completes a handshake whose final ACK was lost). */
  beforeFirstArrival: (() => void) | undefined;

  private constructor(
    private readonly net: VirtualNetwork,
    private readonly s: Socket,
    private readonly p: Socket,
    /** The next sequence number this side sends (for the packet capture). */
    public sndNxt: number,
    rcvNxt: number,
  ) {
    this.sent = new Steps(sndNxt);
    this.rcvd = new Steps(rcvNxt);
    this.una = sndNxt;
  }

  /** The two ends of a handshake that reached the listener: each socket's carrier, with the sequence numbers the SYNs used. */
  static pair(net: VirtualNetwork, client: Socket, clientNxt: number, child: Socket, childNxt: number): { client: VirtualTcp; child: VirtualTcp } {
    const a = new VirtualTcp(net, client, child, clientNxt, childNxt);
    const b = new VirtualTcp(net, child, client, childNxt, clientNxt);
    a.pc = b;
    b.pc = a;
    client.peer = child;
    child.peer = client;
    client.carrier = a;
    child.carrier = b;
    return { client: a, child: b };
  }

  /** The capture, while some view records this connection's packets. */
  private capture(): PacketCapture | undefined {
    const s = this.s;
    const c = this.net.capture;
    return c && s.local && s.remote && c.sees(s.host.name, this.p.host.name) ? c : undefined;
  }

  /** A segment from this side as it is at time `at` (now by default): its sequence number, and the acknowledgement of what had arrived. */
  segment(flags: number, at = this.net.kernel.clock.now(), o: { data?: Uint8Array; seq?: number; ack?: number; urgentPointer?: number } = {}): () => Uint8Array {
    const local = this.s.local as InetAddr;
    const remote = this.s.remote as InetAddr;
    // Sent now: the numbers are known; sent later, they are those of that moment, looked up when it has passed.
    const now = this.net.kernel.clock.now() === at;
    const seq = o.seq ?? (now ? this.sndNxt : undefined);
    const ack = o.ack ?? (now ? this.rcvd.at(at) : undefined);
    return () => this.net.capture!.tcp(local, remote, seq ?? this.sent.at(at), ack ?? this.rcvd.at(at), flags, o.data, o.urgentPointer ?? 0);
  }

  /** Records a segment this side sends at `at`, arriving at `arrival` (undefined: lost). */
  record(packet: () => Uint8Array, at: number, arrival: number | undefined): Recorded | undefined {
    return this.capture()?.send(this.s.host.name, this.p.host.name, packet, arrival === undefined ? [] : [arrival], at);
  }

  /** Notes that this side sent up to `nxt` now. */
  private advance(nxt: number): void {
    this.sndNxt = nxt;
    if (this.s.host === this.p.host) this.sent.reset(nxt);
    else {
      this.sent.set(this.net.kernel.clock.now(), nxt);
      if (this.sent.size > 64) this.forget(this.sent);
    }
  }

  /** Drops history no segment can still need: the capture has written everything due before now. */
  private forget(steps: Steps): void {
    this.net.capture?.settle();
    steps.forget(this.net.kernel.clock.now());
  }

  /**
   * The peer acknowledges, now, our segments up to `end`, sent last at
   * `lastTx` with retransmission timeout `rto` then; `segments(at)` are
   * what the capture records of them sent again at a time. A lost ACK is not sent again: our RTO expires and
   * we retransmit (doubling), the peer acknowledges the copy, until an
   * acknowledgement gets through or a later one made it unnecessary.
   */
  private acknowledged(end: number, { firstTx, lastTx, rto }: Tx, segments: (at: number) => (() => Uint8Array)[]): void {
    const net = this.net;
    const pc = this.pc;
    const at = net.kernel.clock.now();
    // Never in the past: a retransmission leaves after what made it due.
    const due = Math.max(lastTx + rto, at);
    // The first ACK covers exactly the segment that just arrived; later ones, all that had arrived by then.
    const back = net.ackArrival(vhost(this.p), vhost(this.s), at);
    // Built only for a capture: every arrival comes here.
    if (pc.capture()) pc.record(pc.segment(TCP_ACK, at, { ack: end }), at, back);
    if (back === undefined) this.resend(end, at, due, rto, segments, firstTx, lastTx > firstTx);
    else {
      const ack = pc.rcvd.at(at);
      this.ackArrives(((ack - end) | 0) > 0 ? ack : end, back);
      // Only a waiting retransmission reads the acknowledgement (heard ignores it otherwise).
      if (this.waiting.length) this.heard(ack, back);
    }
  }

  /**
   * An acknowledgement of everything before `ack` reaches us at `at`: what
   * it covers leaves our send queue then (tcp_clean_rtx_queue), and a
   * writer that found no room is woken with POLLOUT (tcp_check_space), a
   * linger wait re-checks. Cumulative: a later one frees all before it.
   */
  private ackArrives(ack: number, at: number): void {
    if (((ack - this.una) | 0) <= 0) return;
    if (at <= this.net.kernel.clock.now()) {
      // One host: in before the arrival's own wake, which tells a linger.
      this.una = ack;
      if (this.s.host !== this.p.host) this.ackWake();
      return;
    }
    const times = this.ackAt;
    const nos = this.ackNo;
    const head = this.ackHead;
    // Kept only if no acknowledgement as high arrives as soon; it makes later, lower ones useless.
    let i = times.length;
    while (i > head && times[i - 1]! >= at) i--;
    if (i > head && ((nos[i - 1]! - ack) | 0) >= 0) return;
    let j = i;
    while (j < times.length && ((nos[j]! - ack) | 0) <= 0) j++;
    times.splice(i, j - i, at);
    nos.splice(i, j - i, ack);
    this.ackTimerNeeded();
  }

  /** Takes in the acknowledgements that have reached us by now. */
  private settle(): void {
    const times = this.ackAt;
    if (this.ackHead === times.length) return;
    const now = this.net.kernel.clock.now();
    let h = this.ackHead;
    for (; h < times.length && times[h]! <= now; h++) {
      const ack = this.ackNo[h]!;
      if (((ack - this.una) | 0) > 0) this.una = ack;
    }
    if (h === times.length) {
      times.length = 0;
      this.ackNo.length = 0;
      h = 0;
    } else if (h > 64) {
      times.splice(0, h);
      this.ackNo.splice(0, h);
      h = 0;
    }
    this.ackHead = h;
  }

  /** While a writer found no room (SOCK_NOSPACE) or a close lingers, the next acknowledgement's arrival wakes it: a timer at that time. */
  private ackTimerNeeded(): void {
    if (!(this.nospace || this.lingering) || this.ackHead === this.ackAt.length) return;
    const at = this.ackAt[this.ackHead]!;
    const timers = this.net.kernel.timers;
    if (this.ackTimer !== undefined) {
      if (this.ackTimerAt <= at) return;
      timers.cancel(this.ackTimer);
    }
    this.ackTimerAt = at;
    this.ackTimer = timers.add(at, () => {
      this.ackTimer = undefined;
      this.settle();
      this.ackWake();
      this.ackTimerNeeded();
    });
  }

  /** An acknowledgement freed some of our queue: tcp_check_space's POLLOUT for a writer that found none, else a linger's re-check. */
  private ackWake(): void {
    if (this.nospace && this.room() > 0) {
      this.nospace = false;
      this.s.notify(WAKE_OUT);
    } else this.s.notify(WAKE_QUIET);
  }

  /** acknowledged's lost ACK: our RTO expires and we retransmit (doubling) until the peer's ACK of a copy gets through. */
  private resend(end: number, at: number, due: number, rto: number, segments: (at: number) => (() => Uint8Array)[], firstTx: number, resent: boolean): void {
    const net = this.net;
    const pc = this.pc;
    const me = vhost(this.s);
    const peer = vhost(this.p);
    const again = this.again(segments);
    let back: number | undefined;
    const limit = this.s.closed ? ORPHAN_GIVE_UP_NS : DATA_GIVE_UP_NS;
    for (let tries = 0; back === undefined; tries++) {
      // tcp_write_timeout at this RTO expiry, as for a segment that never arrives (arrive()).
      if ((tries > 0 || resent) && due - firstTx >= limit) {
        this.giveUp(due);
        return;
      }
      // Our RTO expires with nothing acknowledged: the segments again, and the peer's ACK of the copy if it arrives.
      const copy = net.ackArrival(me, peer, due);
      net.stats.retransmissions++;
      const recs = again(due, copy);
      if (copy !== undefined) {
        at = copy;
        back = net.ackArrival(peer, me, at);
        const r = pc.record(pc.segment(TCP_ACK, at), at, back);
        if (r) recs.push(r);
      }
      this.waiting.push({ due, end, undo: () => { net.stats.retransmissions--; recs.forEach((r) => r.cancel()); } });
      rto = Math.min(rto * 2, RTO_MAX_NS);
      due += rto;
    }
    // The copy's acknowledgement; if a later one got through first (heard), it already freed this.
    const ack = pc.rcvd.at(at);
    this.ackArrives(((ack - end) | 0) > 0 ? ack : end, back);
    this.heard(ack, back);
  }

  /** tcp_write_err at `at`: the connection is dropped with ETIMEDOUT (no RST is sent). */
  private giveUp(at: number): void {
    const s = this.s;
    this.net.at(at, () => {
      if (s.closed || s.reset) return;
      s.onError(E.ETIMEDOUT, true);
      s.notify(WAKE_STATE);
    });
  }

  /** An acknowledgement of `ack` from the peer arrives at `at`: retransmissions due later for what it covers are not needed. */
  private heard(ack: number, at: number): void {
    const now = this.net.kernel.clock.now();
    if (!this.waiting.length) return;
    this.waiting = this.waiting.filter((w) => {
      if (w.due <= now) return false;
      if (((ack - w.end) | 0) >= 0 && at < w.due) {
        w.undo();
        return false;
      }
      return true;
    });
  }

  /** Data bytes sent and not yet acknowledged to us (sk_wmem_queued's payload): the FIN takes a sequence number, no room. */
  private unacked(): number {
    this.settle();
    const n = (this.sndNxt - this.una) | 0;
    return this.finSent && n > 0 ? n - 1 : n;
  }

  room(): number {
    const p = this.p;
    const room = Math.max(0, p.rcvbuf + this.s.sndbuf - p.rxBytes - this.unacked());
    // SOCK_NOSPACE: a send or poll found no room (sk_stream_wait_memory, tcp_poll), so room opening wakes with POLLOUT.
    if (room === 0 && !this.nospace) {
      this.nospace = true;
      this.ackTimerNeeded();
    }
    return room;
  }

  /** Linux's SOCK_NOSPACE: someone saw the send buffer full and waits for sk_stream_write_space. */
  private nospace = false;

  /** SIOCOUTQ: tcp_ioctl's write_seq - snd_una, an unacknowledged FIN included. */
  unsent(): number {
    this.settle();
    return (this.sndNxt - this.una) | 0;
  }

  send(data: Uint8Array[], total: number, oob: boolean, ctl: SendControl | undefined): number {
    const s = this.s;
    const p = this.p;
    // tcp_rcv_state_process (RFC 1122 4.2.2.13): a peer in FIN_WAIT1/2 that shut its reading down resets
    // itself (ECONNRESET) at data it will never read, and answers it with a RST.
    const discards = !p.closed && p.rdShut && this.pc.finSent && total > 0;
    if (p.closed || discards) {
      // The peer is gone: the data is answered with a RST, and the next write fails with EPIPE.
      const bytes = gather(data, total);
      const seq = this.sndNxt;
      this.advance(seq + total);
      this.arrive(() => {
        // The peer's host answers with a RST (not retransmitted).
        const c = this.capture();
        if (c) this.pc.record(() => c.tcp(s.remote as InetAddr, s.local as InetAddr, this.pc.sndNxt, 0, TCP_RST), this.net.kernel.clock.now(), this.net.oneWay(vhost(p), vhost(s)));
        if (discards) p.onReset();
        s.onReset();
      }, 0, (at) => [this.segment(TCP_PSH | TCP_ACK, at, { data: bytes, seq })]);
      return total;
    }
    // A zero-length stream send (MSG_OOB or not) puts nothing on the wire.
    if (total === 0) return 0;
    const room = this.room();
    if (room === 0) return WOULD_BLOCK;
    const n = Math.min(room, total);
    const chunk = gather(data, n);
    if (s.host === p.host && this.net.capture === undefined) {
      // On one host with no capture the general path below comes down to this: the bytes arrive at
      // once, nothing is lost (no retransmission waits) and no segment is built (a loopback
      // ping-pong's every send).
      this.advance(this.sndNxt + n);
      this.una = this.sndNxt;
      this.pc.rcvd.reset(this.sndNxt);
      p.deliver(chunk, oob, ctl ? attachScm(ctl, true, s.passcred, p.passcred) : undefined);
      s.notify(WAKE_QUIET);
      return n;
    }
    const firstSeq = this.sndNxt;
    const mss = s.host === p.host ? MSS_LOOPBACK : MSS_LINK;
    // MSG_OOB: the last byte is urgent; every segment up to it carries URG and the pointer to the byte after it (tcp_mark_urg: snd_up).
    const urgent = oob && n > 0;
    // The chunk's segments as sent at a time (sent again, they carry the acknowledgement of that time).
    const segments = (at: number): (() => Uint8Array)[] => {
      const out: (() => Uint8Array)[] = [];
      for (let o = 0; o < n; o += mss) {
        const seg = chunk.subarray(o, Math.min(n, o + mss));
        const up = urgent ? Math.min(0xffff, n - o) : 0;
        out.push(this.segment(TCP_PSH | TCP_ACK | (urgent ? TCP_URG : 0), at, { data: seg, seq: firstSeq + o, urgentPointer: up }));
      }
      return out;
    };
    this.advance(this.sndNxt + n);
    const acked = this.sndNxt;
    // On one host fn runs inside arrive(): nothing is lost there, so the placeholder is never read.
    let sent = NO_TX;
    sent = this.arrive(() => {
      // The receiver acknowledges exactly what has arrived.
      if (!p.closed) this.acknowledged(acked, sent, segments);
      // Linux still queues (and acknowledges) data arriving after SHUT_RD: a later read returns it.
      if (!p.closed) p.deliver(chunk, urgent, ctl ? attachScm(ctl, true, s.passcred, p.passcred) : undefined);
      else s.onReset();
      // A re-check for our sleepers (no poller sees WAKE_QUIET). Between hosts nothing they wait for changed
      // (the ACK's arrival opens our room: ackArrives), but each re-check costs a blocked call its syscall's
      // time, so dropping it would move every two-host trace.
      s.notify(WAKE_QUIET);
    }, n, segments);
    return n;
  }

  /** The reader took bytes: room for the writer, woken with POLLOUT if it found none (tcp_new_space), else only re-checking a linger wait. */
  drained(): void {
    const w = this.pc;
    if (w.nospace && w.room() > 0) {
      w.nospace = false;
      this.p.notify(WAKE_OUT);
    } else this.p.notify(WAKE_QUIET);
  }

  end(): void {
    const p = this.p;
    this.fin((acknowledge) => {
      acknowledge();
      p.onEof();
    });
  }

  /**
   * Sends our FIN (it takes one sequence number), recorded at each
   * transmission; `fn` runs when it arrives, given the peer's
   * acknowledgement of it to send.
   */
  private fin(fn: (acknowledge: () => void) => void): void {
    const seq = this.sndNxt;
    this.advance(seq + 1);
    this.finSent = true;
    // Our FIN before the peer's (shutdown or close; both, in a simultaneous close): this end goes to TIME_WAIT.
    if (!this.s.peerEof) this.finFirst = true;
    const segments = (at: number): (() => Uint8Array)[] => [this.segment(TCP_FIN | TCP_ACK, at, { seq })];
    let sent = NO_TX;
    sent = this.arrive(() => fn(() => this.acknowledged(seq + 1, sent, segments)), 0, segments);
  }

  /** Records `segments` sent again at a time, arriving at a time (undefined: lost). */
  private again(segments: (at: number) => (() => Uint8Array)[]): (at: number, arrival: number | undefined) => Recorded[] {
    return (at, arrival) => {
      if (!this.capture()) return [];
      return segments(at).map((seg) => this.record(seg, at, arrival)!);
    };
  }

  close(unread: boolean, lingerZero: boolean): void {
    const s = this.s;
    const p = this.p;
    if (s.reset) return;
    // tcp_close: unread data or SO_LINGER {1, 0} abort the connection with a RST (TCP_CLOSE: no TIME_WAIT).
    const abort = unread || lingerZero;
    if (abort) {
      // A RST is never sent again: recorded once, when it leaves. A lost one still reaches the peer
      // later (as the RST its next segment would draw), and that is no retransmission.
      const rst = this.segment(TCP_RST | TCP_ACK);
      let first = true;
      const counted = this.net.stats.retransmissions;
      this.arrive(() => p.onReset(), 0, (at) => (first ? ((first = false), [rst]) : []));
      this.net.stats.retransmissions = counted;
    } else if (!this.finSent) {
      // Not s.wrShut: a shutdown(SHUT_WR) made before connect sent no FIN, and Linux's tcp_close sends it now.
      this.fin((acknowledge) => {
        if (!p.closed) acknowledge();
        p.onEof();
        // A linger wait re-checks (on one host the ACK is in); between hosts the FIN's ACK wakes it (ackArrives).
        s.notify();
      });
    }
    // The side that closes first keeps the port in TIME_WAIT (tw_reuse: with its SO_REUSEADDR).
    if (!abort && (this.finFirst || !s.peerEof) && s.local && s.local.family !== 'unix') this.net.enterTimeWait(vhost(s), 'tcp', s.local as InetAddr, s.reuseaddr);
  }

  abandon(): void {
    const s = this.s;
    const p = this.p;
    if (s.host === p.host) p.onReset();
    else {
      // The listener's RST, late if lost (as the RST the client's next segment would draw): no retransmission.
      const counted = this.net.stats.retransmissions;
      let first = true;
      const record = (at: number, arrival: number | undefined): void => {
        if (first && this.capture()) this.record(this.segment(TCP_RST | TCP_ACK, at), at, arrival);
        first = false;
      };
      this.net.at(this.net.reliableArrival(vhost(s), vhost(p), 1, this.net.rto(vhost(s), vhost(p)), record), () => p.onReset());
      this.net.stats.retransmissions = counted;
    }
  }

  abort(): void {
    this.record(this.segment(TCP_RST | TCP_ACK), this.net.kernel.clock.now(), this.net.oneWay(vhost(this.s), vhost(this.p)));
    this.p.onReset();
  }

  /** sk_stream_wait_close's condition: everything sent, the FIN included, acknowledged to us; data the peer's window has not taken yet is still ours. */
  finAcked(): boolean {
    this.settle();
    return this.finSent && this.una === this.sndNxt;
  }

  lingerDone(): () => boolean {
    const p = this.p;
    this.lingering = true;
    this.ackTimerNeeded();
    return () => {
      this.settle();
      return (this.finSent && this.una === this.sndNxt && p.rxBytes <= p.rcvbuf) || p.closed || p.reset;
    };
  }

  /**
   * Schedules fn when `bytes` sent now reach the peer, in order after
   * earlier segments; `segments(at)` are what the capture records at each
   * transmission. Returns when the last transmission left and the RTO
   * armed then (for a lost acknowledgement of it).
   */
  private arrive(fn: () => void, bytes = 0, segments?: (at: number) => (() => Uint8Array)[]): Tx {
    const s = this.s;
    const to = this.p;
    const net = this.net;
    const now = net.kernel.clock.now();
    const cap = segments && this.capture() ? segments : undefined;
    const rto0 = net.rto(vhost(s), vhost(to));
    if (to.host === s.host) {
      if (cap) for (const seg of cap(now)) this.record(seg, now, now);
      this.pc.rcvd.reset(this.sndNxt);
      fn();
      return { firstTx: now, lastTx: now, rto: rto0 };
    }
    let lastTx = now;
    let tx = 0;
    let gaveUp = 0;
    // 40 bytes of TCP/IP headers per segment, for the link's bandwidth.
    const arrival = net.reliableArrival(vhost(s), vhost(to), bytes + 40, rto0, (at, arr) => {
      lastTx = at;
      tx++;
      if (cap) for (const seg of cap(at)) this.record(seg, at, arr);
    }, DATA_TRIES, (at) => (gaveUp = at), s.closed ? ORPHAN_GIVE_UP_NS : DATA_GIVE_UP_NS);
    const own = { firstTx: now, lastTx, rto: Math.min(rto0 * 2 ** (tx - 1), RTO_MAX_NS) };
    if (this.lastArrival === Infinity) return own;
    if (arrival === Infinity) {
      // tcp_write_err: the connection is dropped with ETIMEDOUT, and no RST is sent; nothing after this segment arrives either.
      this.lastArrival = Infinity;
      this.giveUp(gaveUp);
      return own;
    }
    // A segment that waits for an earlier one still in flight is acknowledged with it: until then the
    // RTO that runs is the earlier one's (it is the one retransmitted).
    const blocker = arrival < this.lastArrival ? this.head : undefined;
    const t = Math.max(arrival, this.lastArrival);
    this.lastArrival = t;
    if (!blocker) this.head = own;
    this.pc.rcvd.set(t, this.sndNxt);
    if (this.pc.rcvd.size > 64) this.forget(this.pc.rcvd);
    // What we acknowledge in this segment reaches the peer with it.
    const ack = this.rcvd.at(now);
    this.pc.ackArrives(ack, t);
    if (this.pc.waiting.length) this.pc.heard(ack, t);
    net.at(t, () => {
      const first = this.beforeFirstArrival;
      this.beforeFirstArrival = undefined;
      first?.();
      fn();
    });
    return blocker && blocker.lastTx + blocker.rto > own.lastTx + own.rto ? blocker : own;
  }
}
