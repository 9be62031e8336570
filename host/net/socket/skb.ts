// What a queued skb costs: Linux charges a socket buffer's truesize (its
// allocation: head, struct sk_buff, shared info, page frags), not its
// payload, against sk_rcvbuf (sk_rmem_alloc) and sk_sndbuf (sk_wmem_alloc).
// The numbers are x86-64's with 4 KiB pages and SLUB, as Linux 6.18 lays
// them out, and were checked on that kernel with getsockopt(SO_MEMINFO)
// after one send of each size (udp, AF_UNIX stream, seqpacket, datagram):
//   - SKB_DATA_ALIGN rounds to 64 (SMP_CACHE_BYTES); struct sk_buff takes
//     256 aligned bytes, struct skb_shared_info 320;
//   - __alloc_skb -> kmalloc_reserve: a head of at most 576 bytes (head +
//     shared info) comes from skb_small_head_cache unless the allocation is
//     memcg-accounted (AF_UNIX sockets allocate with __GFP_ACCOUNT), other
//     heads from kmalloc's size classes (512, 1024, ... 8192) or, past
//     8192, whole pages (PAGE_SIZE << get_order);
//   - truesize = SKB_TRUESIZE(head - shared info) = head + 256, plus each
//     page fragment: the bytes copied in (__ip_append_data) or the whole
//     pages allocated (alloc_skb_with_frags).

const SHINFO = 320;
const SKBUFF = 256;
const SMALL_HEAD = 576;
const PAGE = 4096;
/** SKB_MAX_ALLOC (SKB_MAX_ORDER(0, 2)): the largest head __ip_append_data and unix_dgram_sendmsg keep linear. */
const SKB_MAX_ALLOC = (PAGE << 2) - SHINFO;
/** SKB_MAX_HEAD(0): the largest head of one page. */
const SKB_MAX_HEAD0 = PAGE - SHINFO;
/** UNIX_SKB_FRAGS_SZ: the page fragments of one AF_UNIX stream skb. */
const UNIX_SKB_FRAGS_SZ = 32768;
/** What each allocation adds for the link header: LL_RESERVED_SPACE (16 for Ethernet and loopback) + 15 (__ip_append_data), or + a fragment header (__ip6_append_data). */
const IP_ALLOC_EXTRA = 31;
const IP6_ALLOC_EXTRA = 16 + 8;
/** Loopback's MTU: a larger IPv6 datagram is fragmented, its first skb taking maxfraglen's 65528 bytes less the IPv6 and UDP headers. */
const LOOPBACK_MTU = 65536;
const IP6_FIRST_FRAG = 65528 - 48;

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** truesize of an skb whose linear head is `len` bytes (kmalloc_reserve's rounding). */
function head(len: number, accounted: boolean): number {
  const obj = align(len, 64) + SHINFO;
  let size: number;
  if (obj <= SMALL_HEAD && !accounted) size = SMALL_HEAD;
  else if (obj <= 512) size = 512;
  else if (obj <= 8192) size = 2 ** Math.ceil(Math.log2(obj));
  else size = PAGE * 2 ** Math.ceil(Math.log2(Math.ceil(obj / PAGE)));
  return size + SKBUFF;
}

export type SkbKind = 'ipv4' | 'ipv6' | 'unix-dgram' | 'unix-stream';

/**
 * The truesize of one skb carrying `len` payload bytes:
 * - 'ipv4'/'ipv6': a UDP (or ICMP) datagram as __ip_append_data /
 *   __ip6_append_data build it on the sending host, headers (20 or 40 + 8)
 *   in the head; past SKB_MAX_ALLOC the payload goes to page frags. The
 *   receiver queues the same skb, as loopback hands it over (the virtual
 *   network charges every link's datagrams so: a NIC's receive buffers
 *   differ by driver).
 * - 'unix-dgram': a datagram or seqpacket message (unix_dgram_sendmsg:
 *   past SKB_MAX_ALLOC the rest, page-aligned, in frags).
 * - 'unix-stream': one skb of a stream send, at most unixStreamSkbMax
 *   (unix_stream_sendmsg: past SKB_MAX_HEAD(0) the rest, page-aligned, in
 *   frags).
 */
export function truesize(kind: SkbKind, len: number): number {
  switch (kind) {
    case 'ipv4':
      return ipSkb(len, 20 + 8 + IP_ALLOC_EXTRA);
    case 'ipv6':
      // Past the loopback MTU the datagram is two fragments, reassembled with both truesizes.
      if (len + 48 > LOOPBACK_MTU) return ipSkb(IP6_FIRST_FRAG, 48 + IP6_ALLOC_EXTRA) + ipSkb(len - IP6_FIRST_FRAG, 40 + IP6_ALLOC_EXTRA);
      return ipSkb(len, 48 + IP6_ALLOC_EXTRA);
    case 'unix-dgram': {
      const frags = len > SKB_MAX_ALLOC ? align(Math.min(len - SKB_MAX_ALLOC, 17 * PAGE), PAGE) : 0;
      return head(len - frags, true) + frags;
    }
    case 'unix-stream': {
      // alloc_skb_with_frags charges whole pages: the frags' bytes rounded up to a page.
      const frags = Math.min(len, align(Math.max(0, len - SKB_MAX_HEAD0), PAGE));
      return head(len - frags, true) + align(frags, PAGE);
    }
  }
}

/** One skb of __ip_append_data: `len` bytes after `hdr` bytes of headers and reserve, linear below SKB_MAX_ALLOC, else the data in page frags. */
function ipSkb(len: number, hdr: number): number {
  return len + hdr < SKB_MAX_ALLOC ? head(len + hdr, false) : head(hdr, false) + len;
}

/** The most one AF_UNIX stream skb carries (unix_stream_sendmsg: half the send buffer less 64, "to keep two messages in the pipe"). */
export function unixStreamSkbMax(sndbuf: number): number {
  return Math.min((sndbuf >> 1) - 64, SKB_MAX_HEAD0 + UNIX_SKB_FRAGS_SZ);
}

/**
 * __udp_enqueue_schedule_skb (Linux 6.18): a datagram is dropped when it
 * would take sk_rmem_alloc past sk_rcvbuf, except that an empty queue
 * always takes one ("at least one packet for tiny rcvbuf").
 */
export function udpAccepts(rmem: number, size: number, rcvbuf: number): boolean {
  return rmem + size <= rcvbuf || rmem === 0;
}

/** sock_queue_rcv_skb (raw and ping sockets): dropped once sk_rmem_alloc has reached sk_rcvbuf. */
export function sockQueueAccepts(rmem: number, rcvbuf: number): boolean {
  return rmem < rcvbuf;
}

/**
 * unix_writable: POLLOUT, and unix_write_space's wake, once the skbs in
 * flight (sk_wmem_alloc, whose refcount starts at 1) take at most a quarter
 * of the send buffer.
 */
export function unixWritable(wmem: number, sndbuf: number): boolean {
  return (wmem + 1) * 4 <= sndbuf;
}

/**
 * An AF_UNIX sender's sk_wmem_alloc: the truesize of its skbs not yet
 * freed, per receiver, so that a receiver closing with them queued (its
 * queue purged) gives them back. A stream socket only ever charges its
 * peer, so the first receiver has plain fields (the stream hot path: no Map
 * lookups, little code to compile); other receivers, a datagram socket's,
 * go to a Map.
 */
export class WmemLedger {
  private first: { readonly closed: boolean } | undefined = undefined;
  private firstN = 0;
  private others: Map<{ readonly closed: boolean }, number> | undefined = undefined;
  charge(to: { readonly closed: boolean }, size: number): void {
    if (this.first === to || this.first === undefined) {
      this.first = to;
      this.firstN += size;
    } else {
      const m = (this.others ??= new Map());
      m.set(to, (m.get(to) ?? 0) + size);
    }
  }
  free(to: { readonly closed: boolean }, size: number): void {
    if (this.first === to) {
      this.firstN -= size;
      if (this.firstN <= 0) this.dropFirst();
      return;
    }
    const m = this.others;
    if (!m) return;
    const n = (m.get(to) ?? 0) - size;
    if (n > 0) m.set(to, n);
    else m.delete(to);
  }
  get alloc(): number {
    if (this.first?.closed) this.dropFirst();
    let sum = this.firstN;
    if (this.others) sum += this.othersAlloc(this.others);
    return sum;
  }
  private othersAlloc(m: Map<{ readonly closed: boolean }, number>): number {
    let sum = 0;
    for (const [to, n] of m) {
      if (to.closed) m.delete(to);
      else sum += n;
    }
    return sum;
  }
  /** The first receiver has nothing charged (or closed): the next one charged takes its place. */
  private dropFirst(): void {
    this.first = undefined;
    this.firstN = 0;
    const m = this.others;
    if (!m) return;
    for (const [to, n] of m) {
      m.delete(to);
      if (to.closed) continue;
      this.first = to;
      this.firstN = n;
      break;
    }
    if (m.size === 0) this.others = undefined;
  }
}
