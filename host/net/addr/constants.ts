// Linux socket constants as data: values the guest ABI uses (docs/abi.md)
// and the names traces print.

export const AF = { AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16, AF_PACKET: 17 } as const;
/** Every Linux address family, as strace names them (traces; AF above is what socklab implements). */
export const AF_NAMES = {
  AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_AX25: 3, AF_IPX: 4, AF_APPLETALK: 5, AF_NETROM: 6, AF_BRIDGE: 7, AF_ATMPVC: 8, AF_X25: 9,
  AF_INET6: 10, AF_ROSE: 11, AF_DECnet: 12, AF_NETBEUI: 13, AF_SECURITY: 14, AF_KEY: 15, AF_NETLINK: 16, AF_PACKET: 17, AF_ASH: 18,
  AF_ECONET: 19, AF_ATMSVC: 20, AF_RDS: 21, AF_SNA: 22, AF_IRDA: 23, AF_PPPOX: 24, AF_WANPIPE: 25, AF_LLC: 26, AF_IB: 27, AF_MPLS: 28,
  AF_CAN: 29, AF_TIPC: 30, AF_BLUETOOTH: 31, AF_IUCV: 32, AF_RXRPC: 33, AF_ISDN: 34, AF_PHONET: 35, AF_IEEE802154: 36, AF_CAIF: 37,
  AF_ALG: 38, AF_NFC: 39, AF_VSOCK: 40, AF_KCM: 41, AF_QIPCRTR: 42, AF_SMC: 43, AF_XDP: 44, AF_MCTP: 45,
} as const;
export const SOCK = { SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_RDM: 4, SOCK_SEQPACKET: 5, SOCK_DCCP: 6, SOCK_PACKET: 10 } as const;
export const SOCK_NONBLOCK = 0x800;
export const SOCK_CLOEXEC = 0x80000;
export const SOCK_TYPE_MASK = 0xf;

export const MSG = {
  MSG_OOB: 0x1, MSG_PEEK: 0x2, MSG_DONTROUTE: 0x4, MSG_CTRUNC: 0x8, MSG_TRUNC: 0x20, MSG_DONTWAIT: 0x40, MSG_EOR: 0x80,
  MSG_WAITALL: 0x100, MSG_CONFIRM: 0x800, MSG_ERRQUEUE: 0x2000, MSG_NOSIGNAL: 0x4000, MSG_MORE: 0x8000, MSG_WAITFORONE: 0x10000, MSG_CMSG_CLOEXEC: 0x40000000,
  MSG_CMSG_COMPAT: 0x80000000,
} as const;

export const SOL = { SOL_IP: 0, SOL_SOCKET: 1, SOL_TCP: 6, SOL_UDP: 17, SOL_IPV6: 41, SOL_ICMPV6: 58, SOL_RAW: 255, SOL_PACKET: 263 } as const;
export const IPPROTO = { IPPROTO_IP: 0, IPPROTO_ICMP: 1, IPPROTO_TCP: 6, IPPROTO_UDP: 17, IPPROTO_IPV6: 41, IPPROTO_ICMPV6: 58, IPPROTO_RAW: 255 } as const;

export const SO = {
  SO_DEBUG: 1, SO_REUSEADDR: 2, SO_TYPE: 3, SO_ERROR: 4, SO_DONTROUTE: 5, SO_BROADCAST: 6, SO_SNDBUF: 7, SO_RCVBUF: 8,
  SO_KEEPALIVE: 9, SO_OOBINLINE: 10, SO_LINGER: 13, SO_REUSEPORT: 15, SO_PASSCRED: 16, SO_PEERCRED: 17, SO_RCVLOWAT: 18, SO_SNDLOWAT: 19, SO_RCVTIMEO: 20,
  SO_SNDTIMEO: 21, SO_ATTACH_FILTER: 26, SO_DETACH_FILTER: 27, SO_ACCEPTCONN: 30, SO_PROTOCOL: 38, SO_DOMAIN: 39, SO_LOCK_FILTER: 44,
} as const;
/** SOL_PACKET's option names (linux/if_packet.h; strace's sock_packet_options). */
export const PACKET_OPT = {
  PACKET_ADD_MEMBERSHIP: 1, PACKET_DROP_MEMBERSHIP: 2, PACKET_RECV_OUTPUT: 3, PACKET_RX_RING: 5, PACKET_STATISTICS: 6, PACKET_COPY_THRESH: 7,
  PACKET_AUXDATA: 8, PACKET_ORIGDEV: 9, PACKET_VERSION: 10, PACKET_HDRLEN: 11, PACKET_RESERVE: 12, PACKET_TX_RING: 13, PACKET_LOSS: 14,
  PACKET_VNET_HDR: 15, PACKET_TX_TIMESTAMP: 16, PACKET_TIMESTAMP: 17, PACKET_FANOUT: 18, PACKET_TX_HAS_OFF: 19, PACKET_QDISC_BYPASS: 20,
  PACKET_ROLLOVER_STATS: 21, PACKET_FANOUT_DATA: 22, PACKET_IGNORE_OUTGOING: 23,
} as const;
/** PACKET_ADD_MEMBERSHIP's mr_type. */
export const PACKET_MR = { PACKET_MR_MULTICAST: 0, PACKET_MR_PROMISC: 1, PACKET_MR_ALLMULTI: 2, PACKET_MR_UNICAST: 3 } as const;
export const TCP_OPT = { TCP_NODELAY: 1, TCP_MAXSEG: 2, TCP_CORK: 3, TCP_KEEPIDLE: 4, TCP_KEEPINTVL: 5, TCP_KEEPCNT: 6 } as const;
export const IP_OPT = {
  IP_TOS: 1, IP_TTL: 2, IP_HDRINCL: 3, IP_PKTINFO: 8, IP_RECVERR: 11, IP_RECVTTL: 12,
  IP_MULTICAST_IF: 32, IP_MULTICAST_TTL: 33, IP_MULTICAST_LOOP: 34, IP_ADD_MEMBERSHIP: 35, IP_DROP_MEMBERSHIP: 36, IP_MULTICAST_ALL: 49,
} as const;
export const IPV6_OPT = {
  IPV6_CHECKSUM: 7, IPV6_UNICAST_HOPS: 16, IPV6_MULTICAST_IF: 17, IPV6_MULTICAST_HOPS: 18, IPV6_MULTICAST_LOOP: 19, IPV6_ADD_MEMBERSHIP: 20, IPV6_DROP_MEMBERSHIP: 21,
  IPV6_RECVERR: 25, IPV6_V6ONLY: 26, IPV6_MULTICAST_ALL: 29, IPV6_HDRINCL: 36, IPV6_RECVPKTINFO: 49, IPV6_PKTINFO: 50, IPV6_RECVHOPLIMIT: 51, IPV6_HOPLIMIT: 52,
} as const;
/** SOL_UDP's and SOL_RAW's option names (strace's sock_udp_options, sock_raw_options). */
export const UDP_OPT = { UDP_CORK: 1, UDP_ENCAP: 100, UDP_NO_CHECK6_TX: 101, UDP_NO_CHECK6_RX: 102, UDP_SEGMENT: 103, UDP_GRO: 104 } as const;
export const RAW_OPT = { ICMP_FILTER: 1 } as const;
/** SOL_ICMPV6's ICMPV6_FILTER (linux/icmpv6.h). */
export const ICMPV6_FILTER = 1;
export const SHUT = { SHUT_RD: 0, SHUT_WR: 1, SHUT_RDWR: 2 } as const;

export const EAI = {
  EAI_BADFLAGS: -1, EAI_NONAME: -2, EAI_AGAIN: -3, EAI_FAIL: -4, EAI_NODATA: -5, EAI_FAMILY: -6, EAI_SOCKTYPE: -7,
  EAI_SERVICE: -8, EAI_ADDRFAMILY: -9, EAI_MEMORY: -10, EAI_SYSTEM: -11, EAI_OVERFLOW: -12,
} as const;
export const AI = { AI_PASSIVE: 0x1, AI_CANONNAME: 0x2, AI_NUMERICHOST: 0x4, AI_V4MAPPED: 0x8, AI_ALL: 0x10, AI_ADDRCONFIG: 0x20, AI_NUMERICSERV: 0x400 } as const;
export const NI = { NI_NUMERICHOST: 0x1, NI_NUMERICSERV: 0x2, NI_NOFQDN: 0x4, NI_NAMEREQD: 0x8, NI_DGRAM: 0x10 } as const;

// Traces name constants on every line: each table's value->name map and
// entry list are built once (walking Object.entries per call was a tenth of
// a traced call).
const NAME_MAPS = new WeakMap<object, Map<number, string>>();
const FLAG_ENTRIES = new WeakMap<object, [string, number][]>();

/** Name of a value in one of the tables above (the first key holding it), or the number. */
export function nameOf(table: Readonly<Record<string, number>>, v: number): string {
  let m = NAME_MAPS.get(table);
  if (!m) {
    m = new Map();
    for (const [k, x] of Object.entries(table)) if (!m.has(x)) m.set(x, k);
    NAME_MAPS.set(table, m);
  }
  return m.get(v) ?? String(v);
}
/**
 * "MSG_PEEK|MSG_DONTWAIT", as strace prints flag sets. `unknown` (MSG_???):
 * bits no name covers, when none does, get strace's comment, "0x10 /* SOCK_??? *\/".
 */
export function flagNames(table: Readonly<Record<string, number>>, v: number, unknown?: string): string {
  if (v === 0) return '0';
  let es = FLAG_ENTRIES.get(table);
  if (!es) FLAG_ENTRIES.set(table, (es = Object.entries(table)));
  let out = '';
  let rest = v;
  for (const [k, x] of es) {
    // Unsigned: MSG_CMSG_COMPAT is bit 31.
    if (x && (v & x) >>> 0 === x >>> 0) {
      out = out ? `${out}|${k}` : k;
      rest &= ~x;
    }
  }
  if (rest) out = out ? `${out}|0x${(rest >>> 0).toString(16)}` : `0x${(rest >>> 0).toString(16)}${unknown ? ` /* ${unknown} */` : ''}`;
  return out;
}
/** A value from a table as strace's printxval prints it: the name, or "0x63 /* AF_??? *\/". */
export function xvalName(table: Readonly<Record<string, number>>, v: number, unknown: string): string {
  const n = nameOf(table, v);
  return n !== String(v) ? n : `0x${(v >>> 0).toString(16)} /* ${unknown} */`;
}

/** /etc/services, the part socket programs use. */
export const SERVICES: readonly { name: string; port: number; proto: 'tcp' | 'udp' }[] = [
  { name: 'echo', port: 7, proto: 'tcp' }, { name: 'echo', port: 7, proto: 'udp' }, { name: 'discard', port: 9, proto: 'tcp' },
  { name: 'discard', port: 9, proto: 'udp' }, { name: 'daytime', port: 13, proto: 'tcp' }, { name: 'daytime', port: 13, proto: 'udp' },
  { name: 'chargen', port: 19, proto: 'tcp' }, { name: 'ftp', port: 21, proto: 'tcp' }, { name: 'ssh', port: 22, proto: 'tcp' },
  { name: 'telnet', port: 23, proto: 'tcp' }, { name: 'smtp', port: 25, proto: 'tcp' }, { name: 'time', port: 37, proto: 'tcp' },
  { name: 'domain', port: 53, proto: 'tcp' }, { name: 'domain', port: 53, proto: 'udp' }, { name: 'tftp', port: 69, proto: 'udp' },
  { name: 'http', port: 80, proto: 'tcp' }, { name: 'pop3', port: 110, proto: 'tcp' }, { name: 'ntp', port: 123, proto: 'udp' },
  { name: 'imap', port: 143, proto: 'tcp' }, { name: 'snmp', port: 161, proto: 'udp' }, { name: 'https', port: 443, proto: 'tcp' },
  { name: 'shell', port: 514, proto: 'tcp' }, { name: 'syslog', port: 514, proto: 'udp' }, { name: 'http-alt', port: 8080, proto: 'tcp' },
];

/**
 * Linux's defaults where socket behaviour depends on a sysctl (a stock
 * kernel's values; the differential tests avoid printing the ones a tuned
 * machine changes, such as rmem_max).
 */
export const LINUX = {
  /** net.ipv4.tcp_rmem[1], tcp_wmem[1]. */
  tcpRmemDefault: 131072,
  tcpWmemDefault: 16384,
  /** net.core.rmem_default, wmem_default, rmem_max, wmem_max. */
  rmemDefault: 212992,
  wmemDefault: 212992,
  rmemMax: 212992,
  wmemMax: 212992,
  /** SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF (after doubling). */
  minRcvbuf: 2304,
  minSndbuf: 4608,
  /** net.unix.max_dgram_qlen: a receiver takes this many + 1 datagrams from other senders. */
  unixMaxDgramQlen: 10,
  /** net.core.somaxconn. */
  somaxconn: 4096,
  /** net.ipv4.ip_local_port_range. */
  ephemeralLow: 32768,
  ephemeralHigh: 60999,
  /** Largest UDP payload: 65535 - 20 (IPv4 header) - 8; over IPv6 the 40-byte header is not counted. */
  udpMaxV4: 65507,
  udpMaxV6: 65527,
} as const;

/** In strace's order (xlat/sock_type_flags: SOCK_CLOEXEC first). */
const SOCK_FLAGS = { SOCK_CLOEXEC, SOCK_NONBLOCK } as const;
/** strace's rendering of socket()'s type argument: "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK", "SOCK_RAW|0x60 /* SOCK_??? *\/". */
export function sockTypeName(type: number): string {
  // strace's tprint_sock_type: a type it does not know stays in the flags, socket(AF_INET, 0, ...), SOCK_CLOEXEC|0xfff7f7ff.
  const base = nameOf(SOCK, type & SOCK_TYPE_MASK);
  if (base === String(type & SOCK_TYPE_MASK)) return flagNames(SOCK_FLAGS, type, 'SOCK_???');
  const rest = type & ~SOCK_TYPE_MASK;
  return rest ? `${base}|${flagNames(SOCK_FLAGS, rest, 'SOCK_???')}` : base;
}

/** TCP header flags (the packet capture and the segments the virtual network records). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
/** Interface flags (linux/if.h) as SIOCGIFFLAGS gives them, and the ARPHRD_ link types of SIOCGIFHWADDR. */
export const IFF = {
  IFF_UP: 0x1, IFF_BROADCAST: 0x2, IFF_DEBUG: 0x4, IFF_LOOPBACK: 0x8, IFF_POINTOPOINT: 0x10, IFF_NOTRAILERS: 0x20, IFF_RUNNING: 0x40, IFF_NOARP: 0x80,
  IFF_PROMISC: 0x100, IFF_ALLMULTI: 0x200, IFF_MASTER: 0x400, IFF_SLAVE: 0x800, IFF_MULTICAST: 0x1000, IFF_PORTSEL: 0x2000, IFF_AUTOMEDIA: 0x4000, IFF_DYNAMIC: 0x8000,
} as const;
export const ARPHRD = { ARPHRD_NETROM: 0, ARPHRD_ETHER: 1, ARPHRD_LOOPBACK: 772, ARPHRD_NONE: 0xfffe } as const;
/** ioctl requests (asm-generic/ioctls.h, linux/sockios.h): SIOCINQ is FIONREAD, SIOCOUTQ is TIOCOUTQ. */
export const IOCTL = {
  TIOCOUTQ: 0x5411, FIONREAD: 0x541b, FIONBIO: 0x5421, FIOASYNC: 0x5452, FIOSETOWN: 0x8901, SIOCSPGRP: 0x8902, FIOGETOWN: 0x8903, SIOCGPGRP: 0x8904, SIOCATMARK: 0x8905, SIOCGIFNAME: 0x8910, SIOCGIFINDEX: 0x8933,
  SIOCGIFCONF: 0x8912, SIOCGIFFLAGS: 0x8913, SIOCGIFADDR: 0x8915, SIOCGIFDSTADDR: 0x8917, SIOCGIFBRDADDR: 0x8919, SIOCGIFNETMASK: 0x891b, SIOCGIFMTU: 0x8921, SIOCGIFHWADDR: 0x8927,
} as const;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

/** Largest TCP payload per segment: loopback's MTU is 65536, a virtual link's 1500. */
export const MSS_LOOPBACK = 65483;
export const MSS_LINK = 1448;

/** Ethernet protocol numbers (linux/if_ether.h): AF_PACKET's protocols and the frames' ethertypes. */
export const ETH_P = {
  ETH_P_802_3: 0x0001, ETH_P_AX25: 0x0002, ETH_P_ALL: 0x0003, ETH_P_802_2: 0x0004, ETH_P_SNAP: 0x0005,
  ETH_P_LOOP: 0x0060, ETH_P_PUP: 0x0200, ETH_P_PUPAT: 0x0201, ETH_P_IP: 0x0800, ETH_P_X25: 0x0805, ETH_P_ARP: 0x0806,
  ETH_P_BPQ: 0x08ff, ETH_P_DEC: 0x6000, ETH_P_RARP: 0x8035, ETH_P_ATALK: 0x809b, ETH_P_AARP: 0x80f3, ETH_P_8021Q: 0x8100,
  ETH_P_IPX: 0x8137, ETH_P_IPV6: 0x86dd, ETH_P_PAUSE: 0x8808, ETH_P_SLOW: 0x8809, ETH_P_MPLS_UC: 0x8847,
  ETH_P_MPLS_MC: 0x8848, ETH_P_PPP_DISC: 0x8863, ETH_P_PPP_SES: 0x8864, ETH_P_PAE: 0x888e, ETH_P_8021AD: 0x88a8,
  ETH_P_LLDP: 0x88cc, ETH_P_8021AH: 0x88e7, ETH_P_1588: 0x88f7, ETH_P_LOOPBACK: 0x9000,
} as const;
/** sockaddr_ll's sll_pkttype (linux/if_packet.h). */
export const PACKET_TYPES = {
  PACKET_HOST: 0, PACKET_BROADCAST: 1, PACKET_MULTICAST: 2, PACKET_OTHERHOST: 3, PACKET_OUTGOING: 4, PACKET_LOOPBACK: 5, PACKET_USER: 6, PACKET_KERNEL: 7,
} as const;
