// Bad input to send/sendto/sendmsg, recv/recvfrom/recvmsg and
// setsockopt/getsockopt (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6):
// each case gets Linux's errno. Compared line by line with a native build by
// tests/errno-diff.test.ts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include "diff_errno.h"

#define SA(p) ((struct sockaddr *)(p))

static struct sockaddr_in lo4(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* A UDP socket bound to loopback, and its address. */
static int udp(struct sockaddr_in *a) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  *a = lo4(0);
  bind(s, SA(a), sizeof *a);
  socklen_t l = sizeof *a;
  getsockname(s, SA(a), &l);
  return s;
}

static int setint(int fd, int level, int name, int v, socklen_t len) { return setsockopt(fd, level, name, &v, len); }

static void getint(const char *name, int fd, int level, int opt, socklen_t len) {
  int v = -7;
  socklen_t l = len;
  int r = getsockopt(fd, level, opt, &v, &l);
  if (r < 0) show(name, r);
  else printf("%s 0 - len=%u\n", name, (unsigned)l);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  bad_fds();
#define EACH_BAD(label, expr) EACH_BAD_OF(4, label, expr)
  static char big[70000];
  char buf[64];
  struct sockaddr_in ua, ub;
  int u = udp(&ua), u2 = udp(&ub);

  // A connected TCP pair and a listener.
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in la = lo4(0);
  bind(l, SA(&la), sizeof la);
  socklen_t sl = sizeof la;
  getsockname(l, SA(&la), &sl);
  listen(l, 5);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, SA(&la), sizeof la);
  int a = accept(l, NULL, NULL);
  int t = socket(AF_INET, SOCK_STREAM, 0);

  // send, sendto.
  EACH_BAD("send", send(fd, "x", 1, 0));
  EACH_BAD("sendto", sendto(fd, "x", 1, 0, SA(&ua), sizeof ua));
  show("send-tcp-unconnected", send(t, "x", 1, 0));
  show("send-tcp-listening", send(l, "x", 1, 0));
  show("send-udp-unconnected", send(u, "x", 1, 0));
  show("sendto-udp-len0", sendto(u, "x", 1, 0, SA(&ub), 0));
  show("sendto-udp-len-short", sendto(u, "x", 1, 0, SA(&ub), 8));
  show("sendto-udp-len-neg", sendto(u, "x", 1, 0, SA(&ub), (socklen_t)-1));
  show("sendto-udp-len-big", sendto(u, "x", 1, 0, SA(&ub), 200));
  show("sendto-udp-null-addr", sendto(u, "x", 1, 0, NULL, sizeof ub));
  show("sendto-udp-badp-addr", sendto(u, "x", 1, 0, BADP, sizeof ub));
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  a6.sin6_port = ub.sin_port;
  show("sendto-udp-inet6-addr", sendto(u, "x", 1, 0, SA(&a6), sizeof a6));
  struct sockaddr_in fam = ub;
  fam.sin_family = AF_UNIX;
  show("sendto-udp-family-unix", sendto(u, "x", 1, 0, SA(&fam), sizeof fam));
  fam = ub;
  fam.sin_port = 0;
  show("sendto-udp-port0", sendto(u, "x", 1, 0, SA(&fam), sizeof fam));
  show("sendto-udp-badp-buf", sendto(u, BADP, 10, 0, SA(&ub), sizeof ub));
  show("sendto-udp-null-buf-len0", sendto(u, NULL, 0, 0, SA(&ub), sizeof ub));
  show("sendto-udp-65507", sendto(u, big, 65507, 0, SA(&ub), sizeof ub));
  show("sendto-udp-65508", sendto(u, big, 65508, 0, SA(&ub), sizeof ub));
  show("sendto-udp-70000", sendto(u, big, 70000, 0, SA(&ub), sizeof ub));
  show("recv-udp-65507", recv(u2, big, sizeof big, MSG_DONTWAIT));
  show("recv-udp-0", recv(u2, big, sizeof big, MSG_DONTWAIT));
  show("recv-udp-empty", recv(u2, big, sizeof big, MSG_DONTWAIT));
  show("sendto-udp-oob", sendto(u, "x", 1, MSG_OOB, SA(&ub), sizeof ub));
  show("sendto-udp-flag-high", sendto(u, "x", 1, 0x10000000, SA(&ub), sizeof ub));
  show("sendto-udp-flag-trunc", sendto(u, "x", 1, MSG_TRUNC, SA(&ub), sizeof ub));
  show("sendto-udp-flag-cloexec", sendto(u, "x", 1, MSG_CMSG_CLOEXEC, SA(&ub), sizeof ub));
  show("sendto-udp-flag-compat", sendto(u, "x", 1, (int)0x80000000u, SA(&ub), sizeof ub));
  show("recv-udp-flag-compat", recv(u2, buf, sizeof buf, MSG_DONTWAIT | (int)0x80000000u));
  while (recv(u2, buf, sizeof buf, MSG_DONTWAIT) >= 0) {}
  int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 b6 = a6;
  b6.sin6_port = 0;
  bind(u6, SA(&b6), sizeof b6);
  sl = sizeof b6;
  getsockname(u6, SA(&b6), &sl);
  show("sendto-udp6-65527", sendto(u6, big, 65527, 0, SA(&b6), sizeof b6));
  show("sendto-udp6-65528", sendto(u6, big, 65528, 0, SA(&b6), sizeof b6));
  show("sendto-udp6-len-short", sendto(u6, "x", 1, 0, SA(&b6), 20));
  show("sendto-udp6-inet-addr", sendto(u6, "x", 1, 0, SA(&ub), sizeof ub));
  show("recv-udp6-65527", recv(u6, big, sizeof big, MSG_DONTWAIT));
  close(u6);
  // A v6 socket bound to a v6 address is v6-only (inet6_bind); unbound it sends IPv4 too.
  u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  show("sendto-udp6-unbound-inet-addr", sendto(u6, "x", 1, 0, SA(&ub), sizeof ub));
  close(u6);
  while (recv(u2, buf, sizeof buf, MSG_DONTWAIT) >= 0) {}
  show("send-tcp-badp-buf", send(c, BADP, 10, 0));
  show("send-tcp-len0", send(c, "x", 0, 0));
  show("sendto-tcp-connected-addr", sendto(c, "x", 1, 0, SA(&ub), sizeof ub));
  show("recv-tcp-1", recv(a, buf, sizeof buf, 0));
  show("send-tcp-flag-high", send(c, "x", 1, 0x10000000));
  show("recv-tcp-2", recv(a, buf, sizeof buf, 0));

  // sendmsg.
  struct iovec iov = {"x", 1};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_name = &ub;
  m.msg_namelen = sizeof ub;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  EACH_BAD("sendmsg", sendmsg(fd, &m, 0));
  show("sendmsg-ok", sendmsg(u, &m, 0));
  show("sendmsg-null", sendmsg(u, NULL, 0));
  show("sendmsg-flag-compat", sendmsg(u, &m, (int)0x80000000u));
  show("sendmsg-badp", sendmsg(u, BADP, 0));
  struct msghdr mm = m;
  mm.msg_iovlen = 1025;
  show("sendmsg-iovlen-1025", sendmsg(u, &mm, 0));
  mm.msg_iovlen = (size_t)-1;
  show("sendmsg-iovlen-neg", sendmsg(u, &mm, 0));
  mm = m;
  mm.msg_iov = BADP;
  show("sendmsg-badp-iov", sendmsg(u, &mm, 0));
  mm = m;
  struct iovec biov = {BADP, 8};
  mm.msg_iov = &biov;
  show("sendmsg-badp-base", sendmsg(u, &mm, 0));
  mm = m;
  mm.msg_namelen = 4;
  show("sendmsg-namelen-short", sendmsg(u, &mm, 0));
  mm.msg_namelen = 200;
  show("sendmsg-namelen-big", sendmsg(u, &mm, 0));
  mm = m;
  mm.msg_name = NULL;
  show("sendmsg-no-name-unconnected", sendmsg(u, &mm, 0));
  mm = m;
  mm.msg_control = BADP;
  mm.msg_controllen = 32;
  show("sendmsg-badp-control", sendmsg(u, &mm, 0));
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } cm;
  memset(&cm, 0, sizeof cm);
  cm.h.cmsg_level = SOL_SOCKET;
  cm.h.cmsg_type = SCM_RIGHTS;
  cm.h.cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(&cm.h), &u2, sizeof(int));
  mm = m;
  mm.msg_control = &cm;
  mm.msg_controllen = sizeof cm;
  show("sendmsg-udp-scm-rights", sendmsg(u, &mm, 0));
  cm.h.cmsg_len = 4;
  show("sendmsg-cmsg-len-short", sendmsg(u, &mm, 0));
  cm.h.cmsg_len = sizeof cm + 8;
  show("sendmsg-cmsg-len-long", sendmsg(u, &mm, 0));
  while (recv(u2, buf, sizeof buf, MSG_DONTWAIT) >= 0) {}

  // AF_UNIX send errors.
  int us = socket(AF_UNIX, SOCK_STREAM, 0);
  show("send-unix-stream-unconnected", send(us, "x", 1, 0));
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, "/no-such-dir/sock");
  show("sendto-unix-stream-addr", sendto(us, "x", 1, 0, SA(&un), sizeof un));
  show("recv-unix-stream-unconnected", recv(us, buf, sizeof buf, MSG_DONTWAIT));
  int ud = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("send-unix-dgram-unconnected", send(ud, "x", 1, 0));
  show("sendto-unix-dgram-noent", sendto(ud, "x", 1, 0, SA(&un), sizeof un));
  show("sendto-unix-dgram-inet-addr", sendto(ud, "x", 1, 0, SA(&ub), sizeof ub));
  show("recv-unix-dgram-empty", recv(ud, buf, sizeof buf, MSG_DONTWAIT));
  int sv[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  show("send-unix-dgram-oob", send(sv[0], "x", 1, MSG_OOB));
  show("recv-unix-dgram-oob", recv(sv[1], buf, sizeof buf, MSG_OOB));
  show("sendto-unix-dgram-connected-addr", sendto(sv[0], "x", 1, 0, SA(&un), sizeof un));
  close(sv[0]);
  close(sv[1]);
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  show("sendto-unix-stream-connected-addr", sendto(sv[0], "x", 1, 0, SA(&un), sizeof un));
  close(sv[0]);
  close(sv[1]);
  close(us);
  close(ud);

  // recv, recvfrom.
  EACH_BAD("recv", recv(fd, buf, sizeof buf, 0));
  show("recv-tcp-unconnected", recv(t, buf, sizeof buf, 0));
  show("recv-tcp-listening", recv(l, buf, sizeof buf, 0));
  show("recv-udp-dontwait", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("recv-tcp-oob-none", recv(a, buf, sizeof buf, MSG_OOB));
  show("recv-udp-oob", recv(u2, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT));
  show("recv-tcp-errqueue", recv(a, buf, sizeof buf, MSG_ERRQUEUE));
  show("recv-udp-errqueue", recv(u2, buf, sizeof buf, MSG_ERRQUEUE));
  show("recv-tcp-len0-nodata", recv(a, buf, 0, MSG_DONTWAIT));
  show("send-tcp-3", send(c, "abc", 3, 0));
  show("recv-tcp-badp-buf", recv(a, BADP, 3, 0));
  show("recv-tcp-after-badp", recv(a, buf, sizeof buf, 0));
  show("send-tcp-3b", send(c, "abc", 3, 0));
  struct sockaddr_in from;
  sl = (socklen_t)-1;
  show("recvfrom-tcp-len-neg", recvfrom(a, buf, sizeof buf, 0, SA(&from), &sl));
  show("recv-tcp-after-len-neg", recv(a, buf, sizeof buf, MSG_DONTWAIT));
  show("sendto-udp-a", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  show("recv-udp-badp-buf", recv(u2, BADP, 3, 0));
  show("recv-udp-after-badp", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("sendto-udp-b", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  sl = (socklen_t)-1;
  show("recvfrom-udp-len-neg", recvfrom(u2, buf, sizeof buf, 0, SA(&from), &sl));
  show("recv-udp-after-len-neg", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("sendto-udp-c", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  show("recvfrom-udp-null-len", recvfrom(u2, buf, sizeof buf, 0, SA(&from), NULL));
  show("recv-udp-after-null-len", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("sendto-udp-d", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  sl = sizeof from;
  show("recvfrom-udp-badp-addr", recvfrom(u2, buf, sizeof buf, 0, BADP, &sl));
  show("recv-udp-after-badp-addr", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("recv-udp-flag-high", recv(u2, buf, sizeof buf, MSG_DONTWAIT | 0x10000000));

  // recvmsg.
  struct msghdr rm;
  memset(&rm, 0, sizeof rm);
  struct iovec riov = {buf, sizeof buf};
  rm.msg_iov = &riov;
  rm.msg_iovlen = 1;
  EACH_BAD("recvmsg", recvmsg(fd, &rm, 0));
  show("recvmsg-null", recvmsg(u2, NULL, MSG_DONTWAIT));
  show("recvmsg-badp", recvmsg(u2, BADP, MSG_DONTWAIT));
  struct msghdr rr = rm;
  rr.msg_iovlen = 1025;
  show("recvmsg-iovlen-1025", recvmsg(u2, &rr, MSG_DONTWAIT));
  rr = rm;
  rr.msg_iov = BADP;
  show("recvmsg-badp-iov", recvmsg(u2, &rr, MSG_DONTWAIT));
  show("recvmsg-empty", recvmsg(u2, &rm, MSG_DONTWAIT));
  show("recvmsg-flag-compat", recvmsg(u2, &rm, MSG_DONTWAIT | (int)0x80000000u));
  show("recvmsg-tcp-unconnected", recvmsg(t, &rm, 0));
  // An iov_base the kernel cannot write into: the datagram is taken off the queue and lost (udp_recvmsg,
  // unix_dgram_recvmsg), the next recv gets the following one; MSG_PEEK leaves it queued.
  struct iovec bad2[2] = {{buf, 2}, {BADP, 8}};
  rr = rm;
  rr.msg_iov = &biov;
  show("sendto-udp-e", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  show("sendto-udp-f", sendto(u, "de", 2, 0, SA(&ub), sizeof ub));
  show("recvmsg-udp-badp-base", recvmsg(u2, &rr, 0));
  show("recv-udp-after-recvmsg-badp-base", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("recv-udp-after-recvmsg-badp-base-2", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("sendto-udp-g", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  show("recvmsg-udp-badp-base-peek", recvmsg(u2, &rr, MSG_PEEK));
  show("recv-udp-after-recvmsg-badp-base-peek", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  // A bad second iovec: a datagram that fits in the first is received, a longer one is lost.
  rr.msg_iov = bad2;
  rr.msg_iovlen = 2;
  show("sendto-udp-h", sendto(u, "de", 2, 0, SA(&ub), sizeof ub));
  show("recvmsg-udp-badp-second-fits", recvmsg(u2, &rr, 0));
  show("sendto-udp-i", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  show("sendto-udp-j", sendto(u, "de", 2, 0, SA(&ub), sizeof ub));
  show("recvmsg-udp-badp-second-long", recvmsg(u2, &rr, 0));
  show("recv-udp-after-recvmsg-badp-second", recv(u2, buf, sizeof buf, MSG_DONTWAIT));
  show("recvmsg-udp-badp-base-empty", recvmsg(u2, &rr, MSG_DONTWAIT));
  // An empty iovec is never written, wherever it points.
  struct iovec bad0[2] = {{BADP, 0}, {buf, sizeof buf}};
  rr.msg_iov = bad0;
  show("sendto-udp-k", sendto(u, "abc", 3, 0, SA(&ub), sizeof ub));
  show("recvmsg-udp-badp-empty-iov", recvmsg(u2, &rr, 0));
  // AF_UNIX datagrams: lost the same way.
  int dp[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, dp);
  rr.msg_iov = &biov;
  rr.msg_iovlen = 1;
  send(dp[0], "abc", 3, 0);
  send(dp[0], "de", 2, 0);
  show("recvmsg-unix-dgram-badp-base", recvmsg(dp[1], &rr, 0));
  show("recv-unix-dgram-after-recvmsg-badp-base", recv(dp[1], buf, sizeof buf, MSG_DONTWAIT));
  close(dp[0]);
  close(dp[1]);

  // setsockopt.
  int one = 1;
  EACH_BAD("setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  EACH_BAD("getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &one, &sl));
  show("setsockopt-level-bad", setint(t, 12345, 1, 1, 4));
  show("setsockopt-level-neg", setint(t, -1, 1, 1, 4));
  show("setsockopt-sol-name-bad", setint(t, SOL_SOCKET, 12345, 1, 4));
  show("setsockopt-tcp-name-bad", setint(t, IPPROTO_TCP, 999, 1, 4));
  show("setsockopt-ip-name-bad", setint(t, IPPROTO_IP, 999, 1, 4));
  show("setsockopt-ipv6-on-inet", setint(t, IPPROTO_IPV6, IPV6_V6ONLY, 1, 4));
  show("setsockopt-tcp-on-udp", setint(u, IPPROTO_TCP, TCP_NODELAY, 1, 4));
  show("setsockopt-udp-level-on-tcp", setint(t, IPPROTO_UDP, 1, 1, 4));
  show("setsockopt-reuseaddr-len0", setint(t, SOL_SOCKET, SO_REUSEADDR, 1, 0));
  show("setsockopt-reuseaddr-len2", setint(t, SOL_SOCKET, SO_REUSEADDR, 1, 2));
  show("setsockopt-reuseaddr-len-neg", setint(t, SOL_SOCKET, SO_REUSEADDR, 1, (socklen_t)-1));
  show("setsockopt-reuseaddr-len8", setint(t, SOL_SOCKET, SO_REUSEADDR, 1, 8));
  show("setsockopt-reuseaddr-null", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, NULL, 4));
  show("setsockopt-reuseaddr-badp", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, BADP, 4));
  show("setsockopt-linger-len4", setint(t, SOL_SOCKET, SO_LINGER, 1, 4));
  struct timeval tv = {1, 1000000};
  show("setsockopt-rcvtimeo-usec-big", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  tv.tv_usec = -1;
  show("setsockopt-sndtimeo-usec-neg", setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
  tv.tv_sec = -5;
  tv.tv_usec = 0;
  show("setsockopt-rcvtimeo-sec-neg", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  show("setsockopt-rcvtimeo-len4", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
  show("setsockopt-type-readonly", setint(t, SOL_SOCKET, SO_TYPE, 1, 4));
  show("setsockopt-error-readonly", setint(t, SOL_SOCKET, SO_ERROR, 1, 4));
  show("setsockopt-nodelay-len2", setint(t, IPPROTO_TCP, TCP_NODELAY, 1, 2));
  show("setsockopt-maxseg-10", setint(t, IPPROTO_TCP, TCP_MAXSEG, 10, 4));
  show("setsockopt-keepidle-0", setint(t, IPPROTO_TCP, TCP_KEEPIDLE, 0, 4));
  show("setsockopt-keepidle-40000", setint(t, IPPROTO_TCP, TCP_KEEPIDLE, 40000, 4));
  show("setsockopt-keepintvl-0", setint(t, IPPROTO_TCP, TCP_KEEPINTVL, 0, 4));
  show("setsockopt-keepcnt-0", setint(t, IPPROTO_TCP, TCP_KEEPCNT, 0, 4));
  show("setsockopt-keepcnt-200", setint(t, IPPROTO_TCP, TCP_KEEPCNT, 200, 4));
  show("setsockopt-maxseg-0", setint(t, IPPROTO_TCP, TCP_MAXSEG, 0, 4));
  show("setsockopt-maxseg-88", setint(t, IPPROTO_TCP, TCP_MAXSEG, 88, 4));
  show("setsockopt-maxseg-40000", setint(t, IPPROTO_TCP, TCP_MAXSEG, 40000, 4));
  show("setsockopt-keepcnt-127", setint(t, IPPROTO_TCP, TCP_KEEPCNT, 127, 4));
  // Not here: TCP_USER_TIMEOUT, which socklab does not implement (ENOPROTOOPT for any value).
  show("setsockopt-ttl-0", setint(t, IPPROTO_IP, IP_TTL, 0, 4));
  show("setsockopt-ttl-256", setint(t, IPPROTO_IP, IP_TTL, 256, 4));
  show("setsockopt-ttl-neg1", setint(t, IPPROTO_IP, IP_TTL, -1, 4));
  show("setsockopt-ttl-neg2", setint(t, IPPROTO_IP, IP_TTL, -2, 4));
  show("setsockopt-ttl-len0", setint(t, IPPROTO_IP, IP_TTL, 5, 0));
  show("setsockopt-tos-len1", setint(t, IPPROTO_IP, IP_TOS, 0x10, 1));
  show("setsockopt-tos-len0", setint(t, IPPROTO_IP, IP_TOS, 0x10, 0));
  show("setsockopt-ttl-len1", setint(t, IPPROTO_IP, IP_TTL, 9, 1));
  show("setsockopt-mcast-ttl-256", setint(u, IPPROTO_IP, IP_MULTICAST_TTL, 256, 4));
  struct ip_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.imr_multiaddr.s_addr = htonl(INADDR_LOOPBACK);
  show("setsockopt-add-membership-short", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, 4));
  show("setsockopt-add-membership-unicast", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr));
  show("setsockopt-drop-membership-none", setsockopt(u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof mr));
  int t6 = socket(AF_INET6, SOCK_STREAM, 0);
  show("setsockopt-v6only-len2", setint(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1, 2));
  show("setsockopt-hops-256", setint(t6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 256, 4));
  show("setsockopt-hops-neg2", setint(t6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, -2, 4));
  show("setsockopt-ipv6-name-bad", setint(t6, IPPROTO_IPV6, 999, 1, 4));
  b6 = a6;
  b6.sin6_port = 0;
  bind(t6, SA(&b6), sizeof b6);
  show("setsockopt-v6only-bound", setint(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1, 4));
  close(t6);
  int uu = socket(AF_UNIX, SOCK_STREAM, 0);
  show("setsockopt-tcp-on-unix", setint(uu, IPPROTO_TCP, TCP_NODELAY, 1, 4));
  show("setsockopt-ip-on-unix", setint(uu, IPPROTO_IP, IP_TTL, 1, 4));
  getint("getsockopt-tcp-on-unix", uu, IPPROTO_TCP, TCP_NODELAY, 4);
  close(uu);

  // getsockopt.
  getint("getsockopt-type", t, SOL_SOCKET, SO_TYPE, 4);
  getint("getsockopt-type-len0", t, SOL_SOCKET, SO_TYPE, 0);
  getint("getsockopt-type-len2", t, SOL_SOCKET, SO_TYPE, 2);
  getint("getsockopt-type-len8", t, SOL_SOCKET, SO_TYPE, 8);
  getint("getsockopt-type-len-neg", t, SOL_SOCKET, SO_TYPE, (socklen_t)-1);
  getint("getsockopt-level-bad", t, 12345, 1, 4);
  getint("getsockopt-sol-name-bad", t, SOL_SOCKET, 12345, 4);
  getint("getsockopt-tcp-name-bad", t, IPPROTO_TCP, 999, 4);
  getint("getsockopt-ip-name-bad", t, IPPROTO_IP, 999, 4);
  getint("getsockopt-ipv6-on-inet", t, IPPROTO_IPV6, IPV6_V6ONLY, 4);
  getint("getsockopt-tcp-on-udp", u, IPPROTO_TCP, TCP_NODELAY, 4);
  getint("getsockopt-ttl-len1", t, IPPROTO_IP, IP_TTL, 1);
  getint("getsockopt-nodelay-len2", t, IPPROTO_TCP, TCP_NODELAY, 2);
  getint("getsockopt-nodelay-len-neg", t, IPPROTO_TCP, TCP_NODELAY, (socklen_t)-1);
  getint("getsockopt-ttl-len-neg", t, IPPROTO_IP, IP_TTL, (socklen_t)-1);
  show("getsockopt-null-len", getsockopt(t, SOL_SOCKET, SO_TYPE, &one, NULL));
  show("getsockopt-badp-len", getsockopt(t, SOL_SOCKET, SO_TYPE, &one, BADP));
  sl = 4;
  show("getsockopt-badp-val", getsockopt(t, SOL_SOCKET, SO_TYPE, BADP, &sl));
  sl = 4;
  show("getsockopt-null-val", getsockopt(t, SOL_SOCKET, SO_TYPE, NULL, &sl));
  struct linger lg;
  sl = 4;
  show("getsockopt-linger-len4", getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &sl));
  printf("getsockopt-linger-len4-len %u\n", (unsigned)sl);
  sl = 4;
  show("getsockopt-rcvtimeo-len4", getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, &sl));
  printf("getsockopt-rcvtimeo-len4-len %u\n", (unsigned)sl);
  return 0;
}
