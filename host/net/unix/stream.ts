// An AF_UNIX stream or seqpacket connection's data path: bytes go straight
// into the peer's receive queue inside the send, as unix_stream_sendmsg
// and unix_seqpacket_sendmsg queue the skb on the peer at once. Flow
// control is the sender's: each skb's truesize stays charged to its
// sk_wmem_alloc (Socket.wmem) until the peer has read it all, and a send
// waits while that reaches SO_SNDBUF; the peer's SO_RCVBUF plays no part.
import { E, Errno } from '../../abi/errno.js';
import { WOULD_BLOCK } from '../../kernel/file.js';
import { WAKE_OUT } from '../../kernel/wait.js';
import type { Carrier } from '../socket/network.js';
import { attachScm, type SendControl } from '../socket/scm.js';
import { truesize, unixStreamSkbMax, unixWritable } from '../socket/skb.js';
import { gather, gatherInto, type Socket } from '../socket/socket.js';
import { filterPayload } from '../bpf.js';

/** The most any stream skb carries (unixStreamSkbMax with the largest SO_SNDBUF): a pooled buffer's size. */
const SKB_CAP = unixStreamSkbMax(2 ** 30);
/**
 * Buffers of SKB_CAP bytes whose skbs the reader has finished: a large send
 * copies into one of these instead of a fresh allocation, so the bytes stay
 * in warm memory and the collector sees no per-send garbage (as Linux
 * reuses its page frags). Shared by every connection of the thread and
 * bounded: a default SO_SNDBUF keeps about six skbs in flight.
 */
const pool: Uint8Array[] = [];
const POOL_MAX = 16;

/** truesize('unix-stream', len), remembered: a stream sends the same few skb lengths over and over, and truesize's rounding (log2, pow) cost a tenth of a large send. */
const sizes = new Map<number, number>();
function skbTruesize(len: number): number {
  let size = sizes.get(len);
  if (size === undefined) {
    if (sizes.size >= 1024) sizes.clear();
    size = truesize('unix-stream', len);
    sizes.set(len, size);
  }
  return size;
}

export class UnixStream implements Carrier {
  /** Our stream skbs the peer has not finished reading, oldest first: bytes left unread, truesize, and a pooled buffer holding them. */
  private readonly skbs: { len: number; size: number; buf: Uint8Array | undefined }[] = [];
  /** The unread bytes of skbs (all of the peer's receive queue: only we write to it). */
  private skbBytes = 0;

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

  /**
   * Frees the stream skbs the peer has read (consume_skb -> sock_wfree):
   * whatever left its receive queue came off our oldest skbs. Returns
   * whether one was freed.
   */
  private settle(): boolean {
    if (this.s.kind !== 'stream' || !this.skbs.length) return false;
    const p = this.p;
    // A chunk recv(MSG_OOB) emptied is still queued (consumed, not freed) until a read unlinks it.
    let read = p.closed ? this.skbBytes : this.skbBytes - p.rxBytes - p.oobMarks;
    let freed = false;
    while (read > 0 && this.skbs.length) {
      const b = this.skbs[0]!;
      const k = Math.min(b.len, read);
      b.len -= k;
      read -= k;
      this.skbBytes -= k;
      if (b.len > 0) break;
      this.skbs.shift();
      this.s.wmem.free(p, b.size);
      // Every byte of it left the peer's queue (a closed peer's queue is dropped whole), so nothing refers to the buffer.
      if (b.buf && pool.length < POOL_MAX) pool.push(b.buf);
      freed = true;
    }
    return freed;
  }

  /** Room as unix_poll shows it (POLLOUT): the send buffer at most a quarter taken (unix_writable), else 0. */
  room(): number {
    this.settle();
    const wmem = this.s.wmem.alloc;
    return unixWritable(wmem, this.s.sndbuf) ? this.s.sndbuf - wmem : 0;
  }

  /** SIOCOUTQ (unix_outq_len): sk_wmem_alloc, the truesize of our skbs not yet read. */
  unsent(): number {
    this.settle();
    return this.s.wmem.alloc;
  }

  /**
   * `oob` (MSG_OOB on a stream, CONFIG_AF_UNIX_OOB): all but the last byte
   * go as usual, then the last byte as its own skb that becomes the peer's
   * urgent byte (queue_oob); the caller refuses a zero-length one.
   */
  send(data: Uint8Array[], total: number, oob: boolean, ctl: SendControl | undefined): number {
    this.settle();
    if (this.s.kind === 'seqpacket') return this.sendPacket(data, total, ctl);
    // A zero-length stream send queues nothing.
    if (total === 0) return 0;
    const s = this.s;
    const p = this.p;
    // Nothing to attach (no descriptors, no explicit credentials, neither end with SO_PASSCRED): the skbs carry no ancillary data.
    if (ctl && !ctl.files.length && !ctl.cred && !s.passcred && !p.passcred) ctl = undefined;
    // unix_stream_sendmsg: skbs of at most unixStreamSkbMax bytes, each allocated while
    // sk_wmem_alloc is below SO_SNDBUF; a send that gets none waits (or says EAGAIN).
    const sndbuf = s.sndbuf;
    const max = unixStreamSkbMax(sndbuf);
    const inBand = oob ? total - 1 : total;
    let n = 0;
    let wmem = s.wmem.alloc;
    while (n < inBand && wmem < sndbuf) {
      const len = Math.min(max, inBand - n);
      wmem += skbTruesize(len);
      n += len;
    }
    // The urgent byte's skb too is allocated only below SO_SNDBUF (sock_alloc_send_skb).
    const urgent = oob && n === inBand && wmem < sndbuf;
    if (n === 0 && !urgent) return WOULD_BLOCK;
    if (p.closed) {
      s.onReset();
      return n;
    }
    for (let off = 0; off < n; ) {
      const len = Math.min(max, n - off);
      const size = skbTruesize(len);
      // An skb of more than half a pooled buffer copies into one; a smaller one gets its own copy (no buffer pinned by a few bytes).
      const buf = len * 2 > SKB_CAP ? (pool.pop() ?? new Uint8Array(SKB_CAP)) : undefined;
      const chunk = buf ? gatherInto(buf, data, off, len) : gather(data, len, off);
      this.skbs.push({ len, size, buf });
      this.skbBytes += len;
      s.wmem.charge(p, size);
      // The descriptors ride on the first skb only; credentials on every one (unix_scm_to_skb).
      p.deliver(chunk, false, ctl ? attachScm(ctl, off === 0, s.passcred, p.passcred) : undefined);
      off += len;
    }
    if (urgent) {
      this.sendUrgent(data, inBand, n === 0, ctl);
      n++;
    }
    return n;
  }

  /** The urgent byte (data's byte at `at`) as its own skb; the descriptors ride on it (`withFiles`) when no in-band skb of the call took them. */
  private sendUrgent(data: Uint8Array[], at: number, withFiles: boolean, ctl: SendControl | undefined): void {
    const s = this.s;
    const p = this.p;
    const size = skbTruesize(1);
    this.skbs.push({ len: 1, size, buf: undefined });
    this.skbBytes += 1;
    s.wmem.charge(p, size);
    p.deliverOob(gather(data, 1, at), ctl ? attachScm(ctl, withFiles, s.passcred, p.passcred) : undefined);
  }

  /** unix_dgram_sendmsg on a connected seqpacket socket: one skb, whole or not at all; the peer's queue limit does not apply to a connected pair. */
  private sendPacket(data: Uint8Array[], total: number, ctl: SendControl | undefined): number {
    const s = this.s;
    const p = this.p;
    if (total > s.sndbuf - 32) throw new Errno(E.EMSGSIZE);
    // sock_alloc_send_pskb: waits while sk_wmem_alloc has reached SO_SNDBUF (one skb may pass it).
    if (s.wmem.alloc >= s.sndbuf) return WOULD_BLOCK;
    // The peer's SO_ATTACH_FILTER (unix_dgram_sendmsg's sk_filter): a message it drops is gone, the send succeeds.
    const msg = p.filter ? filterPayload(p.filter, gather(data, total)) : gather(data, total);
    if (msg === undefined) return total;
    const size = truesize('unix-dgram', total);
    if (!p.closed && p.pushDatagram(msg, s.local ?? { family: 'unnamed' }, attachScm(ctl, true, s.passcred, p.passcred), { owner: s, size })) s.wmem.charge(p, size);
    return total;
  }

  /** The reader (our socket) took bytes: the writer's skbs it finished are freed, and unix_write_space wakes it once writable. */
  drained(): void {
    const w = this.p;
    if (w.carrier instanceof UnixStream && w.carrier.settle() && unixWritable(w.wmem.alloc, w.sndbuf)) w.notify(WAKE_OUT);
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
