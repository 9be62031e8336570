// The socket: one state machine for every domain and type, written once.
// Stream (TCP, AF_UNIX stream) and seqpacket sockets are connection-based:
// unbound -> bound -> listening, or -> connecting -> connected ->
// half-closed -> closed (TIME_WAIT for an active TCP close). Datagram
// sockets keep boundaries and a receive queue. Where a connection's bytes go
// and when they arrive is its carrier's business (socket/network.ts:
// virtual/stream.ts, unix/stream.ts, real/stream.ts); this file decides what
// a Linux socket would do with them. Primitives never block: they return
// WOULD_BLOCK and the syscall layer suspends the caller or says EAGAIN.
import { filterPayload } from '../bpf.js';
import { E, Errno } from '../../abi/errno.js';
import { FileType, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLPRI, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM, WOULD_BLOCK, type FileStat, type OpenFile } from '../../kernel/file.js';
import { WAKE_ANY, WAKE_IN, WAKE_OUT, WAKE_STATE, WaitQueue } from '../../kernel/wait.js';
import { isLoopback, isV4Mapped, unmap } from '../addr/ipaddr.js';
import { UNNAMED, anyToLoopback, fmtAddr, isAny, type Addr, type InetAddr, type UnixAddr } from '../addr/sockaddr.js';
import { AF, IPPROTO, LINUX, SOCK } from '../addr/constants.js';
import type { Carrier, HostSocket, Network, SocketHost } from './network.js';
import { runCounter } from '../../kernel/ids.js';
import type { Process } from '../../kernel/process.js';
import { POLL_ERR, POLL_HUP, POLL_IN, POLL_OUT, type FileOwner } from '../../kernel/signals.js';
import { attachScm, dropScm, sameCred, type Cred, type Scm, type SendControl } from './scm.js';
import { WmemLedger, sockQueueAccepts, truesize, udpAccepts, unixWritable } from './skb.js';

export type Kind = 'stream' | 'dgram' | 'seqpacket';
export type State = 'unbound' | 'bound' | 'listening' | 'connecting' | 'connected' | 'closed';

interface Datagram {
  data: Uint8Array;
  from: Addr;
  /** AF_UNIX ancillary data (scm.ts). */
  scm?: Scm;
  /** The skb's truesize charged to the receiver's sk_rmem_alloc (inet datagrams). */
  size?: number;
  /** AF_UNIX: the skb's truesize charged to its sender's sk_wmem_alloc until it is read. */
  charge?: UnixCharge;
  /** An inet datagram's header and arrival, for IP_PKTINFO, IP_RECVTTL, IPV6_RECVPKTINFO and IPV6_RECVHOPLIMIT. */
  info?: PacketInfo;
}

/**
 * A datagram sendmsg's control messages: SOL_IP's (ip_cmsg_send's ipcm_cookie:
 * IP_PKTINFO's source and interface, IP_TTL) or SOL_IPV6's
 * (ip6_datagram_send_ctl: IPV6_PKTINFO's source and interface, IPV6_HOPLIMIT).
 */
export interface IpControl {
  set: boolean;
  /** ipi_spec_dst (dotted) or ipi6_addr (IPv6 text): the source address (undefined: the route's). */
  src: string | undefined;
  /** ipi_ifindex or ipi6_ifindex (0: none named). */
  ifindex: number;
  /** IP_TTL or IPV6_HOPLIMIT for this datagram (0: the socket's). */
  ttl: number;
}

/**
 * What an inet datagram's skb tells recvmsg (ip_cmsg_recv,
 * ip6_datagram_recv_ctl): the interface it came in on, the header's
 * destination (dotted for IPv4, which an IPv6 socket's IPV6_PKTINFO shows
 * v4-mapped; IPv6 text for IPv6) and TTL or hop limit, and for IPv4 the local
 * address a reply would leave from (fib_compute_spec_dst). Shared by every
 * copy of one arrival: never changed once made.
 */
/** An AF_PACKET socket's state (virtual/packet.ts fills it in and does the work). */
export interface PacketBinding {
  /** SOCK_DGRAM: frames without their link-layer header. */
  readonly cooked: boolean;
  /** The protocol it takes, in host order (ETH_P_ALL is 3); 0 takes none. */
  ptype: number;
  /** The interface bound (sll_ifindex), 0 for every one. */
  ifindex: number;
  /** Sends a frame (SOCK_RAW) or a payload (SOCK_DGRAM) to dst (a sockaddr_ll, or the bound interface). */
  send(data: Uint8Array, dst: Addr | undefined): void;
  /** Takes the socket off its host's list. */
  close(): void;
  /** PACKET_AUXDATA: recvmsg adds a struct tpacket_auxdata. */
  auxdata: boolean;
  /** PACKET_IGNORE_OUTGOING: no PACKET_OUTGOING frames. */
  ignoreOutgoing: boolean;
  /** PACKET_STATISTICS since the last read: frames queued (drops included) and dropped for a full queue. */
  stats: { packets: number; drops: number };
  /** PACKET_ADD_MEMBERSHIP's entries (ifindex, type, address), each with its count. */
  memberships: { ifindex: number; type: number; addr: string; count: number }[];
}

/** One classic BPF instruction (struct sock_filter), as host/net/bpf.ts runs it. */
export interface FilterInsn {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

export interface PacketInfo {
  readonly ifindex: number;
  /** ipi_spec_dst: the destination itself for unicast, the interface's address for a broadcast or group. */
  readonly specDst: string;
  /** ipi_addr or ipi6_addr: the header's destination (dotted IPv4, else IPv6 text). */
  readonly dst: string;
  readonly ttl: number;
  /** An AF_PACKET frame's struct tpacket_auxdata (PACKET_AUXDATA): status, length before the filter cut it, length queued, network header offset. */
  readonly aux?: { readonly status: number; readonly len: number; readonly snaplen: number; readonly net: number };
}

/** An AF_UNIX skb's charge against its sender's sk_wmem_alloc (skb.ts). */
export interface UnixCharge {
  owner: Socket;
  size: number;
}

/** Where AF_UNIX paths live: the virtual host's filesystem (host/fs Vfs implements it). */
export interface SocketPathNamespace {
  bindSocket(path: string, obj: unknown): void;
  /** follow false: a symlink at path is not followed (a dangling one exists too): ECONNREFUSED, as any other non-socket. */
  lookupSocket(path: string, follow?: boolean): unknown;
  /** The host socket path behind a guest path inside a mounted host directory, or undefined (for --net=real AF_UNIX sockets). */
  hostSocketPath?(path: string, follow: boolean): HostSocketPath | undefined;
}

/** A guest path in a mounted host directory: opened only when the call starts (host/fs/memfs.ts). */
export interface HostSocketPath {
  readonly readonly: boolean;
  /** A path the host may resolve safely (ENAMETOOLONG, ECONNREFUSED, ENOENT as Errno), valid until release(). */
  open(want: 'bind' | 'connect'): { readonly path: string; release(): void };
}

const nextIno = runCounter(1_000_000n);
/** ping_port_rover: the last echo identifier a ping socket was given, per network. */
const pingRover = new WeakMap<Network, number>();

export class Socket implements OpenFile {
  readonly waitq = new WaitQueue();
  /** [waitq]: what a blocking call on the socket waits on, one array for every such call (Process.block only reads it). */
  readonly waitqs: WaitQueue[] = [this.waitq];
  readonly isSocket = true;
  nonblock = false;
  append = false;
  refs = 0;
  readonly ino = nextIno();
  /** F_SETOWN / O_ASYNC (kernel/signals.ts): who gets SIGURG and SIGIO. */
  fown: FileOwner | undefined = undefined;
  /** SOCKWQ_ASYNC_NOSPACE: a send or poll found no room, so the next write space is worth a SIGIO. */
  private noSpace = false;
  /** A POLL_* reason for SIGIO that the event's caller announces with its wake (established, onError). */
  private asyncReason = 0;

  state: State = 'unbound';
  local: Addr | undefined;
  remote: Addr | undefined;
  peer: Socket | undefined;
  /** Stream bytes received and not yet read. */
  private rx: Uint8Array[] = [];
  rxBytes = 0;
  /** TCP: bytes taken off rx so far (Linux's copied_seq, from 0), skipped urgent bytes included. */
  private copied = 0;
  /**
   * TCP urgent data (tp->urg_data): 'none', 'valid' (the urgent byte is in,
   * recv(MSG_OOB) may take it), 'read' (taken). urgSeq is its position in
   * the copied_seq numbering; the in-band stream skips it unless SO_OOBINLINE.
   */
  urg: 'none' | 'valid' | 'read' = 'none';
  urgSeq = 0;
  private urgByte = 0;
  /**
   * AF_UNIX stream urgent data (CONFIG_AF_UNIX_OOB) is not TCP's: the urgent
   * byte is its own one-byte chunk in rx (u->oob_skb), a newer one makes the
   * older plain data, and recv(MSG_OOB) leaves an empty chunk (a consumed
   * skb) in its place that still ends a read until a read unlinks it.
   */
  private oobSkb: Uint8Array | undefined;
  /** Empty chunks in rx left by recv(MSG_OOB); each still holds its byte of the sender's SO_SNDBUF (UnixStream.settle). */
  oobMarks = 0;
  /** Urgent bytes a read dropped unread: Linux 6.18 leaves them counted in u->inq_len, which FIONREAD reports. */
  private oobDropped = 0;
  /** Datagrams / seqpacket messages received. */
  private dq: Datagram[] = [];
  dqBytes = 0;
  /** Peer sent FIN: reads return 0 once rx is empty. */
  peerEof = false;
  /** We shut down writing (FIN sent). */
  wrShut = false;
  rdShut = false;
  /**
   * The connection is over without our close: a RST arrived (TCP), the peer
   * closed (AF_UNIX), or the connect failed. Both directions are shut, as
   * Linux's tcp_done / unix_release_sock set sk_shutdown = SHUTDOWN_MASK.
   */
  reset = false;
  /** sk_err: reported once, by SO_ERROR or the next call that looks at it. */
  soError = 0;
  /** Linux's socket->state for connect(): a non-blocking connect leaves it 'connecting' until a later call sees the outcome. */
  ss: 'unconnected' | 'connecting' | 'connected' = 'unconnected';
  backlog = 0;
  /** Handshakes under way to this listener (SYN-ACK sent, final ACK not yet in). */
  synRecv = 0;
  acceptq: Socket[] = [];
  /** Connection attempts from AF_UNIX clients waiting for backlog room. */
  readonly backlogWait = new WaitQueue();
  closed = false;

  // options
  reuseaddr = false;
  reuseport = false;
  keepalive = false;
  broadcast = false;
  nodelay = false;
  /** TCP_CORK and the keepalive timings (tcp_keepalive_time/intvl/probes' defaults): kept for getsockopt. */
  cork = false;
  /** TCP_MAXSEG's value (0: none), what getsockopt reports before a connection. */
  usermss = 0;
  keepidle = 7200;
  keepintvl = 75;
  keepcnt = 9;
  /** IP_RECVERR, IPV6_RECVERR: kept for getsockopt (socklab queues no errors). */
  recverr = false;
  recverr6 = false;
  v6only = false;
  oobinline = false;
  /** SO_LINGER; secs is Infinity after a negative l_linger (no limit). */
  linger: { on: number; secs: number } = { on: 0, secs: 0 };
  rcvbuf: number;
  sndbuf: number;
  rcvlowat = 1;
  rcvtimeo = -1;
  sndtimeo = -1;
  /** IP_HDRINCL (raw IPv4) or IPV6_HDRINCL (raw IPv6): the guest sends whole IP packets; on from the start for IPPROTO_RAW. */
  hdrincl = false;
  ttl = 64;
  /** IP_PKTINFO and IP_RECVTTL: recvmsg hands back the datagram's destination and interface, its TTL (ip_cmsg_recv). */
  pktinfo = false;
  recvttl = false;
  /** IPV6_RECVPKTINFO and IPV6_RECVHOPLIMIT (RFC 3542): the same for IPv6 sockets (ip6_datagram_recv_ctl). */
  recvpktinfo6 = false;
  recvhoplimit6 = false;
  /** IPV6_UNICAST_HOPS: an IPv6 datagram's hop limit (-1 the default, 64). */
  hops6 = -1;
  /**
   * The sticky IPV6_PKTINFO's ipi6_ifindex (0: none): the interface an IPv6 datagram leaves by when its
   * sendmsg names none (udpv6_sendmsg's flowi6_oif). Its ipi6_addr is kept by Linux but used by no UDP path.
   */
  pktinfoIf6 = 0;
  /** socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): an unprivileged ping socket; its port is the echo identifier. */
  ping = false;
  /** SOCK_RAW: a datagram socket that sends and receives whole IP packets of one protocol. */
  raw = false;
  /** Set on an AF_PACKET socket. */
  packet: PacketBinding | undefined;
  /** SO_ATTACH_FILTER's classic BPF program (sk_filter), run on each packet the socket would receive. */
  filter: readonly FilterInsn[] | undefined;
  /** SO_LOCK_FILTER: the filter can no longer be changed. */
  filterLocked = false;
  /** ICMP_FILTER (raw IPPROTO_ICMP): bit n set drops arriving ICMP messages of type n (< 32). */
  icmpFilter = 0;
  /** ICMPV6_FILTER (raw IPPROTO_ICMPV6): struct icmp6_filter, 256 bits; a set bit blocks that type. */
  icmp6Filter: Uint8Array | undefined;
  /** IPV6_CHECKSUM as set (raw IPv6): where the kernel writes the checksum into what is sent, -1 for nowhere. */
  checksum6: number | undefined;
  /** UDP_CORK: sends gather into one datagram (udp(7)), sent when it is turned off. */
  udpCork = false;
  /** The corked datagram so far: its destination (the first send's), its pieces. */
  corked: { dst: Addr; ip?: IpControl; parts: Uint8Array[]; total: number } | undefined;
  /** IPV6_CHECKSUM's offset, -1 for none: until set, 2 on a raw ICMPv6 socket (rawv6_init_sk), else none. */
  get csumOffset6(): number {
    return this.checksum6 ?? (this.raw && this.domain === AF.AF_INET6 && this.protocol === IPPROTO.IPPROTO_ICMPV6 ? 2 : -1);
  }
  /** The local port came from autobind (connect/send), not bind(): a failed connect gives it back. */
  autobound = false;
  /** bind() named an address (SOCK_BINDADDR_LOCK) or a port (SOCK_BINDPORT_LOCK): a datagram disconnect keeps them. */
  bindAddrLock = false;
  bindPortLock = false;
  /**
   * A listener's SHUT_RD gave back a port bind() did not name (tcp_set_state(TCP_CLOSE) -> inet_put_port: inet_num is 0),
   * while getsockname still shows it (inet_sport stays): the next listen, connect or bind takes a port afresh.
   */
  portReleased = false;
  /** A connected stream or seqpacket socket's data path (undefined for datagram sockets and before a connection). */
  carrier: Carrier | undefined;
  /** Set when the socket lives on the real network (--net=real): its host socket there (for a stream, also its carrier). */
  real: HostSocket | undefined;

  constructor(
    readonly net: Network,
    readonly host: SocketHost,
    readonly fs: SocketPathNamespace | undefined,
    readonly domain: number,
    readonly kind: Kind,
    readonly protocol: number,
  ) {
    const tcp = domain !== AF.AF_UNIX && kind === 'stream';
    this.rcvbuf = tcp ? LINUX.tcpRmemDefault : LINUX.rmemDefault;
    this.sndbuf = tcp ? LINUX.tcpWmemDefault : LINUX.wmemDefault;
  }

  /**
   * The socket accept() returns for a connection to listener `l`, built here
   * for every network: connected. A TCP one is a clone of the listener
   * (inet_csk_clone_lock copies the whole struct sock and inet_sock), so it
   * has the listener's options: timeouts, buffer sizes, SO_KEEPALIVE,
   * SO_LINGER, SO_OOBINLINE, SO_RCVLOWAT, IP_TTL, TCP_NODELAY...; an AF_UNIX
   * one is a new socket (unix_create1 in unix_stream_connect) with the
   * defaults.
   */
  static accepted(l: Socket, local: Addr, remote: Addr): Socket {
    const c = new Socket(l.net, l.host, l.fs, l.domain, l.kind, l.protocol);
    c.local = local;
    c.remote = remote;
    c.state = 'connected';
    c.ss = 'connected';
    if (l.domain !== AF.AF_UNIX) {
      c.rcvbuf = l.rcvbuf;
      c.sndbuf = l.sndbuf;
      c.nodelay = l.nodelay;
      c.cork = l.cork;
      c.usermss = l.usermss;
      c.keepidle = l.keepidle;
      c.keepintvl = l.keepintvl;
      c.keepcnt = l.keepcnt;
      c.recverr = l.recverr;
      c.recverr6 = l.recverr6;
      c.rcvtimeo = l.rcvtimeo;
      c.sndtimeo = l.sndtimeo;
      c.keepalive = l.keepalive;
      c.linger = { ...l.linger };
      c.oobinline = l.oobinline;
      c.broadcast = l.broadcast;
      c.rcvlowat = l.rcvlowat;
      c.reuseaddr = l.reuseaddr;
      c.reuseport = l.reuseport;
      c.v6only = l.v6only;
      c.ttl = l.ttl;
      // tcp_v6_syn_recv_sock copies the listener's ipv6_pinfo: its hop limit and rxopt bits.
      c.hops6 = l.hops6;
      c.recvpktinfo6 = l.recvpktinfo6;
      c.recvhoplimit6 = l.recvhoplimit6;
    }
    return c;
  }

  /** The socket lives on the real network from now on (undefined: no longer); a stream's host socket is its carrier too. */
  useReal(h: (HostSocket & Partial<Carrier>) | undefined): void {
    this.real = h;
    this.carrier = h && this.kind !== 'dgram' ? (h as HostSocket & Carrier) : undefined;
  }

  hostSync(p: Process): number | undefined {
    return this.real?.sync(p);
  }

  /** RCV_SHUTDOWN: nothing more will arrive. */
  get rcvShut(): boolean {
    return this.peerEof || this.rdShut || this.reset;
  }
  /** SEND_SHUTDOWN: nothing more may be sent. */
  get sndShut(): boolean {
    return this.wrShut || this.reset;
  }
  /** Reports (and clears) sk_err, as sock_error() does. */
  takeError(): number {
    const e = this.soError;
    this.soError = 0;
    return e;
  }

  get isUnix(): boolean {
    return this.domain === AF.AF_UNIX;
  }
  get connectionBased(): boolean {
    return this.kind !== 'dgram';
  }
  /** Port-table protocol name. */
  get proto(): string {
    return this.kind === 'stream' ? 'tcp' : this.ping ? 'icmp' : 'udp';
  }
  get type(): number {
    if (this.packet) return this.packet.cooked ? SOCK.SOCK_DGRAM : SOCK.SOCK_RAW;
    if (this.raw) return SOCK.SOCK_RAW;
    return this.kind === 'stream' ? SOCK.SOCK_STREAM : this.kind === 'dgram' ? SOCK.SOCK_DGRAM : SOCK.SOCK_SEQPACKET;
  }
  get filetype(): FileType {
    return this.kind === 'dgram' ? FileType.SocketDgram : FileType.SocketStream;
  }

  /**
   * strace -yy's view: TCP:[10.0.0.1:7000->10.0.0.2:40000]; AF_UNIX as
   * Linux's sock_diag gives it, the protocol's name (UNIX-STREAM, UNIX for
   * datagram and seqpacket sockets), the inode, the peer's, the bound name:
   * UNIX-STREAM:[12->11,"/tmp/s"].
   */
  describe(): string {
    if (this.isUnix) {
      const peer = this.peer ? `->${this.peer.ino}` : '';
      const l = this.local?.family === 'unix' ? this.local : undefined;
      const path = l ? `,${l.abstract ? '@' : ''}${JSON.stringify(l.path)}` : '';
      return `${this.kind === 'stream' ? 'UNIX-STREAM' : 'UNIX'}:[${this.ino}${peer}${path}]`;
    }
    // strace -yy knows no packet sockets' details (sock_diag has none for it): the inode only.
    if (this.packet) return `socket:[${this.ino}]`;
    const v6 = this.domain === AF.AF_INET6;
    const name = `${this.raw ? 'RAW' : this.ping ? 'PING' : this.kind === 'stream' ? 'TCP' : 'UDP'}${v6 ? 'v6' : ''}`;
    // Unnamed sockets show their inode number, as strace -yy does.
    const l = this.local && this.local.family !== 'unnamed' ? fmtAddr(this.local) : String(this.ino);
    const r = this.remote && this.remote.family !== 'unnamed' ? fmtAddr(this.remote) : '';
    return `${name}:[${l}${r ? `->${r}` : ''}]`;
  }

  timeoutNs(dir: 'read' | 'write'): number {
    return dir === 'read' ? this.rcvtimeo : this.sndtimeo;
  }

  /** Wake whoever waits on this socket (readers, writers, pollers); `key` says what about (WaitQueue.wake). */
  notify(key: number = WAKE_ANY): void {
    this.waitq.wake(key);
    if (this.fown !== undefined && this.fown.asyncFd >= 0) this.wakeAsync(key);
  }

  /**
   * sock_wake_async for an O_ASYNC socket: data or a connection arrived
   * (sk_data_ready: POLL_IN), room opened after a send found none
   * (SOCK_WAKE_SPACE: POLL_OUT), a connect completed (tcp_finish_connect:
   * POLL_OUT), an error arrived (sk_error_report: POLL_ERR); the FIN, RST
   * and AF_UNIX hang-up paths call asyncEvent themselves.
   */
  private wakeAsync(key: number): void {
    let reason = 0;
    if (key === WAKE_IN) reason = POLL_IN;
    else if (key === WAKE_OUT) {
      if (!this.noSpace || this.sndShut) return;
      this.noSpace = false;
      reason = POLL_OUT;
    } else if (key === WAKE_ANY || key === WAKE_STATE) {
      reason = this.asyncReason || (key === WAKE_ANY && this.state === 'listening' && this.acceptq.length > 0 ? POLL_IN : 0);
      this.asyncReason = 0;
    }
    if (reason) this.fown!.sendSigio(reason);
  }

  /** An event the owner hears of with O_ASYNC (sk_wake_async). */
  private asyncEvent(reason: number): void {
    if (this.fown !== undefined && this.fown.asyncFd >= 0) this.fown.sendSigio(reason);
  }

  // ---------------- readiness ----------------

  /** Readiness as tcp_poll / unix_poll / datagram_poll compute it (POLLPRI: urgent data not yet taken). */
  poll(): number {
    const m = this.pollBits();
    // As in every Linux socket poll: readable is EPOLLIN|EPOLLRDNORM, writable EPOLLOUT|EPOLLWRNORM, and
    // EPOLLWRBAND too for datagram and AF_UNIX sockets (datagram_poll, unix_poll); tcp_poll leaves it out.
    return m | (m & POLLIN ? POLLRDNORM : 0) | (m & POLLOUT ? POLLWRNORM | (this.kind === 'dgram' || this.isUnix ? POLLWRBAND : 0) : 0);
  }

  private pollBits(): number {
    if (this.state === 'listening') return this.acceptq.length ? POLLIN : 0;
    let m = this.soError ? POLLERR : 0;
    const rcv = this.rcvShut;
    if (rcv) m |= POLLIN | POLLRDHUP;
    if (rcv && this.sndShut) m |= POLLHUP;
    if (this.kind === 'dgram') {
      if (this.dq.length) m |= POLLIN;
      if (this.writableRoom() > 0) m |= POLLOUT;
      return m;
    }
    // A connection-based socket with no connection (TCP_CLOSE) is hung up.
    const connected = this.state === 'connected';
    if (!connected && this.state !== 'connecting') m |= POLLHUP;
    if (this.state === 'connecting') return m;
    // tcp_poll: at an urgent mark the stream skips, one readable byte is not enough.
    // unix_poll: any skb queued, an urgent or consumed one included.
    // tcp_poll: readable from SO_RCVLOWAT bytes on (unix_poll ignores the mark).
    if (this.kind === 'seqpacket' ? this.dq.length > 0 : this.isUnix ? this.rx.length > 0 : this.rxBytes >= this.rcvlowat + (this.atUrgentMark() && !this.oobinline ? 1 : 0)) m |= POLLIN;
    if (this.sndShut || !connected || this.writableRoom() > 0) m |= POLLOUT;
    else if (this.fown !== undefined) this.noSpace = true; // tcp_poll, unix_poll: SOCKWQ_ASYNC_NOSPACE
    if (this.urg === 'valid' || this.oobSkb) m |= POLLPRI;
    return m;
  }

  /** Bytes a send could queue now toward the peer. */
  writableRoom(): number {
    if (this.kind === 'dgram') {
      if (this.real) return this.real.room();
      if (this.isUnix) {
        // unix_dgram_poll: writable while our skbs in flight take at most a quarter of SO_SNDBUF.
        if (!unixWritable(this.wmem.alloc, this.sndbuf)) return 0;
        const p = this.peer;
        return p && !p.closed && p.unixQueueFull(this) ? 0 : 1;
      }
      return 1;
    }
    return this.carrier ? this.carrier.room() : 0;
  }

  // ---------------- ioctl ----------------

  /** SIOCINQ/FIONREAD as tcp_ioctl, udp_ioctl and unix_inq_len answer: stream bytes queued, a datagram socket's next datagram (0 with none). */
  inq(): number {
    if (this.state === 'listening') throw new Errno(E.EINVAL);
    if (this.kind === 'stream') {
      if (this.isUnix) return this.rxBytes + this.oobDropped;
      // tcp_inq: with an urgent byte ahead and not inline, only the bytes up to the mark.
      if (this.urg !== 'none' && !this.oobinline && this.urgSeq >= this.copied && this.urgSeq < this.copied + this.rxBytes) return this.urgSeq - this.copied;
      return this.rxBytes;
    }
    if (this.kind === 'seqpacket') return this.dqBytes;
    return this.dq[0]?.data.length ?? 0;
  }

  /**
   * SIOCOUTQ/TIOCOUTQ: TCP's bytes sent and not yet acknowledged; a datagram
   * has left at once on the virtual network; AF_UNIX says sk_wmem_alloc
   * (unix_outq_len), the truesize of its skbs not yet read, listener or not.
   */
  outq(): number {
    if (this.isUnix && !this.real) return this.carrier ? this.carrier.unsent() : this.wmem.alloc;
    if (this.state === 'listening') throw new Errno(E.EINVAL);
    if (this.kind !== 'stream') return this.real ? this.real.unsent() : 0;
    return this.carrier ? this.carrier.unsent() : 0;
  }

  /**
   * SIOCATMARK: 1 when the next byte read is the urgent mark (tcp_ioctl).
   * unix_ioctl: the first skb is the urgent one, or a consumed one with no
   * urgent byte or the urgent one right behind it; EOPNOTSUPP off streams.
   */
  atMark(): number {
    if (this.isUnix) {
      if (this.kind !== 'stream') throw new Errno(E.EOPNOTSUPP);
      const h = this.rx[0];
      return h && (h === this.oobSkb || (h.length === 0 && (!this.oobSkb || this.rx[1] === this.oobSkb))) ? 1 : 0;
    }
    if (this.kind !== 'stream') throw new Errno(E.ENOTTY);
    return this.atUrgentMark() ? 1 : 0;
  }

  private atUrgentMark(): boolean {
    return this.urg !== 'none' && this.urgSeq === this.copied;
  }

  // ---------------- urgent data (TCP) ----------------

  /**
   * A segment whose last byte is urgent reaches us, before its bytes join
   * rx (tcp_urg -> tcp_check_urg): a newer urgent byte replaces the mark;
   * an old urgent byte the reader stands on, not inline, is dropped so it
   * is not read as data.
   */
  private urgentArrives(chunk: Uint8Array): void {
    const seq = this.copied + this.rxBytes + chunk.length - 1;
    if (this.urg !== 'none' && seq <= this.urgSeq) return;
    if (this.atUrgentMark() && !this.oobinline && this.rxBytes > 0) this.dropRx(1);
    this.urgSeq = seq;
    this.urgByte = chunk[chunk.length - 1]!;
    this.urg = 'valid';
    // tcp_check_urg: a new urgent pointer, told to the owner (sk_send_sigurg).
    this.fown?.sendSigurg();
  }

  /** Takes k queued bytes off the front of rx without reading them. */
  private dropRx(k: number): void {
    this.copied += k;
    this.rxBytes -= k;
    while (k > 0 && this.rx.length) {
      const c = this.rx[0]!;
      if (c.length <= k) {
        k -= c.length;
        this.rx.shift();
      } else {
        this.rx[0] = c.subarray(k);
        k = 0;
      }
    }
  }

  /**
   * recv(MSG_OOB) on TCP (tcp_recv_urg): the urgent byte, once; EINVAL with
   * none, after it was taken, or with SO_OOBINLINE; never blocks. A zero-
   * length buffer takes it too and says MSG_TRUNC. Real sockets never see
   * urgent data (node:net cannot carry it), so there it is always EINVAL.
   */
  recvUrgent(iovs: Uint8Array[], peek: boolean): { n: number; truncated: boolean } {
    if (this.state === 'listening') throw new Errno(E.ENOTCONN);
    if (this.oobinline || this.urg !== 'valid') throw new Errno(E.EINVAL);
    if (!peek) this.urg = 'read';
    const v = iovs.find((x) => x.length > 0);
    if (!v) return { n: 0, truncated: true };
    v[0] = this.urgByte;
    return { n: 1, truncated: false };
  }

  /**
   * recv(MSG_OOB) on an AF_UNIX stream (unix_stream_recv_urg): the urgent
   * byte, once; EINVAL with none or with SO_OOBINLINE; never blocks. Its
   * chunk stays queued, empty, and a zero-length buffer takes it too.
   */
  recvUrgentUnix(iovs: Uint8Array[], peek: boolean): number {
    if (this.state !== 'connected' || this.oobinline || !this.oobSkb) throw new Errno(E.EINVAL);
    const c = this.oobSkb;
    const v = iovs.find((x) => x.length > 0);
    if (v) v[0] = c[0]!;
    if (!peek) {
      this.oobSkb = undefined;
      const mark = new Uint8Array(0);
      this.rx[this.rx.indexOf(c)] = mark;
      this.rxBytes--;
      this.oobMarks++;
      const scm = this.rxScm?.get(c);
      if (scm) {
        this.rxScm!.delete(c);
        this.rxScm!.set(mark, scm);
      }
    }
    return 1;
  }

  /**
   * tcp_recvmsg's reading with an urgent mark ahead: a read stops before the
   * mark once it has bytes; at the mark the urgent byte is skipped (or, with
   * SO_OOBINLINE, read as data); past it the mark is gone.
   */
  private recvAroundMark(iovs: Uint8Array[], peek: boolean, want: number): number {
    const flat = gather(this.rx, this.rxBytes);
    const out = new Uint8Array(Math.min(want, flat.length));
    let off = 0;
    let n = 0;
    while (off < flat.length && n < out.length) {
      const at = this.copied + off;
      if (at === this.urgSeq) {
        if (n > 0) break;
        if (!this.oobinline) {
          off++;
          continue;
        }
        out[n++] = flat[off++]!;
        continue;
      }
      const lim = this.urgSeq > at ? Math.min(flat.length - off, this.urgSeq - at) : flat.length - off;
      const k = Math.min(lim, out.length - n);
      out.set(flat.subarray(off, off + k), n);
      n += k;
      off += k;
    }
    if (!peek) {
      this.dropRx(off);
      if (this.copied > this.urgSeq) this.urg = 'none';
    }
    let o = 0;
    for (const v of iovs) {
      if (o >= n) break;
      const k = Math.min(v.length, n - o);
      v.set(out.subarray(o, o + k));
      o += k;
    }
    return n;
  }

  // ---------------- stream data ----------------

  /** Queues bytes toward the peer; returns how many were taken (short when buffers are full). */
  sendStream(data: Uint8Array[], total: number, ctl?: SendControl, oob = false): number {
    if (this.isUnix && !this.real) {
      // unix_stream_sendmsg / unix_seqpacket_sendmsg: not connected is ENOTCONN; a shut or gone peer EPIPE.
      if (this.state !== 'connected') throw new Errno(E.ENOTCONN);
      if (this.sndShut || !this.peer || this.peer.closed || this.peer.rdShut) throw new Errno(E.EPIPE);
    } else if (this.state === 'connecting') {
      // sk_stream_wait_connect: a pending error, else wait for the handshake.
      if (this.soError) throw new Errno(this.takeError());
      return WOULD_BLOCK;
    } else if (this.state !== 'connected' || this.sndShut || this.soError) {
      // tcp_sendmsg -> sk_stream_error: the pending error if any, else EPIPE.
      throw new Errno(this.takeError() || E.EPIPE);
    }
    const n = this.carrier!.send(data, total, oob, ctl);
    // sk_stream_wait_memory: the sender waits for room, so the room's return is signalled.
    if (n !== total && this.fown !== undefined) this.noSpace = true;
    return n;
  }

  /** Reads stream bytes; 0 at EOF; WOULD_BLOCK when there is nothing yet. */
  recvStream(iovs: Uint8Array[], peek: boolean, waitall: boolean, got?: ScmReceived): number {
    // A connected stream with plain bytes queued (every read of a bulk transfer) takes the short path; anything
    // else the whole one, out of line: the function V8 compiles for the data path stays small.
    if (this.kind !== 'stream' || this.state !== 'connected' || this.oobSkb || this.oobMarks || this.rxScm || (this.urg !== 'none' && !this.isUnix)) return this.recvStreamAny(iovs, peek, waitall, got);
    let want = 0;
    for (let i = 0; i < iovs.length; i++) want += iovs[i]!.length;
    if (want === 0) return this.rxBytes > 0 ? 0 : this.nothingToRead();
    if (this.rxBytes === 0) return this.nothingToRead();
    if (waitall && this.rxBytes < want && !this.rcvShut && !peek) return WOULD_BLOCK;
    return this.copyOut(iovs, peek);
  }

  /** recvStream for any socket state and queue (urgent data, ancillary data, seqpacket). */
  private recvStreamAny(iovs: Uint8Array[], peek: boolean, waitall: boolean, got?: ScmReceived): number {
    if (this.kind === 'seqpacket') {
      const r = this.recvMessage(iovs, peek);
      if (got) got.scm = r.scm;
      else if (!peek) dropScm(r.scm);
      return r.n;
    }
    if (this.state !== 'connected') {
      if (this.state === 'connecting') return WOULD_BLOCK;
      // unix_stream_recvmsg says EINVAL where tcp_recvmsg says ENOTCONN.
      if (this.isUnix) throw new Errno(E.EINVAL);
      // tcp_recvmsg on TCP_CLOSE: a failed connect's sk_err first, then 0 (tcp_done shut both directions); a socket never connected, ENOTCONN.
      if (this.state !== 'listening') {
        if (this.soError) throw new Errno(this.takeError());
        if (this.reset) return 0;
      }
      throw new Errno(E.ENOTCONN);
    }
    let want = 0;
    for (let i = 0; i < iovs.length; i++) want += iovs[i]!.length;
    // recv of 0 bytes (tcp_recvmsg, unix_stream_read_generic: the low-water mark is still 1): 0 with data
    // queued, else what an empty queue says (EAGAIN, a wait, EOF). read() of 0 is 0 before (fdRead).
    if (want === 0) return this.rxBytes > 0 ? 0 : this.nothingToRead();
    if (this.oobSkb || this.oobMarks) {
      // The read may skip, drop or unlink urgent chunks and find nothing else.
      const n = this.recvUnixStream(iovs, peek, got);
      return n > 0 ? n : this.nothingToRead();
    }
    if (this.rxBytes === 0) return this.nothingToRead();
    if (waitall && this.rxBytes < want && !this.rcvShut && !peek) return WOULD_BLOCK;
    if (this.rxScm) return this.recvUnixStream(iovs, peek, got);
    if (this.urg !== 'none' && !this.isUnix) {
      const taken = this.recvAroundMark(iovs, peek, want);
      if (!peek) this.carrier?.drained();
      // Only the skipped urgent byte was there: nothing to return yet.
      if (taken === 0) return this.rcvShut ? 0 : WOULD_BLOCK;
      return taken;
    }
    return this.copyOut(iovs, peek);
  }

  /** Copies queued chunks into iovs, and unless peeking takes them off the queue: the bytes copied. */
  private copyOut(iovs: Uint8Array[], peek: boolean): number {
    let n = 0;
    let ci = 0;
    let co = 0;
    for (const v of iovs) {
      let o = 0;
      while (o < v.length && ci < this.rx.length) {
        const c = this.rx[ci]!;
        const k = Math.min(c.length - co, v.length - o);
        // A whole chunk (a ping-pong's every read) is copied without a subarray made for it.
        if (co === 0 && k === c.length) v.set(c, o);
        else v.set(c.subarray(co, co + k), o);
        o += k;
        co += k;
        if (co === c.length) { ci++; co = 0; }
      }
      n += o;
      if (o < v.length) break;
    }
    if (!peek) {
      // shift, not splice: splice would allocate an array of the chunks taken on every read.
      for (; ci > 0; ci--) this.rx.shift();
      if (co && this.rx.length) this.rx[0] = this.rx[0]!.subarray(co);
      this.rxBytes -= n;
      this.copied += n;
      // Room opened in our receive buffer: the peer's blocked writers may go on.
      this.carrier?.drained();
    }
    return n;
  }

  /** A stream read found no bytes: 0 at EOF, a pending error, or WOULD_BLOCK. */
  private nothingToRead(): number {
    // tcp_recvmsg: a FIN already read (SOCK_DONE) is EOF before any error;
    // AF_UNIX reports a pending error first.
    if (this.peerEof && !this.isUnix) return 0;
    if (this.soError) throw new Errno(this.takeError());
    if (this.rcvShut) return 0;
    return WOULD_BLOCK;
  }

  /** An AF_UNIX urgent byte arrived (queue_oob): its own chunk, now the urgent one; an older urgent byte becomes plain data. */
  deliverOob(chunk: Uint8Array, scm?: Scm): void {
    if (this.closed) return;
    this.oobSkb = chunk;
    this.rx.push(chunk);
    this.rxBytes += chunk.length;
    if (scm) this.queueScm(chunk, scm);
    // queue_oob: SIGURG before sk_data_ready's SIGIO.
    this.fown?.sendSigurg();
    this.notify(WAKE_IN);
  }

  /**
   * Stream bytes arrived from the peer (`urgent`: the last one is TCP urgent
   * data; `scm`: AF_UNIX ancillary data riding on them). Bytes arriving
   * after SHUT_RD are still queued, as Linux queues and acknowledges them.
   */
  deliver(chunk: Uint8Array, urgent = false, scm?: Scm): void {
    if (this.closed) return;
    if (urgent) this.urgentArrives(chunk);
    this.rx.push(chunk);
    this.rxBytes += chunk.length;
    if (scm) this.queueScm(chunk, scm);
    this.notify(WAKE_IN);
  }

  /** The network bound the socket, at `local` when it chose the address (the real network learns the port from Node). */
  boundTo(local?: Addr): void {
    if (local) this.local = local;
    if (this.state === 'unbound') this.state = 'bound';
  }

  /** A connection attempt to `remote` is under way (the network's handshake runs). */
  connecting(remote: Addr): void {
    this.remote = remote;
    this.state = 'connecting';
  }

  /** The handshake completed: connected, from `local` when the network chose the address. The caller wakes the waiters. */
  established(local?: Addr): void {
    if (local) this.local = local;
    this.state = 'connected';
    if (this.fown !== undefined && this.fown.asyncFd >= 0) this.asyncReason = POLL_OUT;
  }

  /** An asynchronous error (ICMP, a failed send, a broken connection): sk_err; `fatal` also shuts both directions. The caller wakes the waiters. */
  onError(errno: number, fatal: boolean): void {
    this.soError = errno;
    if (fatal) this.reset = true;
    if (this.fown !== undefined && this.fown.asyncFd >= 0) this.asyncReason = POLL_ERR;
  }

  /**
   * A connect attempt failed (RST, timeout, unreachable): TCP_CLOSE with both
   * directions shut and sk_err set, as tcp_done leaves it.
   */
  connectFailed(errno: number): void {
    if (this.closed || this.state !== 'connecting') return;
    this.state = 'bound';
    this.remote = undefined;
    this.reset = true;
    if (this.autobound || (this.real && !this.isUnix)) {
      // Linux releases a port the failed connect picked (inet_put_port on TCP_CLOSE).
      if (!this.real) this.net.removeBinding(this.host, 'tcp', (this.local as InetAddr).port, this);
      this.local = undefined;
      this.autobound = false;
      this.state = 'unbound';
    }
    this.soError = errno;
    if (this.fown !== undefined && this.fown.asyncFd >= 0) this.asyncReason = POLL_ERR;
    this.notify();
  }

  // ---------------- datagrams / messages ----------------

  pushDatagram(data: Uint8Array, from: Addr, scm?: Scm, charge?: UnixCharge, info?: PacketInfo): boolean {
    if (!this.queueDatagram(data, from, scm, charge, info)) {
      dropScm(scm);
      return false;
    }
    return true;
  }

  private queueDatagram(data: Uint8Array, from: Addr, scm: Scm | undefined, charge: UnixCharge | undefined, info: PacketInfo | undefined): boolean {
    // UDP and raw sockets still queue datagrams after SHUT_RD (reads return them, then 0); AF_UNIX refuses them.
    if (this.closed || (this.rdShut && this.isUnix)) return false;
    // Inet datagrams count their skb's truesize against SO_RCVBUF (sk_rmem_alloc), by the rule of the protocol's queueing.
    let size = 0;
    if (this.kind === 'dgram' && !this.isUnix) {
      const v6 = from.family === 6 && !from.ip.startsWith('::ffff:');
      size = truesize(v6 ? 'ipv6' : 'ipv4', data.length);
      if (this.raw || this.ping || this.packet ? !sockQueueAccepts(this.rmem, this.rcvbuf) : !udpAccepts(this.rmem, size, this.rcvbuf)) {
        this.net.drops++;
        return false;
      }
    }
    // A connected datagram socket takes datagrams only from its peer.
    if (this.kind === 'dgram' && this.remote && !sameAddr(this.remote, from)) return false;
    const d: Datagram = scm ? { data, from, scm } : { data, from };
    if (size) d.size = size;
    if (charge) d.charge = charge;
    if (info) d.info = info;
    this.dq.push(d);
    this.dqBytes += data.length;
    this.rmem += size;
    this.notify(WAKE_IN);
    return true;
  }

  /** sk_rmem_alloc of an inet datagram socket: the truesize of the queued datagrams (skb.ts). */
  private rmem = 0;

  /** Pops (or peeks) one message into iovs; a popped message's ancillary data is the caller's to install or drop. */
  recvMessage(iovs: Uint8Array[], peek: boolean, canWait = true): { n: number; full: number; from: Addr; truncated: boolean; scm?: Scm; info?: PacketInfo } {
    const d = this.dq[0];
    if (!d) {
      if (this.kind === 'seqpacket') {
        if (this.state !== 'connected') throw new Errno(E.ENOTCONN);
        if (this.soError) throw new Errno(this.takeError());
        if (this.rcvShut) return { n: 0, full: 0, from: UNNAMED, truncated: false };
      }
      // A datagram socket after SHUT_RD: a call that may wait returns 0 (__skb_wait_for_more_packets
      // sees the shutdown); a non-blocking one still says EAGAIN.
      if (this.kind === 'dgram' && this.rcvShut && canWait) return { n: 0, full: 0, from: UNNAMED, truncated: false };
      return { n: WOULD_BLOCK, full: 0, from: { family: 'unnamed' }, truncated: false };
    }
    let n = 0;
    for (const v of iovs) {
      const k = Math.min(v.length, d.data.length - n);
      v.set(d.data.subarray(n, n + k));
      n += k;
      if (n === d.data.length) break;
    }
    if (!peek) {
      this.dq.shift();
      this.dqBytes -= d.data.length;
      this.rmem -= d.size ?? 0;
      // unix_dgram_recvmsg: room in our queue for the peer and for senders waiting on it (peer_wait, with EPOLLOUT);
      // the skb's sender gets its truesize back (sock_wfree), and unix_write_space's wake once writable.
      const c = d.charge;
      if (c) {
        c.owner.wmem.free(this, c.size);
        if (unixWritable(c.owner.wmem.alloc, c.owner.sndbuf)) c.owner.notify(WAKE_OUT);
      }
      if (this.peer && this.peer !== c?.owner) this.peer.notify(WAKE_OUT);
      for (const w of this.senders) w.notify(WAKE_OUT);
    }
    return { n, full: d.data.length, from: d.from, truncated: n < d.data.length, scm: d.scm, info: d.info };
  }

  /**
   * unix_dgram_disconnected: our association with `other` is over (it died, or we connect elsewhere): what we had
   * queued is dropped, and a live `other` connected back to us learns of the lost messages (ECONNRESET).
   */
  unixDgramDisconnected(other: Socket): void {
    if (!this.dq.length) return;
    for (const d of this.dq) {
      dropScm(d.scm);
      const c = d.charge;
      if (c) {
        c.owner.wmem.free(this, c.size);
        if (unixWritable(c.owner.wmem.alloc, c.owner.sndbuf)) c.owner.notify(WAKE_OUT);
      }
    }
    this.dq = [];
    this.dqBytes = 0;
    for (const w of this.senders) w.notify(WAKE_OUT);
    if (!other.closed && other.peer === this) {
      other.soError = E.ECONNRESET;
      other.notify();
    }
  }

  /** AF_UNIX datagram senders blocked on our full queue. */
  readonly senders = new Set<Socket>();
  /** AF_UNIX sk_wmem_alloc: the truesize of our skbs the receivers have not read (skb.ts). */
  readonly wmem = new WmemLedger();

  // ---------------- AF_UNIX ancillary data (scm.ts) ----------------

  /** SO_PASSCRED: received messages carry their sender's credentials. */
  passcred = false;
  /** SO_PEERCRED: set by listen (our own), connect (the listener's), accept (the client's) and socketpair (the creator's). */
  peercred: Cred | undefined;
  /** Stream chunks queued with ancillary data; undefined while none is. */
  private rxScm: Map<Uint8Array, Scm> | undefined;

  /** Ancillary data for a stream chunk just queued. */
  private queueScm(chunk: Uint8Array, scm: Scm): void {
    (this.rxScm ??= new Map()).set(chunk, scm);
  }

  /** The descriptions still in flight in our queues go back (the socket closed with them unread). */
  private dropQueuedScm(): void {
    if (this.rxScm) for (const scm of this.rxScm.values()) dropScm(scm);
    this.rxScm = undefined;
    for (const d of this.dq) dropScm(d.scm);
  }

  /**
   * An AF_UNIX stream read chunk by chunk (skb by skb), as
   * unix_stream_read_generic, while chunks carry ancillary data or urgent
   * chunks are queued: the read stops after the first chunk with descriptors
   * (which it takes, or with MSG_PEEK only looks at), with SO_PASSCRED before
   * a chunk whose credentials differ from the first one's, and before an
   * urgent or consumed urgent chunk once it has bytes (manage_oob). At the
   * start of a read a consumed chunk is unlinked (peek: passed); the urgent
   * byte is dropped (peek: passed) unless SO_OOBINLINE reads it as data.
   */
  private recvUnixStream(iovs: Uint8Array[], peek: boolean, got: ScmReceived | undefined): number {
    const map = this.rxScm;
    let n = 0;
    let vi = 0;
    let vo = 0;
    let ci = 0;
    let cred: Cred | undefined;
    let files: OpenFile[] | undefined;
    while (vi < iovs.length) {
      const c = peek ? this.rx[ci] : this.rx[0];
      if (!c) break;
      if (c.length === 0) {
        // A consumed urgent chunk: it ends a read unless a newer urgent byte is queued.
        if (n > 0 && !this.oobSkb) break;
        if (peek) ci++;
        else this.unlinkHead(c);
        continue;
      }
      if (c === this.oobSkb) {
        if (n > 0) break;
        if (!this.oobinline) {
          if (peek) ci++;
          else {
            this.oobSkb = undefined;
            this.unlinkHead(c);
            this.rxBytes -= 1;
            this.oobDropped++;
          }
          continue;
        }
        if (!peek) this.oobSkb = undefined;
      }
      const scm = map?.get(c);
      if (n === 0) cred = scm?.cred;
      else if (this.passcred && !sameCred(cred, scm?.cred)) break;
      let co = 0;
      while (co < c.length && vi < iovs.length) {
        const v = iovs[vi]!;
        const k = Math.min(c.length - co, v.length - vo);
        v.set(c.subarray(co, co + k), vo);
        co += k;
        vo += k;
        n += k;
        if (vo === v.length) { vi++; vo = 0; }
      }
      if (scm?.files) {
        files = scm.files;
        if (!peek) scm.files = undefined;
      }
      if (peek) {
        ci++;
        if (files || co < c.length) break;
        continue;
      }
      this.rxBytes -= co;
      map?.delete(c);
      if (co < c.length) {
        const rest = c.subarray(co);
        this.rx[0] = rest;
        if (scm?.cred) map!.set(rest, { files: undefined, cred: scm.cred });
        break;
      }
      this.rx.shift();
      if (files) break;
    }
    if (!peek) {
      if (map?.size === 0) this.rxScm = undefined;
      this.carrier?.drained();
    }
    if (got) got.scm = files || cred ? { files, cred } : undefined;
    else if (!peek && files) dropScm({ files, cred });
    return n;
  }

  /** Unlinks the first chunk, a consumed or dropped urgent one, unread: its ancillary data goes back. */
  private unlinkHead(c: Uint8Array): void {
    this.rx.shift();
    if (c.length === 0) this.oobMarks--;
    const scm = this.rxScm?.get(c);
    if (scm) {
      this.rxScm!.delete(c);
      dropScm(scm);
    }
  }

  // ---------------- lifecycle ----------------

  /**
   * A RST arrived (tcp_reset): ECONNRESET, or EPIPE if the peer had already
   * sent its FIN (CLOSE_WAIT); both directions are shut from now on.
   */
  onReset(): void {
    if (this.closed || this.reset) return;
    this.soError = this.peerEof ? E.EPIPE : E.ECONNRESET;
    this.reset = true;
    this.notify(WAKE_STATE);
    // tcp_reset -> sk_error_report.
    this.asyncEvent(POLL_ERR);
  }

  /** The AF_UNIX peer closed (unix_release_sock): both directions shut; ECONNRESET if it left our data unread. */
  onPeerClosed(unread: boolean): void {
    if (this.closed) return;
    this.reset = true;
    if (unread) this.soError = E.ECONNRESET;
    this.notify(WAKE_STATE);
    this.asyncEvent(POLL_HUP);
    for (const s of this.senders) s.notify();
  }

  /** AF_UNIX datagram queue limit (max_dgram_qlen), which does not apply between two sockets connected to each other. */
  unixQueueFull(sender: Socket): boolean {
    return this.peer !== sender && this.dq.length > LINUX.unixMaxDgramQlen;
  }

  onEof(): void {
    this.peerEof = true;
    this.notify(WAKE_STATE);
    // tcp_fin, unix_shutdown: a hang-up once both directions are shut, else readable.
    this.asyncEvent(this.sndShut ? POLL_HUP : POLL_IN);
  }

  /**
   * shutdown(2) as inet_shutdown and unix_shutdown do it. TCP: a listener
   * ignores SHUT_WR and stops listening on SHUT_RD; a connecting socket
   * abandons the attempt; with no connection the flags are still set but the
   * call says ENOTCONN (so a later send on an unconnected UDP socket is
   * EPIPE). AF_UNIX always succeeds and shuts the peer's other direction.
   */
  shutdown(how: number): void {
    if (how < 0 || how > 2) throw new Errno(E.EINVAL);
    const rd = how !== 1;
    const wr = how !== 0;
    let notConnected = false;
    if (!this.isUnix) {
      if (this.state === 'listening') {
        if (rd) this.stopListening();
        return;
      }
      if (this.state === 'connecting') {
        this.disconnect();
        return;
      }
      // inet_shutdown: a connect() still to be told of its handshake's end is settled now, so the next connect() says EISCONN.
      if (this.ss === 'connecting' && this.state === 'connected') this.ss = 'connected';
      // Both FINs through and ours acknowledged: Linux's socket is TCP_CLOSE (tcp_time_wait, or LAST_ACK's end).
      const over = this.wrShut && this.peerEof && (this.carrier?.finAcked?.() ?? true);
      notConnected = this.kind === 'dgram' ? this.remote === undefined : this.state !== 'connected' || this.reset || over;
    }
    if (rd) this.rdShut = true;
    if (wr && !this.wrShut) {
      this.wrShut = true;
      if (!notConnected && this.carrier) this.carrier.end();
    }
    this.notify();
    if (notConnected) throw new Errno(E.ENOTCONN);
  }

  /** Back to an unconnected socket (tcp_disconnect): the attempt is dropped, shutdown flags cleared. */
  disconnect(): void {
    this.state = this.local ? 'bound' : 'unbound';
    this.ss = 'unconnected';
    this.remote = undefined;
    this.peer = undefined;
    // The real network's host socket outlives a disconnect: connect() starts again on it.
    if (!this.real) this.carrier = undefined;
    this.reset = false;
    this.peerEof = this.rdShut = this.wrShut = false;
    this.notify();
  }

  /** A listener's SHUT_RD: queued connections are reset; the port stays bound only if bind() named it. */
  private stopListening(): void {
    this.resetQueued();
    this.state = 'bound';
    if (!this.bindPortLock && !this.real && this.local && this.local.family !== 'unnamed') {
      this.net.removeBinding(this.host, this.proto, (this.local as InetAddr).port, this);
      this.portReleased = true;
    }
    this.notify();
    this.backlogWait.wake();
  }

  /** Connections nobody accepted are reset. */
  private resetQueued(): void {
    for (const c of this.acceptq) {
      c.carrier?.abandon();
      c.closed = true;
    }
    this.acceptq = [];
  }

  stat(): FileStat {
    return { dev: 8n, ino: this.ino, filetype: this.filetype, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n, mode: this.mode };
  }
  /** The sockfs inode's permission bits (0777 from socket(2)): fchmod changes them, not the bound path's. */
  private mode = 0o777;
  chmod(mode: number): void {
    this.mode = mode;
  }

  read(iovs: Uint8Array[]): number {
    if (this.kind === 'dgram') {
      // A pending ICMP error (connected UDP) is reported by the next read too.
      if (this.soError) throw new Errno(this.takeError());
      const r = this.recvMessage(iovs, false, !this.nonblock);
      dropScm(r.scm);
      return r.n;
    }
    // read() has no progress kept across a wait: short of SO_RCVLOWAT (and of the count asked) a blocking read waits
    // with the bytes left queued, and takes them all once there are enough (what tcp_recvmsg returns, unless a
    // signal or SO_RCVTIMEO ends the wait first: then EINTR/EAGAIN where Linux returns the bytes it took).
    if (this.kind === 'stream' && this.rcvlowat > 1 && !this.nonblock && this.state === 'connected' && this.rxBytes > 0 && !this.rcvShut && !this.soError) {
      let want = 0;
      for (let i = 0; i < iovs.length; i++) want += iovs[i]!.length;
      if (this.rxBytes < Math.min(this.rcvlowat, want)) return WOULD_BLOCK;
    }
    return this.recvStream(iovs, false, false);
  }

  write(iovs: Uint8Array[]): number {
    const total = iovs.reduce((a, v) => a + v.length, 0);
    if (this.packet) return this.sendFrame(iovs, total, undefined);
    if (this.kind === 'dgram') {
      // udp_sendmsg appends to a corked datagram before it looks for a destination.
      if (!this.remote && !this.corked) throw new Errno(this.isUnix ? E.ENOTCONN : E.EDESTADDRREQ);
      return this.sendDatagram(iovs, total, (this.remote ?? this.corked?.dst)!);
    }
    if (total === 0 && this.state === 'connected') return 0;
    return this.sendStream(iovs, total);
  }

  /** An AF_PACKET send (packet_sendmsg): to dst, a sockaddr_ll, or without one on the bound interface. */
  sendFrame(iovs: Uint8Array[], total: number, dst: Addr | undefined): number {
    if (this.soError) throw new Errno(this.takeError());
    this.packet!.send(gather(iovs, total), dst);
    return total;
  }

  /** Sends one datagram to dst (set by the caller: connected peer or sendto address); `more` is MSG_MORE. */
  sendDatagram(iovs: Uint8Array[], total: number, dst: Addr, ctl?: SendControl, ip?: IpControl, more = false): number {
    if (this.soError) throw new Errno(this.takeError());
    // A send shutdown holds even on an unconnected socket (sock_alloc_send_pskb).
    if (this.wrShut) throw new Errno(E.EPIPE);
    if (this.isUnix) return this.sendUnixDatagram(iovs, total, dst, ctl);
    if (this.raw) return this.sentDatagram(this.sendRaw(iovs, total, dst as InetAddr));
    if (this.ping) return this.sentDatagram(this.sendPing(iovs, total, dst as InetAddr));
    // udpv6_sendmsg: an IPv6-only socket has no IPv4 route, mapped or AF_INET.
    if (this.domain === AF.AF_INET6 && this.v6only && (dst.family === 4 || (dst.family === 6 && isV4Mapped(dst.ip)))) throw new Errno(E.ENETUNREACH);
    const max = this.domain === AF.AF_INET6 ? LINUX.udpMaxV6 : LINUX.udpMaxV4;
    if (total > max) throw new Errno(E.EMSGSIZE);
    // UDP_CORK or MSG_MORE (udp_sendmsg's corkreq): the data joins the pending datagram, whose destination and
    // IP_PKTINFO are the first send's; a datagram grown past the limit is dropped whole (udp_flush_pending_frames).
    const cork = this.udpCork || more;
    const pending = this.corked;
    if (pending) {
      if (pending.total + total > max) {
        this.corked = undefined;
        throw new Errno(E.EMSGSIZE);
      }
      pending.parts.push(gather(iovs, total));
      pending.total += total;
      if (!cork) this.pushCorked();
      return total;
    }
    const d = anyToLoopback(dst as InetAddr);
    if (this.domain === AF.AF_INET && d.family === 6) throw new Errno(E.EAFNOSUPPORT);
    if (d.port === 0) throw new Errno(E.EINVAL);
    // udp_sendmsg checks SO_BROADCAST when it looks a route up; a connected socket's send without an address or
    // IP control messages reuses the route connect() cached (sk_dst_check), so clearing SO_BROADCAST after
    // connect() stops nothing.
    if (dst !== this.remote || ip) this.checkBroadcast(d);
    if (ip) this.checkIpControl(ip, d);
    // A sticky IPV6_PKTINFO naming an interface the host lacks: no route leaves by it.
    if (this.pktinfoIf6 && !ip?.ifindex && d.family === 6 && !isV4Mapped(d.ip) && this.pktinfoIf6 !== 1 && this.pktinfoIf6 !== 2) throw new Errno(E.ENETUNREACH);
    if (this.real) {
      // Node queues what the host's kernel cannot take yet: past SO_SNDBUF the sender waits, as on Linux.
      if (this.real.room() === 0) return WOULD_BLOCK;
      this.real.sendTo(gather(iovs, total), d);
      return total;
    }
    this.autobind();
    if (cork) {
      this.corked = { dst: d, parts: [gather(iovs, total)], total };
      if (ip) this.corked.ip = ip;
      return total;
    }
    this.net.sendUdp(this, d, gather(iovs, total), ip);
    return this.sentDatagram(total);
  }

  /** UDP_CORK set or cleared; clearing it sends the pending datagram (udp_push_pending_frames). */
  setUdpCork(on: boolean): void {
    this.udpCork = on;
    if (!on) this.pushCorked();
  }

  /** The corked datagram leaves as one (on --net=real too: the gathering is socklab's, Node sends the whole). */
  private pushCorked(): void {
    const c = this.corked;
    if (!c) return;
    this.corked = undefined;
    const data = gather(c.parts, c.total);
    if (this.real) this.real.sendTo(data, c.dst as InetAddr);
    else this.net.sendUdp(this, c.dst as InetAddr, data, c.ip);
    this.sentDatagram(c.total);
  }

  /**
   * A sendmsg's IP_PKTINFO, as ip_route_output_key_hash judges it: an
   * interface index the host lacks is ENODEV; a source address must be one
   * of the host's own (ENETUNREACH; a multicast or broadcast one is EINVAL).
   * Node's dgram can choose neither per datagram (EOPNOTSUPP on --net=real).
   */
  private checkIpControl(ip: IpControl, d: InetAddr): void {
    if (this.real && (ip.src !== undefined || ip.ifindex)) throw new Errno(E.EOPNOTSUPP);
    if (ip.ifindex && ip.ifindex !== 1 && ip.ifindex !== 2) throw new Errno(E.ENODEV);
    if (ip.src === undefined) return;
    if (d.family === 6 && !isV4Mapped(d.ip)) return;
    const u = ip.src;
    const first = Number(u.split('.')[0]);
    if (first >= 224 || this.net.isBroadcast(this.host, u)) throw new Errno(E.EINVAL);
    // __ip_dev_find finds no interface with that address: the route lookup's ENETUNREACH.
    if (!this.net.owns(this.host, u)) throw new Errno(E.ENETUNREACH);
    // A loopback source leaves only through lo.
    if (isLoopback(u) && !isLoopback(unmap(d.ip))) throw new Errno(E.EINVAL);
  }

  /**
   * The datagram has left and its send-buffer charge is freed (sock_wfree):
   * sk_write_space wakes the sender with EPOLLOUT, an event for an
   * edge-triggered EPOLLOUT item although the socket never stopped being writable.
   */
  private sentDatagram(n: number): number {
    this.notify(WAKE_OUT);
    return n;
  }

  /**
   * A ping socket's send (ping_v4_sendmsg, ping_common_sendmsg): at most
   * 65535 bytes, an IPv4 destination, an ICMP echo request of at least its
   * 8-byte header; the identifier becomes the socket's port (autobound).
   */
  /** udp_sendmsg, raw_sendmsg and ping_v4_sendmsg: a broadcast destination (RTCF_BROADCAST) wants SO_BROADCAST, else EACCES. */
  private checkBroadcast(d: InetAddr): void {
    if (!this.broadcast && (this.real ? unmap(d.ip) === '255.255.255.255' || /\.255$/.test(unmap(d.ip)) : this.net.isBroadcast(this.host, d.ip))) throw new Errno(E.EACCES);
  }

  private sendPing(iovs: Uint8Array[], total: number, d: InetAddr): number {
    if (total > 0xffff) throw new Errno(E.EMSGSIZE);
    if (d.family !== 4) throw new Errno(E.EAFNOSUPPORT);
    if (total < 8) throw new Errno(E.EINVAL);
    const msg = gather(iovs, total);
    if (msg[0] !== 8 || msg[1] !== 0) throw new Errno(E.EINVAL);
    this.checkBroadcast(d);
    this.autobind();
    this.net.sendPing(this, d, msg);
    return total;
  }

  /** SOCK_RAW send: the payload is the protocol's message (or, with IP_HDRINCL/IPV6_HDRINCL, the whole IP packet). */
  private sendRaw(iovs: Uint8Array[], total: number, d: InetAddr): number {
    if (d.family !== 4 && d.family !== 6) throw new Errno(E.EINVAL);
    // raw_sendmsg: a destination of another family is EAFNOSUPPORT; rawv6_sendmsg first wants a sockaddr_in6's length, which a sockaddr_in lacks (EINVAL).
    if (this.domain === AF.AF_INET ? d.family !== 4 : d.family !== 6) throw new Errno(this.domain === AF.AF_INET ? E.EAFNOSUPPORT : E.EINVAL);
    if (total > 65535) throw new Errno(E.EMSGSIZE);
    // IPV6_HDRINCL (rawv6_send_hdrinc): the guest's own IPv6 packet, at least its 40-byte header; neither probed nor checksummed.
    if (this.domain === AF.AF_INET6 && this.hdrincl) {
      if (total < 40) throw new Errno(E.EINVAL);
    } else if (this.domain === AF.AF_INET6) {
      // rawv6_probe_proto_opt reads an ICMPv6 message's type and code (EFAULT without them); rawv6_push_pending_frames
      // wants room for the checksum at the IPV6_CHECKSUM offset.
      if (this.protocol === IPPROTO.IPPROTO_ICMPV6 && total < 2) throw new Errno(E.EFAULT);
      if (this.csumOffset6 >= 0 && this.csumOffset6 >= total - 1) throw new Errno(E.EINVAL);
    }
    if (d.family === 4) this.checkBroadcast(d);
    this.net.sendRaw(this, d, gather(iovs, total));
    return total;
  }

  private sendUnixDatagram(iovs: Uint8Array[], total: number, dst: Addr, ctl: SendControl | undefined): number {
    if (total > this.sndbuf - 32) throw new Errno(E.EMSGSIZE);
    // sock_alloc_send_pskb: waits while our skbs in flight have reached SO_SNDBUF (one more may pass it).
    if (this.wmem.alloc >= this.sndbuf) {
      this.noSpace = this.fown !== undefined;
      return WOULD_BLOCK;
    }
    const target = this.remote && dst === this.remote && this.peer ? this.peer : this.findUnix(dst as UnixAddr);
    if (target && target.closed && target === this.peer) {
      // unix_dgram_sendmsg: a dead peer ends the association once (ECONNREFUSED); later sends without an address are ENOTCONN.
      this.remote = undefined;
      this.peer = undefined;
      this.unixDgramDisconnected(target);
    }
    if (!target || target.closed) throw new Errno(E.ECONNREFUSED);
    if (target.kind !== 'dgram') throw new Errno(E.EPROTOTYPE);
    // unix_dgram_sendmsg runs the receiver's SO_ATTACH_FILTER once it found it, before its other checks: a datagram
    // the program drops is tossed with no error to the sender (nor a wait for room).
    const data = target.filter ? filterPayload(target.filter, gather(iovs, total)) : gather(iovs, total);
    if (data === undefined) return total;
    // unix_may_send: a socket connected to another takes nothing from us, even if we are connected to it.
    if (target.peer && target.peer !== this) throw new Errno(E.EPERM);
    // A receiver shut for reading takes nothing: EPIPE (other->sk_shutdown & RCV_SHUTDOWN), before any wait for room.
    if (target.rdShut) throw new Errno(E.EPIPE);
    if (target.unixQueueFull(this)) {
      target.senders.add(this);
      this.noSpace = this.fown !== undefined;
      return WOULD_BLOCK;
    }
    const size = truesize('unix-dgram', total);
    if (target.pushDatagram(data, this.local ?? { family: 'unnamed' }, attachScm(ctl, true, this.passcred, target.passcred), { owner: this, size })) this.wmem.charge(target, size);
    return total;
  }

  /** The AF_UNIX socket bound at a path or abstract name. */
  findUnix(a: UnixAddr): Socket | undefined {
    if (a.abstract) return this.host.abstract.get(a.path);
    if (!this.fs) throw new Errno(E.ENOENT);
    const o = this.fs.lookupSocket(a.path);
    return o instanceof Socket ? o : undefined;
  }

  /** Gives an unbound inet socket an ephemeral port (and the wildcard address) before it sends or connects. */
  autobind(): void {
    if (this.portReleased) {
      this.local = { ...(this.local as InetAddr), port: 0 };
      this.portReleased = false;
    }
    if (this.raw || (this.local && (this.local as InetAddr).port !== 0)) return;
    const v6 = this.domain === AF.AF_INET6;
    const kept = this.local as InetAddr | undefined;
    let port: number;
    if (this.ping) port = this.pingIdent();
    else try {
      port = this.net.ephemeral(this.host, this.proto, (p) => this.net.bound(this.host, this.proto, p).length === 0, true);
    } catch (e) {
      // Linux: a datagram socket's autobind (connect, sendto) fails with EAGAIN; a TCP connect with EADDRNOTAVAIL.
      if (this.kind !== 'stream' && e instanceof Errno && e.errno === E.EADDRNOTAVAIL) throw new Errno(E.EAGAIN);
      throw e;
    }
    this.local = { family: v6 ? 6 : 4, ip: kept?.ip ?? (v6 ? '::' : '0.0.0.0'), port };
    this.autobound = true;
    this.net.addBinding(this.host, this.proto, port, this);
    if (this.state === 'unbound') this.state = 'bound';
  }

  /** ping_get_port: the next free echo identifier after the last one given (from 1, skipping 0), per network. */
  pingIdent(): number {
    let id = pingRover.get(this.net) ?? 0;
    for (let i = 0; i < 0x10000; i++) {
      id = (id + 1) & 0xffff;
      if (id === 0) continue;
      if (this.net.bound(this.host, 'icmp', id).length === 0) {
        pingRover.set(this.net, id);
        return id;
      }
    }
    throw new Errno(E.EAGAIN);
  }

  /** Local address as getsockname reports it once connected: the source address actually used. */
  pinLocal(dst: InetAddr): void {
    const l = this.local as InetAddr;
    if (isAny(l)) this.local = { ...l, ip: this.net.sourceFor(this.host, dst.ip, l.family) };
    if (isLoopback(dst.ip) && l.family === 6 && !dst.ip.includes(':')) this.local = { ...l, ip: '::ffff:127.0.0.1' };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.state === 'listening') this.resetQueued();
    const lingerZero = this.linger.on !== 0 && this.linger.secs === 0;
    // unix_release_sock: any skb left queued, a consumed urgent one too, resets the peer.
    if (this.carrier) this.carrier.close(this.kind === 'seqpacket' ? this.dq.length > 0 : this.rx.length > 0, lingerZero);
    else if (this.real) this.real.close(this.rxBytes > 0 || lingerZero);
    this.packet?.close();
    if (this.raw && this.host.raw) this.host.raw = this.host.raw.filter((x) => x !== this);
    if (this.local && !this.isUnix && !this.raw && this.local.family !== 'unnamed') this.net.removeBinding(this.host, this.proto, (this.local as InetAddr).port, this);
    if (this.isUnix && this.local?.family === 'unix' && this.local.abstract && this.host.abstract.get(this.local.path) === this) this.host.abstract.delete(this.local.path);
    for (const s of this.senders) s.notify();
    this.dropQueuedScm();
    this.rx = [];
    this.oobSkb = undefined;
    this.oobMarks = 0;
    this.dq = [];
    this.state = 'closed';
    this.notify();
    this.backlogWait.wake();
  }

  /**
   * SO_LINGER {1, N} (sk_stream_wait_close): close() waits up to N seconds
   * until everything sent, the FIN included, is acknowledged; data the
   * peer's receive window has not taken yet is still ours to send.
   */
  closeWait(): { ns: number; done: () => boolean } | undefined {
    if (!this.linger.on || this.linger.secs <= 0 || this.reset || this.rxBytes > 0) return undefined;
    const done = this.carrier?.lingerDone?.();
    return done ? { ns: this.linger.secs === Infinity ? -1 : this.linger.secs * 1e9, done } : undefined;
  }

  /** SO_PROTOCOL as Linux reports it. */
  get protocolNumber(): number {
    if (this.protocol) return this.protocol;
    if (this.isUnix) return 0;
    return this.kind === 'stream' ? IPPROTO.IPPROTO_TCP : IPPROTO.IPPROTO_UDP;
  }
}

/** Where a read reports the ancillary data it took (peeked: still owned by the queue). */
export interface ScmReceived {
  scm?: Scm;
}

/** A copy of n bytes of iovs, after the first `skip`. */
export function gather(iovs: Uint8Array[], n: number, skip = 0): Uint8Array {
  // Every byte is written below, so a large copy skips the zero-fill; a small one is cheaper
  // on V8's heap (a separate un-zeroed buffer costs ~5x more for a 1-byte send).
  const out = n < 4096 ? new Uint8Array(n) : new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
  return gatherInto(out, iovs, skip, n);
}

/** Copies n bytes of iovs, after the first `skip`, to the start of out; returns the view of them. */
export function gatherInto(out: Uint8Array, iovs: Uint8Array[], skip: number, n: number): Uint8Array {
  let o = 0;
  for (const v of iovs) {
    if (o >= n) break;
    if (skip >= v.length) {
      skip -= v.length;
      continue;
    }
    const k = Math.min(v.length - skip, n - o);
    out.set(skip || k < v.length ? v.subarray(skip, skip + k) : v, o);
    skip = 0;
    o += k;
  }
  return o === out.length ? out : out.subarray(0, n);
}

export function sameAddr(a: Addr, b: Addr): boolean {
  if (a.family === 'unix' && b.family === 'unix') return a.path === b.path && a.abstract === b.abstract;
  if ((a.family === 4 || a.family === 6) && (b.family === 4 || b.family === 6)) return unmap(a.ip) === unmap(b.ip) && a.port === b.port;
  return a.family === b.family;
}
