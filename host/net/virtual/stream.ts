// A TCP connection's data path on the virtual network: segments over the
// links between two hosts (at once on one host), in order, retransmitted
// where a link loses them, each recorded in the packet capture as tcpdump
// would see it on the sender's host. The socket state machine (socket.ts)
// decides what may be sent; this moves the bytes and the FIN/RST and
// reports arrivals through the peer socket's named methods.
import { WOULD_BLOCK } from '../../kernel/file.js';
import { WAKE_OUT, WAKE_QUIET } from '../../kernel/wait.js';
import { MSS_LINK, MSS_LOOPBACK, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_URG } from '../addr/constants.js';
import type { InetAddr } from '../addr/sockaddr.js';
import type { Carrier } from '../socket/network.js';
import { attachScm, type SendControl } from '../socket/scm.js';
import { gather, type Socket } from '../socket/socket.js';
import type { PacketCapture } from './capture.js';
import { vhost } from './host.js';
import type { VirtualNetwork } from './network.js';

export class VirtualTcp implements Carrier {
  /** The peer's side of the connection: its sequence numbers are our acknowledgements. */
  private pc!: VirtualTcp;
  /** Bytes sent to the peer that have not arrived yet. */
  private inflight = 0;
  /** The last arrival time scheduled toward the peer: a stream never overtakes itself. */
  private lastArrival = 0;
  /** Our FIN reached the peer after everything sent before it (the virtual network acknowledges on arrival). */
  private finAcked = false;

  private constructor(
    private readonly net: VirtualNetwork,
    private readonly s: Socket,
    private readonly p: Socket,
    /** The next sequence number this side sends (for the packet capture). */
    public sndNxt: number,
  ) {}

  /** The two ends of a handshake that reached the listener: each socket's carrier, with the sequence numbers the SYNs used. */
  static pair(net: VirtualNetwork, client: Socket, clientNxt: number, child: Socket, childNxt: number): { client: VirtualTcp; child: VirtualTcp } {
    const a = new VirtualTcp(net, client, child, clientNxt);
    const b = new VirtualTcp(net, child, client, childNxt);
    a.pc = b;
    b.pc = a;
    client.peer = child;
    child.peer = client;
    client.carrier = a;
    child.carrier = b;
    return { client: a, child: b };
  }

  /** The capture, while this connection's host is captured. */
  private capture(): PacketCapture | undefined {
    const s = this.s;
    const c = this.net.capture;
    return c && s.local && s.remote && c.wants(s.host.name) ? c : undefined;
  }

  /** Records a segment from this side; `ack` defaults to all the peer has sent. */
  capSegment(flags: number, data?: Uint8Array, ack = this.pc.sndNxt): void {
    const c = this.capture();
    if (!c) return;
    c.tcp(this.s.local as InetAddr, this.s.remote as InetAddr, this.sndNxt, ack, flags, data);
  }

  room(): number {
    const p = this.p;
    const room = Math.max(0, p.rcvbuf + this.s.sndbuf - p.rxBytes - this.inflight);
    // SOCK_NOSPACE: a send or poll found no room (sk_stream_wait_memory, tcp_poll), so room opening wakes with POLLOUT.
    if (room === 0) this.nospace = true;
    return room;
  }

  /** Linux's SOCK_NOSPACE: someone saw the send buffer full and waits for sk_stream_write_space. */
  private nospace = false;

  unsent(): number {
    return this.inflight;
  }

  send(data: Uint8Array[], total: number, oob: boolean, ctl: SendControl | undefined): number {
    const s = this.s;
    const p = this.p;
    if (p.closed) {
      // The peer is gone: the data is answered with a RST, and the next write fails with EPIPE.
      this.capSegment(TCP_PSH | TCP_ACK, gather(data, total));
      this.sndNxt += total;
      this.arrive(() => {
        const c = this.capture();
        if (c) c.tcp(s.remote as InetAddr, s.local as InetAddr, this.pc.sndNxt, 0, TCP_RST);
        s.onReset();
      });
      return total;
    }
    // A zero-length stream send (MSG_OOB or not) puts nothing on the wire.
    if (total === 0) return 0;
    const room = this.room();
    if (room === 0) return WOULD_BLOCK;
    const n = Math.min(room, total);
    const chunk = gather(data, n);
    this.inflight += n;
    const firstSeq = this.sndNxt;
    const mss = s.host === p.host ? MSS_LOOPBACK : MSS_LINK;
    // MSG_OOB: the last byte is urgent; every segment up to it carries URG and the pointer to the byte after it (tcp_mark_urg: snd_up).
    const urgent = oob && n > 0;
    const record = (): void => {
      if (!this.capture()) return;
      for (let o = 0; o < n; o += mss) {
        const seg = chunk.subarray(o, Math.min(n, o + mss));
        const up = urgent ? Math.min(0xffff, n - o) : 0;
        this.capture()!.tcp(s.local as InetAddr, s.remote as InetAddr, firstSeq + o, this.pc.sndNxt, TCP_PSH | TCP_ACK | (urgent ? TCP_URG : 0), seg, up);
      }
    };
    record();
    this.sndNxt += n;
    const acked = this.sndNxt;
    this.arrive(() => {
      this.inflight -= n;
      // The receiver acknowledges exactly what has arrived.
      if (!p.closed) this.pc.capSegment(TCP_ACK, undefined, acked);
      // Linux still queues (and acknowledges) data arriving after SHUT_RD: a later read returns it.
      if (!p.closed) p.deliver(chunk, urgent, ctl ? attachScm(ctl, true, s.passcred, p.passcred) : undefined);
      else s.onReset();
      // The ACK leaves our room as it was (the bytes now wait in the peer's queue): only a linger wait re-checks.
      s.notify(WAKE_QUIET);
    }, n, record);
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
    this.capSegment(TCP_FIN | TCP_ACK);
    const finAcked = ++this.sndNxt;
    this.arrive(() => {
      this.pc.capSegment(TCP_ACK, undefined, finAcked);
      p.onEof();
    });
  }

  close(unread: boolean, lingerZero: boolean): void {
    const s = this.s;
    const p = this.p;
    if (s.reset) return;
    // tcp_close: unread data or SO_LINGER {1, 0} abort the connection with a RST (TCP_CLOSE: no TIME_WAIT).
    const abort = unread || lingerZero;
    if (abort) {
      this.capSegment(TCP_RST | TCP_ACK);
      this.arrive(() => p.onReset());
    } else if (!s.wrShut) {
      this.capSegment(TCP_FIN | TCP_ACK);
      const finAcked = ++this.sndNxt;
      this.arrive(() => {
        if (!p.closed) this.pc.capSegment(TCP_ACK, undefined, finAcked);
        p.onEof();
        this.finAcked = true;
        s.notify();
      });
    } else this.finAcked = true;
    // The side that closes first keeps the port in TIME_WAIT.
    if (!abort && !s.peerEof && s.local && s.local.family !== 'unix') this.net.enterTimeWait(vhost(s), 'tcp', s.local as InetAddr);
  }

  abandon(): void {
    const s = this.s;
    const p = this.p;
    if (s.host === p.host) p.onReset();
    else this.net.at(this.net.reliableArrival(vhost(s), vhost(p), 1), () => p.onReset());
  }

  abort(): void {
    this.capSegment(TCP_RST | TCP_ACK);
    this.p.onReset();
  }

  /** sk_stream_wait_close's condition: everything sent, the FIN included, acknowledged; data the peer's window has not taken yet is still ours. */
  lingerDone(): () => boolean {
    const p = this.p;
    return () => (this.finAcked && this.inflight === 0 && p.rxBytes <= p.rcvbuf) || p.closed || p.reset;
  }

  /**
   * Schedules fn when `bytes` sent now reach the peer, in order after
   * earlier segments. `resend` re-records the segment in the capture at each
   * retransmission the link's losses cause.
   */
  private arrive(fn: () => void, bytes = 0, resend?: () => void): void {
    const s = this.s;
    const to = this.p;
    if (to.host === s.host) {
      fn();
      return;
    }
    const net = this.net;
    // 40 bytes of TCP/IP headers per segment, for the link's bandwidth.
    const retry = resend && this.capture() ? (at: number): void => net.at(at, resend) : undefined;
    const t = Math.max(net.reliableArrival(vhost(s), vhost(to), bytes + 40, retry), this.lastArrival);
    this.lastArrival = t;
    net.at(t, fn);
  }
}
