// An AF_UNIX stream or seqpacket connection's data path: bytes go straight
// into the peer's receive queue inside the send, as unix_stream_sendmsg
// and unix_seqpacket_sendmsg queue the skb on the peer at once. Flow
// control is the peer's receive buffer plus our send buffer.
import { WOULD_BLOCK } from '../../kernel/file.js';
import type { Carrier } from '../socket/network.js';
import { attachScm, type SendControl } from '../socket/scm.js';
import { gather, type Socket } from '../socket/socket.js';

export class UnixStream implements Carrier {
  private constructor(
    private readonly s: Socket,
    private readonly p: Socket,
  ) {}

  /** Connects a and b to each other (connect's new pair, or socketpair). */
  static pair(a: Socket, b: Socket): void {
    a.peer = b;
    b.peer = a;
    if (a.kind === 'dgram') return;
    a.carrier = new UnixStream(a, b);
    b.carrier = new UnixStream(b, a);
  }

  room(): number {
    const p = this.p;
    const queued = this.s.kind === 'seqpacket' ? p.dqBytes : p.rxBytes;
    return Math.max(0, p.rcvbuf + this.s.sndbuf - queued);
  }

  /** unix_outq_len reports sk_wmem_alloc, in skb truesize units socklab does not model: socket.ts says EOPNOTSUPP first. */
  unsent(): number {
    return 0;
  }

  send(data: Uint8Array[], total: number, _oob: boolean, ctl: SendControl | undefined): number {
    const s = this.s;
    const p = this.p;
    // A zero-length stream send queues nothing; a seqpacket one is a message.
    if (total === 0 && s.kind === 'stream') return 0;
    const room = this.room();
    if (room === 0) return WOULD_BLOCK;
    const n = Math.min(room, total);
    const chunk = gather(data, n);
    if (s.kind === 'seqpacket') {
      if (!p.closed) p.pushDatagram(chunk, s.local ?? { family: 'unnamed' }, attachScm(ctl, true, s.passcred, p.passcred));
    } else if (!p.closed) p.deliver(chunk, false, ctl ? attachScm(ctl, true, s.passcred, p.passcred) : undefined);
    else s.onReset();
    s.notify();
    return n;
  }

  drained(): void {
    this.p.notify();
  }

  /** SHUT_WR: the peer reads EOF once its queue is empty. */
  end(): void {
    this.p.onEof();
  }

  /** unix_release_sock: the peer is shut both ways, with ECONNRESET if we left its data unread. */
  close(unread: boolean): void {
    this.p.onPeerClosed(unread);
  }

  abandon(): void {
    this.p.onPeerClosed(true);
  }

  abort(): void {
    this.p.onPeerClosed(true);
  }
}
