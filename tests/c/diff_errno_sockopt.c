// setsockopt/getsockopt option by option, on every kind of socket socklab
// makes: each option socklab models (host/net/syscalls/sockopt.ts) is read
// with every interesting optlen and pointer and written with short, long and
// missing values, on TCP, UDP, AF_UNIX stream/dgram/seqpacket, raw ICMP, ping
// and IPv6 TCP/UDP sockets; then values at and past each option's bounds,
// read back. Compared line by line with a native build by
// tests/errno-diff.test.ts (which already has the generic cases of
// diff_errno_io.c: bad fds, unknown names, negative lengths).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include "diff_errno.h"

#define SA(p) ((struct sockaddr *)(p))

struct opt {
  int level, name;
  const char *label;
};
#define O(l, n) {l, n, #n}
static const struct opt opts[] = {
  O(SOL_SOCKET, SO_DEBUG), O(SOL_SOCKET, SO_REUSEADDR), O(SOL_SOCKET, SO_TYPE), O(SOL_SOCKET, SO_ERROR),
  O(SOL_SOCKET, SO_DONTROUTE), O(SOL_SOCKET, SO_BROADCAST), O(SOL_SOCKET, SO_SNDBUF), O(SOL_SOCKET, SO_RCVBUF),
  O(SOL_SOCKET, SO_KEEPALIVE), O(SOL_SOCKET, SO_OOBINLINE), O(SOL_SOCKET, SO_LINGER), O(SOL_SOCKET, SO_REUSEPORT),
  O(SOL_SOCKET, SO_PASSCRED), O(SOL_SOCKET, SO_PEERCRED), O(SOL_SOCKET, SO_RCVLOWAT), O(SOL_SOCKET, SO_SNDLOWAT),
  O(SOL_SOCKET, SO_RCVTIMEO), O(SOL_SOCKET, SO_SNDTIMEO), O(SOL_SOCKET, SO_ACCEPTCONN), O(SOL_SOCKET, SO_PROTOCOL),
  O(SOL_SOCKET, SO_DOMAIN),
  O(IPPROTO_TCP, TCP_NODELAY), O(IPPROTO_TCP, TCP_MAXSEG), O(IPPROTO_TCP, TCP_CORK), O(IPPROTO_TCP, TCP_KEEPIDLE),
  O(IPPROTO_TCP, TCP_KEEPINTVL), O(IPPROTO_TCP, TCP_KEEPCNT),
  O(IPPROTO_IP, IP_TOS), O(IPPROTO_IP, IP_TTL), O(IPPROTO_IP, IP_HDRINCL), O(IPPROTO_IP, IP_PKTINFO),
  O(IPPROTO_IP, IP_RECVERR), O(IPPROTO_IP, IP_RECVTTL), O(IPPROTO_IP, IP_MULTICAST_IF), O(IPPROTO_IP, IP_MULTICAST_TTL),
  O(IPPROTO_IP, IP_MULTICAST_LOOP), O(IPPROTO_IP, IP_ADD_MEMBERSHIP), O(IPPROTO_IP, IP_DROP_MEMBERSHIP),
  O(IPPROTO_IP, IP_MULTICAST_ALL),
  O(IPPROTO_IPV6, IPV6_UNICAST_HOPS), O(IPPROTO_IPV6, IPV6_MULTICAST_IF), O(IPPROTO_IPV6, IPV6_MULTICAST_HOPS),
  O(IPPROTO_IPV6, IPV6_MULTICAST_LOOP), O(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP), O(IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP),
  O(IPPROTO_IPV6, IPV6_RECVERR), O(IPPROTO_IPV6, IPV6_V6ONLY), O(IPPROTO_IPV6, IPV6_RECVPKTINFO),
  O(IPPROTO_IPV6, IPV6_PKTINFO), O(IPPROTO_IPV6, IPV6_RECVHOPLIMIT), O(IPPROTO_IPV6, IPV6_MULTICAST_ALL),
  // UDP_CORK (SOL_UDP), ICMP_FILTER (SOL_RAW), ICMPV6_FILTER (IPPROTO_ICMPV6), IPV6_CHECKSUM at SOL_RAW and
  // IPPROTO_IPV6 (numbers from linux/udp.h, linux/icmp.h, linux/icmpv6.h, linux/in6.h).
  {IPPROTO_UDP, 1, "UDP_CORK"}, {255, 1, "ICMP_FILTER"}, {IPPROTO_ICMPV6, 1, "ICMPV6_FILTER"},
  {255, 7, "RAW_IPV6_CHECKSUM"}, {IPPROTO_IPV6, 7, "IPV6_CHECKSUM"},
  // IPV6_HDRINCL (linux/in6.h: 36): raw IPv6 sockets only, at IPPROTO_IPV6 and SOL_RAW alike.
  {IPPROTO_IPV6, 36, "IPV6_HDRINCL"}, {255, 36, "RAW_IPV6_HDRINCL"},
  // Unknown names at each level, and unknown levels.
  {SOL_SOCKET, 999, "SOL_SOCKET_999"}, {IPPROTO_TCP, 999, "TCP_999"}, {IPPROTO_IP, 999, "IP_999"},
  {IPPROTO_IPV6, 999, "IPV6_999"}, {999, 1, "LEVEL_999"}, {-1, 1, "LEVEL_NEG"}, {IPPROTO_UDP, 999, "UDP_999"},
  {255, 999, "SOL_RAW_999"}, {IPPROTO_ICMPV6, 999, "ICMPV6_999"},
};
#define NOPTS (int)(sizeof opts / sizeof opts[0])

struct kind {
  const char *label;
  int domain, type, proto;
};
static const struct kind kinds[] = {
  {"tcp4", AF_INET, SOCK_STREAM, 0},
  {"udp4", AF_INET, SOCK_DGRAM, 0},
  {"tcp6", AF_INET6, SOCK_STREAM, 0},
  {"udp6", AF_INET6, SOCK_DGRAM, 0},
  {"ustream", AF_UNIX, SOCK_STREAM, 0},
  {"udgram", AF_UNIX, SOCK_DGRAM, 0},
  {"useq", AF_UNIX, SOCK_SEQPACKET, 0},
  {"raw4", AF_INET, SOCK_RAW, IPPROTO_ICMP},
  {"raw6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6},
  {"rawudp4", AF_INET, SOCK_RAW, IPPROTO_UDP},
  {"rawudp6", AF_INET6, SOCK_RAW, IPPROTO_UDP},
  // Connected ends: a socketpair's (AF_UNIX stream and datagram) and an accepted TCP connection's.
  {"upair", AF_UNIX, SOCK_STREAM, -1},
  {"udpair", AF_UNIX, SOCK_DGRAM, -1},
  {"tcpacc", AF_INET, SOCK_STREAM, -1},
  {"tcpacc6", AF_INET6, SOCK_STREAM, -1},
  // Not here: ping sockets (SOCK_DGRAM, IPPROTO_ICMP), which socklab allows as a host whose ping_group_range
  // holds the caller would, and this machine's does not (socket() is EACCES natively).
};
#define NKINDS (int)(sizeof kinds / sizeof kinds[0])

static char label[160];

/* getsockopt into a buffer of 64 bytes filled with 0xee, with *optlen = len: the result, the length written back
 * and the bytes written (as little-endian ints: what a caller reads). */
static void get(const char *what, int fd, const struct opt *o, socklen_t len) {
  unsigned char buf[64];
  memset(buf, 0xee, sizeof buf);
  socklen_t l = len;
  snprintf(label, sizeof label, "get-%s-%s-len%d", what, o->label, (int)len);
  int r = getsockopt(fd, o->level, o->name, buf, &l);
  if (r < 0) {
    show(label, r);
    return;
  }
  printf("%s 0 - len=%u", label, (unsigned)l);
  // SO_SNDBUF/SO_RCVBUF and TCP_MAXSEG hold the host's sysctl defaults and its MTU: their length, not their value.
  // SO_PEERCRED holds pids.
  int valued = !(o->level == SOL_SOCKET && (o->name == SO_SNDBUF || o->name == SO_RCVBUF || o->name == SO_PEERCRED)) &&
               !(o->level == IPPROTO_TCP && o->name == TCP_MAXSEG);
  if (valued) {
    printf(" val=");
    for (unsigned i = 0; i < l && i < sizeof buf; i++) printf("%02x", buf[i]);
  }
  printf("\n");
}

static int mksock(const struct kind *k) {
  if (k->proto >= 0) return socket(k->domain, k->type, k->proto);
  int sv[2];
  if (k->domain == AF_UNIX) {
    socketpair(AF_UNIX, k->type, 0, sv);
    close(sv[1]);
    return sv[0];
  }
  // The accepted end of a loopback connection; the client is closed (the accepted end has its FIN).
  int l = socket(k->domain, SOCK_STREAM, 0), c = socket(k->domain, SOCK_STREAM, 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  if (k->domain == AF_INET) {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  } else {
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
  }
  bind(l, SA(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(l, SA(&a), &n);
  listen(l, 1);
  connect(c, SA(&a), sizeof a);
  int r = accept(l, NULL, NULL);
  close(c), close(l);
  return r;
}

/* A 64-byte value whose first int is v (the rest zero): an int option, a linger {v, 0}, a timeval {v s, 0 us},
 * an ip_mreq with group v: long enough for every option. */
static int set(const char *what, int fd, const struct opt *o, int v, const void *p, socklen_t len, const char *how) {
  snprintf(label, sizeof label, "set-%s-%s-%s", what, o->label, how);
  int r = setsockopt(fd, o->level, o->name, p, len);
  show(label, r);
  (void)v;
  return r;
}

static const struct opt *find(int level, int name) {
  for (int i = 0; i < NOPTS; i++)
    if (opts[i].level == level && opts[i].name == name) return &opts[i];
  return NULL;
}

/* Set an int option to v and read it back as an int. */
static void setget(const char *what, int fd, int level, int name, int v) {
  const struct opt *o = find(level, name);
  char how[32];
  snprintf(how, sizeof how, "%d", v);
  set(what, fd, o, v, &v, sizeof v, how);
  int got = -7;
  socklen_t l = sizeof got;
  snprintf(label, sizeof label, "readback-%s-%s-%d", what, o->label, v);
  int r = getsockopt(fd, level, name, &got, &l);
  if (r < 0) show(label, r);
  else printf("%s 0 - len=%u val=%d\n", label, (unsigned)l, got);
}


/* Set SO_LINGER to {on, secs} and read it back. */
static void linger(int fd, int on, int secs) {
  struct linger lg = {on, secs};
  snprintf(label, sizeof label, "linger-%d-%d", on, secs);
  show(label, setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  memset(&lg, 0xee, sizeof lg);
  socklen_t l = sizeof lg;
  int r = getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &l);
  printf("readback-linger-%d-%d %d len=%u on=%d secs=%d\n", on, secs, r, (unsigned)l, lg.l_onoff, lg.l_linger);
}

/* Set SO_RCVTIMEO to {sec, usec} and read it back (kept in jiffies: 4 ms steps). */
static void rcvtimeo(int fd, long sec, long usec) {
  struct timeval tv = {sec, usec};
  snprintf(label, sizeof label, "rcvtimeo-%ld-%ld", sec, usec);
  show(label, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  memset(&tv, 0, sizeof tv);
  socklen_t l = sizeof tv;
  int r = getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &l);
  printf("readback-rcvtimeo-%ld-%ld %d len=%u %ld.%06ld\n", sec, usec, r, (unsigned)l, (long)tv.tv_sec, (long)tv.tv_usec);
}

/* An int option set with a one-byte value, read back with a one-byte buffer. */
static void setbyte(const char *what, int fd, int level, int name, unsigned char v) {
  const struct opt *o = find(level, name);
  char how[32];
  snprintf(how, sizeof how, "byte%d", v);
  set(what, fd, o, v, &v, 1, how);
  unsigned char got = 0xee;
  socklen_t l = 1;
  snprintf(label, sizeof label, "readback-%s-%s-byte%d", what, o->label, v);
  int r = getsockopt(fd, level, name, &got, &l);
  if (r < 0) show(label, r);
  else printf("%s 0 - len=%u val=%d\n", label, (unsigned)l, got);
}

static void bounds(void) {
  int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
  int t6 = socket(AF_INET6, SOCK_STREAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  int us = socket(AF_UNIX, SOCK_STREAM, 0);
  // Buffer sizes are doubled, with a floor (SOCK_MIN_RCVBUF 2304, SOCK_MIN_SNDBUF 4608). Left out: values
  // above rmem_max/wmem_max and negative ones (capped, as unsigned, at the host's sysctl), except for their result.
  static const int bufs[] = {0, 1, 1000, 1152, 1153, 2000, 3000, 100000};
  for (unsigned i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
    setget("udp4", u, SOL_SOCKET, SO_RCVBUF, bufs[i]);
    setget("udp4", u, SOL_SOCKET, SO_SNDBUF, bufs[i]);
    setget("tcp4", t, SOL_SOCKET, SO_RCVBUF, bufs[i]);
    setget("ustream", us, SOL_SOCKET, SO_SNDBUF, bufs[i]);
  }
  set("udp4", u, find(SOL_SOCKET, SO_RCVBUF), 0, &(int){-1}, 4, "neg1");
  set("udp4", u, find(SOL_SOCKET, SO_SNDBUF), 0, &(int){-100}, 4, "neg100");
  // Booleans read back as 0 or 1 whatever was set.
  setget("tcp4", t, SOL_SOCKET, SO_KEEPALIVE, 7);
  setget("udp4", u, SOL_SOCKET, SO_BROADCAST, -1);
  setget("tcp4", t, SOL_SOCKET, SO_OOBINLINE, 256);
  setget("tcp4", t, SOL_SOCKET, SO_REUSEADDR, 2);
  setget("udp4", u, SOL_SOCKET, SO_REUSEPORT, 3);
  setget("ustream", us, SOL_SOCKET, SO_REUSEPORT, 0);
  setget("ustream", us, SOL_SOCKET, SO_PASSCRED, 9);
  // SO_RCVLOWAT: 0 is 1, a negative one INT_MAX (a UDP socket: TCP caps it at a sysctl).
  setget("udp4", u, SOL_SOCKET, SO_RCVLOWAT, 0);
  setget("udp4", u, SOL_SOCKET, SO_RCVLOWAT, 100);
  setget("udp4", u, SOL_SOCKET, SO_RCVLOWAT, -1);
  setget("tcp4", t, SOL_SOCKET, SO_RCVLOWAT, 0);
  setget("tcp4", t, SOL_SOCKET, SO_RCVLOWAT, 5);
  setget("udp4", u, SOL_SOCKET, SO_SNDLOWAT, 5);
  linger(t, 1, 5);
  linger(t, 0, 9);
  linger(t, 2, -5);
  linger(t, -1, 0);
  linger(u, 1, 1);
  rcvtimeo(u, 0, 1);
  rcvtimeo(u, 0, 3999);
  rcvtimeo(u, 0, 4001);
  rcvtimeo(u, 2, 999999);
  rcvtimeo(u, 0, 1000000);
  rcvtimeo(u, 0, -1);
  rcvtimeo(u, -1, 0);
  rcvtimeo(u, -1, 5);
  rcvtimeo(u, 0, 0);
  // TCP.
  static const int keep[] = {-1, 0, 1, 127, 128, 32767, 32768};
  for (unsigned i = 0; i < sizeof keep / sizeof keep[0]; i++) {
    setget("tcp4", t, IPPROTO_TCP, TCP_KEEPIDLE, keep[i]);
    setget("tcp4", t, IPPROTO_TCP, TCP_KEEPINTVL, keep[i]);
    setget("tcp6", t6, IPPROTO_TCP, TCP_KEEPCNT, keep[i]);
  }
  setget("tcp4", t, IPPROTO_TCP, TCP_NODELAY, 5);
  setget("tcp4", t, IPPROTO_TCP, TCP_CORK, 5);
  setget("tcp4", t, IPPROTO_TCP, TCP_CORK, 0);
  static const int mss[] = {-1, 87, 88, 1000, 32767, 32768};
  for (unsigned i = 0; i < sizeof mss / sizeof mss[0]; i++) setget("tcp6", t6, IPPROTO_TCP, TCP_MAXSEG, mss[i]);
  // IP: TTLs, and the int-or-byte forms of the multicast options.
  static const int ttl[] = {-2, -1, 0, 1, 255, 256};
  for (unsigned i = 0; i < sizeof ttl / sizeof ttl[0]; i++) {
    setget("tcp4", t, IPPROTO_IP, IP_TTL, ttl[i]);
    setget("udp4", u, IPPROTO_IP, IP_MULTICAST_TTL, ttl[i]);
    setget("udp6", u6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl[i]);
    setget("tcp6", t6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl[i]);
    setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl[i]);
  }
  setbyte("udp4", u, IPPROTO_IP, IP_TTL, 200);
  setbyte("udp4", u, IPPROTO_IP, IP_MULTICAST_TTL, 200);
  setbyte("udp4", u, IPPROTO_IP, IP_MULTICAST_TTL, 0);
  setbyte("udp4", u, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
  setbyte("udp4", u, IPPROTO_IP, IP_MULTICAST_LOOP, 7);
  setbyte("udp4", u, IPPROTO_IP, IP_MULTICAST_ALL, 0);
  setbyte("udp4", u, IPPROTO_IP, IP_MULTICAST_ALL, 2);
  setbyte("udp4", u, IPPROTO_IP, IP_PKTINFO, 3);
  setbyte("udp4", u, IPPROTO_IP, IP_RECVTTL, 1);
  setbyte("udp4", u, IPPROTO_IP, IP_RECVERR, 1);
  setget("udp4", u, IPPROTO_IP, IP_MULTICAST_LOOP, 2);
  setget("udp4", u, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
  setget("udp4", u, IPPROTO_IP, IP_MULTICAST_ALL, 2);
  setget("udp4", u, IPPROTO_IP, IP_MULTICAST_ALL, -1);
  setget("udp4", u, IPPROTO_IP, IP_MULTICAST_ALL, 0);
  setget("udp4", u, IPPROTO_IP, IP_RECVERR, 5);
  setget("tcp4", t, IPPROTO_IP, IP_MULTICAST_TTL, 3);
  setget("tcp4", t, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
  setget("udp4", u, IPPROTO_IP, IP_PKTINFO, -1);
  setget("udp6", u6, IPPROTO_IP, IP_TTL, 9);
  setget("udp6", u6, IPPROTO_IP, IP_MULTICAST_TTL, 9);
  // IPv6: booleans that must be 0 or 1, the multicast interface, V6ONLY.
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 2);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, -1);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 1);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 999);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 0);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 4);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, -4);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_RECVERR, 3);
  // An AF_INET6 socket has both flags: IP_MULTICAST_ALL (IPv4 groups, 0) and IPV6_MULTICAST_ALL (IPv6 ones, 1).
  setget("udp6", u6, IPPROTO_IP, IP_MULTICAST_ALL, 1);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
  setget("udp6", u6, IPPROTO_IP, IP_MULTICAST_ALL, 0);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 5);
  setget("tcp6", t6, IPPROTO_IPV6, IPV6_V6ONLY, 5);
  setget("tcp6", t6, IPPROTO_IPV6, IPV6_V6ONLY, 0);
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  show("connect-udp6", connect(u6, SA(&a6), sizeof a6) < 0 ? -1 : 0);
  setget("udp6", u6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  close(t), close(u), close(t6), close(u6), close(us);

  // UDP_CORK reads back 0 or 1; SOL_UDP and raw IPv6's SOL_RAW take a negative optlen as 4 (min_t unsigned).
  int uc = socket(AF_INET, SOCK_DGRAM, 0), r4 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int r6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), r6u = socket(AF_INET6, SOCK_RAW, IPPROTO_UDP);
  setget("udp4", uc, IPPROTO_UDP, 1, 5);
  setget("udp4", uc, IPPROTO_UDP, 1, 0);
  get("udp4-neglen", uc, find(IPPROTO_UDP, 1), (socklen_t)-1);
  get("udp4-neglen", uc, find(IPPROTO_UDP, 999), (socklen_t)-1);
  get("raw6-neglen", r6, find(255, 7), (socklen_t)-1);
  get("raw6-neglen", r6, find(255, 999), (socklen_t)-1);
  get("raw4-neglen", r4, find(255, 1), (socklen_t)-1);
  get("raw6-neglen", r6, find(IPPROTO_ICMPV6, 1), (socklen_t)-1);
  // ICMP_FILTER: as many bytes of the 32-bit mask as optlen holds.
  const struct opt *icf = find(255, 1), *i6f = find(IPPROTO_ICMPV6, 1);
  unsigned char ones[40];
  memset(ones, 0xff, sizeof ones);
  unsigned char zeros[40];
  memset(zeros, 0, sizeof zeros);
  set("raw4", r4, icf, 0, ones, 4, "ones4");
  get("raw4-ones", r4, icf, 8);
  set("raw4", r4, icf, 0, zeros, 1, "zero1");
  get("raw4-zero1", r4, icf, 8);
  set("raw4", r4, icf, 0, zeros, 3, "zero3");
  get("raw4-zero3", r4, icf, 2);
  set("raw4", r4, icf, 0, NULL, 0, "null0");
  get("raw4-null0", r4, icf, 4);
  // ICMPV6_FILTER: the same with struct icmp6_filter's 32 bytes.
  set("raw6", r6, i6f, 0, ones, 40, "ones40");
  get("raw6-ones", r6, i6f, 40);
  set("raw6", r6, i6f, 0, zeros, 5, "zero5");
  get("raw6-zero5", r6, i6f, 40);
  get("raw6-zero5", r6, i6f, 6);
  // IPV6_CHECKSUM: an offset, even; negative is off (-1). An ICMPv6 socket starts at 2 and takes it at SOL_RAW only.
  static const int cks[] = {3, 4, 0, -5, 2};
  for (unsigned i = 0; i < sizeof cks / sizeof cks[0]; i++) {
    setget("raw6", r6, 255, 7, cks[i]);
    setget("raw6", r6, IPPROTO_IPV6, 7, cks[i]);
    setget("raw6udp", r6u, IPPROTO_IPV6, 7, cks[i]);
    setget("raw6udp", r6u, 255, 7, cks[i] + 10);
  }
  close(uc), close(r4), close(r6), close(r6u);

  // An accepted socket's multicast TTL is the TTL the client's handshake came with: its IP_TTL.
  int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(l, SA(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(l, SA(&a), &n);
  listen(l, 1);
  setget("client", c, IPPROTO_IP, IP_TTL, 33);
  show("connect-client", connect(c, SA(&a), sizeof a));
  int acc = accept(l, NULL, NULL);
  setget("accepted", acc, IPPROTO_IP, IP_TTL, 64);
  int mt = -7;
  n = sizeof mt;
  show("get-accepted-mcast-ttl", getsockopt(acc, IPPROTO_IP, IP_MULTICAST_TTL, &mt, &n));
  printf("accepted-mcast-ttl %d\n", mt);
  close(acc), close(c), close(l);
}

/* The ICMPv6 checksum of msg (n bytes, even) from src to dst: the pseudo-header's sum, then the message's. */
static unsigned short icmp6sum(const struct in6_addr *src, const struct in6_addr *dst, const unsigned char *msg, int n) {
  unsigned long sum = 0;
  for (int i = 0; i < 16; i += 2) sum += (src->s6_addr[i] << 8 | src->s6_addr[i + 1]) + (dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
  sum += n + 58;
  for (int i = 0; i < n; i += 2) sum += msg[i] << 8 | msg[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (unsigned short)~sum;
}

/* IPV6_HDRINCL: on from the start on an IPPROTO_RAW socket; any non-zero value is on. A send is then the whole IPv6
 * packet, at least its header, sent as it is: an echo request from ::1 with hop limit 9 arrives with that hop
 * limit and is answered (hop limit 64). Only this program's messages (its echo identifier) are shown. */
static void hdrincl6(void) {
  int raw = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW), s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  int lst = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), on = 1;
  get("rawraw6-default", raw, find(IPPROTO_IPV6, 36), 4);
  setget("rawraw6", raw, IPPROTO_IPV6, 36, 0);
  setget("raw6", s, IPPROTO_IPV6, 36, 5);
  setget("raw6", s, 255, 36, 0);
  setget("raw6", s, 255, 36, -1);
  get("raw6-neglen", s, find(IPPROTO_IPV6, 36), (socklen_t)-1);
  show("recvhoplimit", setsockopt(lst, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on));
  // Natively the listener sees every ICMPv6 message the machine gets: echoes only, and only its own (below).
  struct icmp6_filter f;
  ICMP6_FILTER_SETBLOCKALL(&f);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
  setsockopt(lst, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
  struct sockaddr_in6 d;
  memset(&d, 0, sizeof d);
  d.sin6_family = AF_INET6;
  d.sin6_addr = in6addr_loopback;
  unsigned char p[48];
  memset(p, 0, sizeof p);
  p[0] = 0x60, p[5] = 8, p[6] = 58, p[7] = 9;
  memcpy(p + 8, &in6addr_loopback, 16), memcpy(p + 24, &in6addr_loopback, 16);
  p[40] = 128, p[44] = 0x5a, p[45] = 0x17, p[47] = 1;
  unsigned short c = icmp6sum(&in6addr_loopback, &in6addr_loopback, p + 40, 8);
  p[42] = c >> 8, p[43] = c & 0xff;
  show("hdrincl6-send-39", sendto(s, p, 39, 0, SA(&d), sizeof d));
  show("hdrincl6-send-echo", sendto(s, p, sizeof p, 0, SA(&d), sizeof d));
  for (int seen = 0; seen < 2;) {
    struct pollfd pf = {lst, POLLIN, 0};
    if (poll(&pf, 1, 5000) != 1) {
      printf("hdrincl6-recv timeout\n");
      break;
    }
    unsigned char b[64], cbuf[64];
    struct iovec iov = {b, sizeof b};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov, m.msg_iovlen = 1, m.msg_control = cbuf, m.msg_controllen = sizeof cbuf;
    ssize_t n = recvmsg(lst, &m, 0);
    if (n < 8 || b[4] != 0x5a || b[5] != 0x17) continue;
    int hops = -1;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
      if (h->cmsg_level == IPPROTO_IPV6 && h->cmsg_type == IPV6_HOPLIMIT) memcpy(&hops, CMSG_DATA(h), sizeof hops);
    printf("hdrincl6-recv-%s %zd hops=%d\n", b[0] == 128 ? "request" : b[0] == 129 ? "reply" : "other", n, hops);
    seen++;
  }
  close(raw), close(s), close(lst);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const socklen_t lens[] = {0, 1, 3, 4, 8, 64};
  for (int k = 0; k < NKINDS; k++) {
    for (int i = 0; i < NOPTS; i++) {
      const struct opt *o = &opts[i];
      int fd = mksock(&kinds[k]);
      if (fd < 0) {
        show(kinds[k].label, fd);
        break;
      }
      for (unsigned j = 0; j < sizeof lens / sizeof lens[0]; j++) get(kinds[k].label, fd, o, lens[j]);
      socklen_t l = 4;
      snprintf(label, sizeof label, "get-%s-%s-nullval", kinds[k].label, o->label);
      show(label, getsockopt(fd, o->level, o->name, NULL, &l));
      snprintf(label, sizeof label, "get-%s-%s-nulllen", kinds[k].label, o->label);
      show(label, getsockopt(fd, o->level, o->name, &l, NULL));
      l = 4;
      snprintf(label, sizeof label, "get-%s-%s-badval", kinds[k].label, o->label);
      show(label, getsockopt(fd, o->level, o->name, BADP, &l));

      unsigned char val[64];
      memset(val, 0, sizeof val);
      val[0] = 1;
      set(kinds[k].label, fd, o, 1, val, 0, "len0");
      set(kinds[k].label, fd, o, 1, val, 3, "len3");
      set(kinds[k].label, fd, o, 1, NULL, 4, "nullval");
      set(kinds[k].label, fd, o, 1, BADP, 4, "badval");
      set(kinds[k].label, fd, o, 1, val, 64, "len64");
      close(fd);
    }
  }
  bounds();
  hdrincl6();
  return 0;
}
