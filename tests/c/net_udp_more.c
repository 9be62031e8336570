// run:
/* UDP corners on loopback: the size limits (65507 over IPv4, 65527 over
 * IPv6), EDESTADDRREQ, broadcast without SO_BROADCAST (EACCES), sendto on
 * a connected socket, a full receive queue dropping datagrams, recvmsg's
 * MSG_TRUNC flag and name length, shutdown rules, zero-length datagrams. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }
static void showv(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}
static struct sockaddr_in lo4(int fd) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0) {
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
  }
  return a;
}
static char big[70000];

int main(void) {
  int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ra = lo4(r);
  int sz = 1 << 20;
  setsockopt(r, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  showv("send without destination", send(s, "x", 1, 0));
  showv("write without destination", write(s, "x", 1));
  showv("sendto 65507", sendto(s, big, 65507, 0, (struct sockaddr *)&ra, sizeof ra));
  showv("sendto 65508", sendto(s, big, 65508, 0, (struct sockaddr *)&ra, sizeof ra));
  showv("recv the big one", recv(r, big, sizeof big, 0));
  showv("recv empty nonblocking", recv(r, big, sizeof big, MSG_DONTWAIT));
  showv("sendto addrlen 8", sendto(s, "x", 1, 0, (struct sockaddr *)&ra, 8));
  struct sockaddr_in bc = ra;
  bc.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  showv("broadcast without SO_BROADCAST", sendto(s, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc));
  int on = 1;
  setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
  showv("broadcast with SO_BROADCAST", sendto(s, "x", 1, 0, (struct sockaddr *)&bc, sizeof bc));
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  showv("shutdown unconnected", shutdown(u, SHUT_RDWR));
  showv("sendto after that", sendto(u, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&ra, sizeof ra));
  showv("recv after that", recv(u, big, 10, MSG_DONTWAIT));
  close(u);
  while (recv(r, big, sizeof big, MSG_DONTWAIT) >= 0) {}

  /* recvmsg flags */
  sendto(s, "0123456789", 10, 0, (struct sockaddr *)&ra, sizeof ra);
  char small[4];
  struct iovec iov = {small, sizeof small};
  struct sockaddr_in from;
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_name = &from;
  m.msg_namelen = sizeof from;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  ssize_t n = recvmsg(r, &m, 0);
  printf("recvmsg truncated: %zd flags MSG_TRUNC %s namelen %u\n", n, m.msg_flags & MSG_TRUNC ? "yes" : "no", (unsigned)m.msg_namelen);
  sendto(s, "0123456789", 10, 0, (struct sockaddr *)&ra, sizeof ra);
  m.msg_namelen = sizeof from;
  n = recvmsg(r, &m, MSG_TRUNC);
  printf("recvmsg with MSG_TRUNC: %zd\n", n);
  sendto(s, "abc", 3, 0, (struct sockaddr *)&ra, sizeof ra);
  m.msg_name = NULL;
  m.msg_namelen = 99;
  n = recvmsg(r, &m, 0);
  printf("recvmsg without name: %zd namelen %u flags %d\n", n, (unsigned)m.msg_namelen, m.msg_flags);
  /* scatter: one datagram over two buffers */
  sendto(s, "abcdefgh", 8, 0, (struct sockaddr *)&ra, sizeof ra);
  char b1[3], b2[10];
  struct iovec two[2] = {{b1, 3}, {b2, 10}};
  m.msg_iov = two;
  m.msg_iovlen = 2;
  n = recvmsg(r, &m, 0);
  printf("scatter: %zd %.3s|%.5s\n", n, b1, b2);
  /* gather */
  struct iovec g[3] = {{"he", 2}, {"", 0}, {"llo", 3}};
  memset(&m, 0, sizeof m);
  m.msg_name = &ra;
  m.msg_namelen = sizeof ra;
  m.msg_iov = g;
  m.msg_iovlen = 3;
  showv("sendmsg gather", sendmsg(s, &m, 0));
  char buf[64];
  n = recv(r, buf, sizeof buf, 0);
  printf("gathered: %zd %.*s\n", n, (int)n, buf);

  /* connected: sendto another address still works; only the peer's datagrams arrive */
  int o = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in oa = lo4(o);
  struct sockaddr_in sa;
  socklen_t sl = sizeof sa;
  getsockname(s, (struct sockaddr *)&sa, &sl);
  show("connect receiver to sender", connect(r, (struct sockaddr *)&sa, sizeof sa));
  showv("connected sendto another address", sendto(r, "hey", 3, 0, (struct sockaddr *)&oa, sizeof oa));
  showv("other got it", recv(o, buf, sizeof buf, MSG_DONTWAIT));
  sendto(o, "from-other", 10, 0, (struct sockaddr *)&ra, sizeof ra);
  sendto(s, "from-peer", 9, 0, (struct sockaddr *)&ra, sizeof ra);
  n = recv(r, buf, sizeof buf, 0);
  printf("connected receiver got: %.*s\n", (int)n, buf);
  showv("and nothing else", recv(r, buf, sizeof buf, MSG_DONTWAIT));
  struct pollfd p = {r, POLLIN | POLLOUT, 0};
  poll(&p, 1, 0);
  printf("poll connected udp: %s%s\n", p.revents & POLLIN ? "IN " : "", p.revents & POLLOUT ? "OUT" : "");
  showv("shutdown(SHUT_RD) connected", shutdown(r, SHUT_RD));
  showv("recv after SHUT_RD", recv(r, buf, sizeof buf, MSG_DONTWAIT));
  p.revents = 0;
  poll(&p, 1, 0);
  printf("poll after SHUT_RD: %s%s%s\n", p.revents & POLLIN ? "IN " : "", p.revents & POLLOUT ? "OUT " : "", p.revents & POLLHUP ? "HUP" : "");
  showv("shutdown(SHUT_WR) connected", shutdown(r, SHUT_WR));
  showv("send after SHUT_WR", send(r, "x", 1, MSG_NOSIGNAL));
  close(r);

  /* a full receive queue drops */
  int q = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in qa = lo4(q);
  int tiny = 2048;
  setsockopt(q, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
  int sent = 0;
  for (int i = 0; i < 50; i++) if (sendto(s, big, 1000, 0, (struct sockaddr *)&qa, sizeof qa) == 1000) sent++;
  int got = 0;
  while (recv(q, big, sizeof big, MSG_DONTWAIT) >= 0) got++;
  printf("sent %d, all accepted by sendto: %s, some dropped: %s\n", sent, sent == 50 ? "yes" : "no", got < sent ? "yes" : "no");
  close(q);

  /* IPv6 limit */
  int s6 = socket(AF_INET6, SOCK_DGRAM, 0), r6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  bind(r6, (struct sockaddr *)&a6, sizeof a6);
  sl = sizeof a6;
  getsockname(r6, (struct sockaddr *)&a6, &sl);
  setsockopt(r6, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  showv("v6 sendto 65527", sendto(s6, big, 65527, 0, (struct sockaddr *)&a6, sizeof a6));
  showv("v6 sendto 65528", sendto(s6, big, 65528, 0, (struct sockaddr *)&a6, sizeof a6));
  showv("v6 recv", recv(r6, big, sizeof big, 0));
  showv("v6 socket sendto v4 address", sendto(s6, "x", 1, 0, (struct sockaddr *)&ra, sizeof ra));
  close(s6);
  close(r6);
  close(s);
  close(o);
  return 0;
}
