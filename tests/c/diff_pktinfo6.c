/* IPV6_RECVPKTINFO and IPV6_RECVHOPLIMIT (RFC 3542) compared with Linux:
 * the options' values; a ::1 datagram's IPV6_PKTINFO and IPV6_HOPLIMIT, in
 * Linux's order; a control buffer with room for one (MSG_CTRUNC) and none;
 * sendmsg's IPV6_HOPLIMIT (the hop limit the receiver sees; -1 the default,
 * out of range EINVAL) and IPV6_PKTINFO (a chosen source, a foreign one, an
 * unknown interface, a short one); IPV6_UNICAST_HOPS; a dual-stack socket's IPv4 datagram
 * (its IPV6_PKTINFO carries the v4-mapped destination, and no hop limit); the
 * sticky IPV6_PKTINFO's interface; what an accepted socket inherits. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void try_send(int s, struct sockaddr_in6 *to, int type, int len, int ifindex, const char *src, int hops) {
  union { struct cmsghdr a; char c[64]; } u;
  memset(&u, 0, sizeof u);
  struct iovec iov = {"x", 1};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_name = to; m.msg_namelen = sizeof *to; m.msg_iov = &iov; m.msg_iovlen = 1;
  m.msg_control = u.c; m.msg_controllen = CMSG_SPACE(len);
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = IPPROTO_IPV6; c->cmsg_type = type; c->cmsg_len = CMSG_LEN(len);
  if ((type == IPV6_PKTINFO || type == 2) && len >= (int)sizeof(struct in6_pktinfo)) {
    struct in6_pktinfo pi; memset(&pi, 0, sizeof pi); pi.ipi6_ifindex = ifindex; inet_pton(AF_INET6, src, &pi.ipi6_addr);
    memcpy(CMSG_DATA(c), &pi, sizeof pi);
  } else if (type != IPV6_PKTINFO && type != 2 && len >= (int)sizeof hops) memcpy(CMSG_DATA(c), &hops, sizeof hops);
  errno = 0;
  ssize_t r = sendmsg(s, &m, 0);
  printf("sendmsg type %d len %d ifindex %d src %s hops %d: %zd %s\n", type, len, ifindex, src, hops, r, r < 0 ? strerror(errno) : "ok");
}

/* One recvmsg with `room` bytes of control buffer (-1: no buffer), printing every control message. */
static void show(int fd, int room) {
  char buf[8];
  union { struct cmsghdr a; char c[128]; } u;
  memset(&u, 0, sizeof u);
  struct iovec iov = {buf, sizeof buf};
  struct sockaddr_in6 f;
  struct msghdr m; memset(&m, 0, sizeof m);
  m.msg_name = &f; m.msg_namelen = sizeof f; m.msg_iov = &iov; m.msg_iovlen = 1;
  m.msg_control = room < 0 ? NULL : u.c; m.msg_controllen = room < 0 ? 0 : (size_t)room;
  ssize_t n = recvmsg(fd, &m, 0);
  char from[INET6_ADDRSTRLEN]; inet_ntop(AF_INET6, &f.sin6_addr, from, sizeof from);
  /* The layout differs (wasm32's cmsghdr is 12 bytes, x86-64's 16): lengths are printed as data bytes, and
   * msg_controllen checked against the space the messages take. */
  size_t want = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) want += CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
  if (room >= 0 && want > (size_t)room) want = (size_t)room;
  printf("recv %zd from %s flags %#x controllen %s\n", n, from, m.msg_flags, m.msg_controllen == want ? "as used" : "unexpected");
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
      struct in6_pktinfo pi; memcpy(&pi, CMSG_DATA(c), sizeof pi);
      char d[INET6_ADDRSTRLEN]; inet_ntop(AF_INET6, &pi.ipi6_addr, d, sizeof d);
      printf("  level %d type %d data %zu: to %s ifindex %u\n", c->cmsg_level, c->cmsg_type, (size_t)(c->cmsg_len - CMSG_LEN(0)), d, pi.ipi6_ifindex);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int h; memcpy(&h, CMSG_DATA(c), sizeof h);
      printf("  level %d type %d data %zu: hoplimit %d\n", c->cmsg_level, c->cmsg_type, (size_t)(c->cmsg_len - CMSG_LEN(0)), h);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int t; memcpy(&t, CMSG_DATA(c), sizeof t);
      printf("  level %d type %d data %zu: ttl %d\n", c->cmsg_level, c->cmsg_type, (size_t)(c->cmsg_len - CMSG_LEN(0)), t);
    } else printf("  level %d type %d data %zu\n", c->cmsg_level, c->cmsg_type, (size_t)(c->cmsg_len - CMSG_LEN(0)));
  }
}

/* A raw ICMPv6 socket's arrivals carry IPV6_PKTINFO and IPV6_HOPLIMIT as a UDP socket's do; ICMPV6_FILTER drops
 * the types it blocks (here all but echo requests and replies, then the requests too; a message too short for the
 * 4-byte header is always dropped); IPV6_CHECKSUM says where the kernel writes the checksum of what is sent: -1
 * sends the bytes as they are (a wrong checksum: no echo reply, and a socket that checks checksums, as an ICMPv6
 * one does by default, drops it), an offset past the message is EINVAL; an ICMPv6 message needs its type and
 * code (EFAULT). */
static void rawsend(int fd, const unsigned char *msg, int len, const char *what) {
  struct sockaddr_in6 lo; memset(&lo, 0, sizeof lo); lo.sin6_family = AF_INET6; lo.sin6_addr = in6addr_loopback;
  errno = 0;
  ssize_t n = sendto(fd, msg, len, 0, (struct sockaddr *)&lo, sizeof lo);
  printf("raw send %s (%d bytes): %zd %s\n", what, len, n, n < 0 ? strerror(errno) : "ok");
}

/* What is queued on fd, each message shown, until nothing is. */
static void rawdrain(int fd, const char *who) {
  for (;;) {
    unsigned char b[64];
    errno = 0;
    ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT | MSG_PEEK);
    if (n < 0) {
      printf("%s: %s\n", who, strerror(errno));
      return;
    }
    printf("%s: type %d checksum %02x%02x\n", who, b[0], b[2], b[3]);
    show(fd, 128);
  }
}

static void raw6(void) {
  int on = 1;
  int a = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), b = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  struct icmp6_filter f;
  ICMP6_FILTER_SETBLOCKALL(&f);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
  printf("set filter %d\n", setsockopt(a, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f));
  setsockopt(b, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
  setsockopt(a, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  setsockopt(a, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  unsigned char echo[8] = {ICMP6_ECHO_REQUEST, 0, 0xab, 0xcd, 0x51, 0xc7, 0, 1};
  /* The request as it arrives (the checksum the kernel wrote), then the reply. */
  rawsend(a, echo, sizeof echo, "echo");
  rawdrain(a, "a");
  rawdrain(b, "b");
  /* The hop limit the message left with. */
  int h5 = 5;
  setsockopt(a, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &h5, sizeof h5);
  echo[7] = 2;
  rawsend(a, echo, sizeof echo, "echo hops 5");
  rawdrain(a, "a");
  /* Echo requests blocked on b: only the reply. */
  ICMP6_FILTER_SETBLOCK(ICMP6_ECHO_REQUEST, &f);
  setsockopt(b, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
  echo[7] = 3;
  rawsend(a, echo, sizeof echo, "echo");
  rawdrain(b, "b");
  rawdrain(a, "a");
  /* IPV6_CHECKSUM -1: the bytes as given. */
  int off = -1, four = 4, two = 2;
  printf("set checksum -1: %d\n", setsockopt(a, SOL_RAW, IPV6_CHECKSUM, &off, sizeof off));
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
  setsockopt(b, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
  echo[7] = 4;
  rawsend(a, echo, sizeof echo, "unchecked echo");
  rawdrain(a, "a");
  rawdrain(b, "b");
  rawsend(a, echo, 3, "short");
  rawsend(a, echo, 1, "one byte");
  rawdrain(a, "a");
  /* An offset the message must hold two bytes at. */
  setsockopt(a, SOL_RAW, IPV6_CHECKSUM, &four, sizeof four);
  rawsend(a, echo, 5, "offset 4");
  rawsend(a, echo, 6, "offset 4");
  rawdrain(a, "a");
  setsockopt(a, SOL_RAW, IPV6_CHECKSUM, &two, sizeof two);
  rawsend(a, echo, 3, "offset 2");
  rawsend(a, echo, 0, "offset 2");
  close(a); close(b);
}

static void opt(int fd, int name) {
  int v = -7; socklen_t l = sizeof v;
  int r = getsockopt(fd, IPPROTO_IPV6, name, &v, &l);
  printf("getsockopt %d: %d value %d len %d\n", name, r, v, (int)l);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int r = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a; memset(&a, 0, sizeof a); a.sin6_family = AF_INET6; a.sin6_addr = in6addr_loopback;
  bind(r, (struct sockaddr *)&a, sizeof a);
  socklen_t al = sizeof a; getsockname(r, (struct sockaddr *)&a, &al);
  opt(r, IPV6_RECVPKTINFO);
  opt(r, IPV6_RECVHOPLIMIT);
  int on = 1, two = 2;
  printf("set RECVPKTINFO %d\n", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on));
  printf("set RECVHOPLIMIT %d\n", setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &two, sizeof two));
  char one = 1;
  errno = 0;
  { int rc = setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, 1); printf("set RECVHOPLIMIT short %d %s\n", rc, rc ? strerror(errno) : "ok"); }
  opt(r, IPV6_RECVPKTINFO);
  opt(r, IPV6_RECVHOPLIMIT);
  /* IPv4's options do not apply to an IPv6 datagram. */
  int s = socket(AF_INET6, SOCK_DGRAM, 0);
  sendto(s, "hello", 5, 0, (struct sockaddr *)&a, sizeof a);
  show(r, 128);
  /* Room for the first message only: the second is cut and MSG_CTRUNC set. */
  sendto(s, "cut", 3, 0, (struct sockaddr *)&a, sizeof a);
  show(r, CMSG_SPACE(sizeof(struct in6_pktinfo)));
  sendto(s, "cut2", 4, 0, (struct sockaddr *)&a, sizeof a);
  show(r, CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_LEN(2));
  sendto(s, "none", 4, 0, (struct sockaddr *)&a, sizeof a);
  show(r, -1);
  try_send(s, &a, IPV6_HOPLIMIT, sizeof(int), 0, "-", 7);
  show(r, 128);
  try_send(s, &a, IPV6_HOPLIMIT, sizeof(int), 0, "-", -1);
  show(r, 128);
  /* IPV6_UNICAST_HOPS is the socket's hop limit; a message's -1 stands for it. */
  opt(s, IPV6_UNICAST_HOPS);
  int h9 = 9;
  setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &h9, sizeof h9);
  opt(s, IPV6_UNICAST_HOPS);
  try_send(s, &a, IPV6_HOPLIMIT, sizeof(int), 0, "-", -1);
  show(r, 128);
  int hd = -1;
  setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hd, sizeof hd);
  try_send(s, &a, IPV6_HOPLIMIT, sizeof(int), 0, "-", 256);
  try_send(s, &a, IPV6_HOPLIMIT, sizeof(int), 0, "-", -2);
  try_send(s, &a, IPV6_HOPLIMIT, 2, 0, "-", 0);
  try_send(s, &a, IPV6_PKTINFO, sizeof(struct in6_pktinfo), 0, "::1", 0);
  show(r, 128);
  try_send(s, &a, IPV6_PKTINFO, sizeof(struct in6_pktinfo), 1, "::", 0);
  show(r, 128);
  try_send(s, &a, IPV6_PKTINFO, sizeof(struct in6_pktinfo), 0, "2001:db8::9", 0);
  try_send(s, &a, IPV6_PKTINFO, sizeof(struct in6_pktinfo), 9999, "::", 0);
  try_send(s, &a, IPV6_PKTINFO, 8, 0, "::", 0);
  try_send(s, &a, 99, sizeof(int), 0, "-", 0);
  /* RFC 2292's number for IPV6_PKTINFO, a longer in6_pktinfo, IPV6_TCLASS and IPV6_DONTFRAG: checked, accepted. */
  try_send(s, &a, 2, sizeof(struct in6_pktinfo), 1, "::1", 0);
  try_send(s, &a, IPV6_PKTINFO, sizeof(struct in6_pktinfo) + 4, 0, "::1", 0);
  try_send(s, &a, IPV6_TCLASS, sizeof(int), 0, "-", 5);
  try_send(s, &a, IPV6_TCLASS, sizeof(int), 0, "-", 256);
  try_send(s, &a, IPV6_DONTFRAG, sizeof(int), 0, "-", 1);
  try_send(s, &a, IPV6_DONTFRAG, sizeof(int), 0, "-", 2);
  for (int i = 0; i < 4; i++) show(r, 128);
  /* IP_PKTINFO on an IPv6 socket says nothing of an IPv6 datagram. */
  int off = 0;
  setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &off, sizeof off);
  setsockopt(r, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  sendto(s, "v6", 2, 0, (struct sockaddr *)&a, sizeof a);
  show(r, 128);
  /* A dual-stack socket receiving an IPv4 datagram. */
  int d = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 any; memset(&any, 0, sizeof any); any.sin6_family = AF_INET6; any.sin6_addr = in6addr_any;
  bind(d, (struct sockaddr *)&any, sizeof any);
  socklen_t anyl = sizeof any; getsockname(d, (struct sockaddr *)&any, &anyl);
  setsockopt(d, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  setsockopt(d, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  int s4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to4; memset(&to4, 0, sizeof to4); to4.sin_family = AF_INET; to4.sin_port = any.sin6_port;
  to4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(s4, "v4", 2, 0, (struct sockaddr *)&to4, sizeof to4);
  show(d, 128);
  /* ... and with IP_PKTINFO and IP_RECVTTL too. */
  setsockopt(d, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  setsockopt(d, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  sendto(s4, "v4b", 3, 0, (struct sockaddr *)&to4, sizeof to4);
  show(d, 128);
  /* ... and an IPv6 one to the same socket. */
  struct sockaddr_in6 lo6 = any; lo6.sin6_addr = in6addr_loopback;
  sendto(s, "v6b", 3, 0, (struct sockaddr *)&lo6, sizeof lo6);
  show(d, 128);
  /* An IPv6 socket's IPv4 datagram takes IPV6_PKTINFO's v4-mapped source, and no IPV6_HOPLIMIT. */
  struct sockaddr_in6 m4 = any; inet_pton(AF_INET6, "::ffff:127.0.0.1", &m4.sin6_addr);
  try_send(s, &m4, IPV6_PKTINFO, sizeof(struct in6_pktinfo), 0, "::ffff:127.0.0.7", 0);
  show(d, 128);
  try_send(s, &m4, IPV6_PKTINFO, sizeof(struct in6_pktinfo), 0, "::1", 0);
  try_send(s, &m4, IPV6_HOPLIMIT, sizeof(int), 0, "-", 5);
  show(d, 128);
  /* The sticky IPV6_PKTINFO: any interface index is taken; an unknown one leaves no route. */
  struct in6_pktinfo sp; memset(&sp, 0, sizeof sp);
  unsigned sticky[] = {9999, 1, 0};
  for (int i = 0; i < 3; i++) {
    sp.ipi6_ifindex = sticky[i];
    errno = 0;
    int rc = setsockopt(s, IPPROTO_IPV6, IPV6_PKTINFO, &sp, sizeof sp);
    printf("set PKTINFO ifindex %u: %d %s\n", sticky[i], rc, rc ? strerror(errno) : "ok");
    errno = 0;
    ssize_t n = sendto(s, "st", 2, 0, (struct sockaddr *)&a, sizeof a);
    printf("sendto: %zd %s\n", n, n < 0 ? strerror(errno) : "ok");
    if (n > 0) show(r, 128);
  }
  errno = 0;
  { int rc = setsockopt(s, IPPROTO_IPV6, IPV6_PKTINFO, &sp, 8); printf("set PKTINFO short %d %s\n", rc, rc ? strerror(errno) : "ok"); }
  errno = 0;
  { int rc = setsockopt(s, IPPROTO_IPV6, IPV6_PKTINFO, &sp, 0); printf("set PKTINFO empty %d %s\n", rc, rc ? strerror(errno) : "ok"); }
  struct in6_pktinfo gp; memset(&gp, 0x55, sizeof gp); socklen_t gl = sizeof gp;
  errno = 0;
  { int rc = getsockopt(s, IPPROTO_IPV6, IPV6_PKTINFO, &gp, &gl); printf("get PKTINFO %d %s len %d\n", rc, rc ? strerror(errno) : "ok", (int)gl); }
  errno = 0;
  { int rc = setsockopt(s4, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on); printf("set RECVPKTINFO on v4 %d %s\n", rc, rc ? strerror(errno) : "ok"); }
  /* An accepted TCP socket inherits the listener's IPv6 options (tcp_v6_syn_recv_sock copies them). */
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 la = a; la.sin6_port = 0;
  bind(l, (struct sockaddr *)&la, sizeof la);
  socklen_t lal = sizeof la; getsockname(l, (struct sockaddr *)&la, &lal);
  listen(l, 1);
  int h7 = 7;
  setsockopt(l, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &h7, sizeof h7);
  setsockopt(l, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  int c = socket(AF_INET6, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&la, sizeof la);
  int x = accept(l, NULL, NULL);
  opt(x, IPV6_UNICAST_HOPS);
  opt(x, IPV6_RECVPKTINFO);
  opt(c, IPV6_RECVPKTINFO);
  close(x); close(c); close(l);
  close(r); close(s); close(d); close(s4);
  raw6();
  return 0;
}
