// strace decoding torture (tests/strace-diff.test.ts): setsockopt/getsockopt values and lengths, MSG_* flag
// combinations, sendmsg/recvmsg with control messages, fcntl, ioctl, poll and select arguments, bad fds and pointers.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef __wasi__
#define BADP ((void *)(uintptr_t)0xfffffff0u)
#else
#define BADP ((void *)(uintptr_t)1)
#endif

int main(void) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  int v = 1;
  socklen_t l = sizeof v;
  struct linger lg = {1, 5};
  struct timeval tv = {2, 500000};
  setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, 4);
  setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, 12);
  l = sizeof lg;
  getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &l);
  l = 4;
  getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &l);
  setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
  setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &v, 2);
  setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &v, 8);
  setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &v, -1);
  setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, BADP, 4);
  setsockopt(t, SOL_SOCKET, 1000, &v, 4);
  setsockopt(t, 1000, 1, &v, 4);
  setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, 4);
  setsockopt(t, IPPROTO_TCP, 250, &v, 4);
  setsockopt(t, IPPROTO_IP, IP_TOS, &v, 1);
  setsockopt(t, IPPROTO_IP, IP_TTL, &v, 4);
  v = 0;
  setsockopt(t, IPPROTO_IP, IP_TTL, &v, 4);
  v = 256;
  setsockopt(t, IPPROTO_IP, IP_TTL, &v, 4);
  l = 4;
  getsockopt(t, IPPROTO_IP, IP_TTL, &v, &l);
  l = 1;
  getsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, &l);
  l = 0;
  getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &l);
  l = -1;
  getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &l);
  getsockopt(t, SOL_SOCKET, SO_TYPE, &v, BADP);
  l = 4;
  getsockopt(t, SOL_SOCKET, SO_TYPE, BADP, &l);
  l = 4;
  getsockopt(t, SOL_SOCKET, 1000, &v, &l);
  getsockopt(t, IPPROTO_TCP, 250, &v, &l);
  l = 8;
  getsockopt(u, SOL_SOCKET, SO_DOMAIN, &v, &l);
  getsockopt(u, SOL_SOCKET, SO_PROTOCOL, &v, &l);
  getsockopt(u, SOL_SOCKET, SO_ERROR, &v, &l);
  getsockopt(u, SOL_SOCKET, SO_ACCEPTCONN, &v, &l);
  getsockopt(u, SOL_SOCKET, SO_BROADCAST, &v, &l);
  struct ip_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.imr_multiaddr.s_addr = inet_addr("239.1.2.3");
  mr.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr);
  setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, 4);
  setsockopt(u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof mr);
  struct ip_mreqn mn;
  memset(&mn, 0, sizeof mn);
  mn.imr_multiaddr.s_addr = inet_addr("239.1.2.4");
  mn.imr_ifindex = 1;
  setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mn, sizeof mn);
  setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &mr.imr_interface, 4);
  v = 3;
  setsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &v, 4);
  setsockopt(u, IPPROTO_IP, IP_MULTICAST_LOOP, &v, 1);
  int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct ipv6_mreq m6;
  memset(&m6, 0, sizeof m6);
  inet_pton(AF_INET6, "ff02::1:3", &m6.ipv6mr_multiaddr);
  m6.ipv6mr_interface = 1;
  setsockopt(u6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6);
  setsockopt(u6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, 8);
  v = 1;
  setsockopt(u6, IPPROTO_IPV6, IPV6_V6ONLY, &v, 4);
  l = 4;
  getsockopt(u6, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l);
  getsockopt(u6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, &l);
  close(u6);

  // MSG_* flags on a connected pair.
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char buf[16];
  send(sv[0], "abcdef", 6, 0);
  send(sv[0], "gh", 2, MSG_NOSIGNAL | MSG_MORE);
  send(sv[0], "ij", 2, MSG_DONTWAIT | MSG_EOR);
  send(sv[0], "kl", 2, MSG_OOB);
  send(sv[0], "mn", 2, 0x80000000);
  send(sv[0], BADP, 2, 0);
  recv(sv[1], buf, 3, MSG_PEEK);
  recv(sv[1], buf, 3, MSG_PEEK | MSG_DONTWAIT);
  recv(sv[1], buf, 3, MSG_WAITALL);
  recv(sv[1], buf, 3, MSG_TRUNC | MSG_DONTWAIT);
  recv(sv[1], buf, 3, MSG_CMSG_CLOEXEC);
  recv(sv[1], buf, 16, MSG_DONTWAIT | 0x10000000);
  recv(sv[1], buf, 16, MSG_DONTWAIT);
  recv(sv[1], BADP, 16, MSG_DONTWAIT);
  recv(sv[1], buf, 16, MSG_ERRQUEUE | MSG_DONTWAIT);
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  recvfrom(sv[1], buf, 16, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
  sendto(sv[0], "x", 1, 0, NULL, 0);
  fl = sizeof from;
  recvfrom(sv[1], buf, 16, 0, (struct sockaddr *)&from, &fl);

  // sendmsg/recvmsg with SCM_RIGHTS and several iovecs.
  struct iovec iov[2] = {{"he", 2}, {"llo", 3}};
  union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } cm;
  memset(&cm, 0, sizeof cm);
  struct msghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_iov = iov;
  mh.msg_iovlen = 2;
  mh.msg_control = cm.b;
  mh.msg_controllen = CMSG_LEN(2 * sizeof(int));
  cm.h.cmsg_len = CMSG_LEN(2 * sizeof(int));
  cm.h.cmsg_level = SOL_SOCKET;
  cm.h.cmsg_type = SCM_RIGHTS;
  int fds[2] = {0, 1};
  memcpy(CMSG_DATA(&cm.h), fds, sizeof fds);
  sendmsg(sv[0], &mh, MSG_NOSIGNAL);
  char rb[8];
  struct iovec riov[2] = {{rb, 1}, {rb + 1, 7}};
  union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } rc;
  struct msghdr rm;
  memset(&rm, 0, sizeof rm);
  rm.msg_iov = riov;
  rm.msg_iovlen = 2;
  rm.msg_control = rc.b;
  rm.msg_controllen = sizeof rc.b;
  int n = recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC);
  if (n > 0) {
    struct cmsghdr *c = CMSG_FIRSTHDR(&rm);
    if (c && c->cmsg_type == SCM_RIGHTS) {
      int got[2];
      memcpy(got, CMSG_DATA(c), sizeof got);
      close(got[0]);
      close(got[1]);
    }
  }
  sendmsg(sv[0], BADP, 0);
  recvmsg(sv[1], &rm, MSG_DONTWAIT);

  // fcntl.
  fcntl(sv[0], F_GETFL);
  fcntl(sv[0], F_SETFL, O_NONBLOCK | O_APPEND);
  fcntl(sv[0], F_GETFL);
  fcntl(sv[0], F_SETFL, 0);
  fcntl(sv[0], F_GETFD);
  fcntl(sv[0], F_SETFD, FD_CLOEXEC);
  fcntl(sv[0], F_GETFD);
  int d = fcntl(sv[0], F_DUPFD, 10);
  close(d);
  d = fcntl(sv[0], F_DUPFD_CLOEXEC, 20);
  close(d);
  fcntl(sv[0], F_DUPFD, -1);
  fcntl(sv[0], F_GETOWN);
  fcntl(sv[0], 9999);
  fcntl(999, F_GETFL);

  // ioctl.
  int q = 0;
  ioctl(sv[0], FIONREAD, &q);
  send(sv[0], "zz", 2, 0);
  ioctl(sv[1], FIONREAD, &q);
  ioctl(sv[1], FIONREAD, BADP);
  q = 1;
  ioctl(sv[1], FIONBIO, &q);
  q = 0;
  ioctl(sv[1], FIONBIO, &q);
  ioctl(t, SIOCATMARK, &q);
  ioctl(sv[1], 0x1234, &q);
  ioctl(sv[1], 0x89ff, &q);
  ioctl(sv[1], 0x89ff, BADP);
  ioctl(sv[1], 0x8999, &q);
  ioctl(sv[1], 0x8999, BADP);
  char ifr[64] = "lo";
  ioctl(sv[1], 0x89f0, ifr);
  ioctl(sv[1], 0x80049907 /* _IOR(0x99, 7, int) */, &q);
  ioctl(999, FIONREAD, &q);

  // poll and select.
  struct pollfd pf[4] = {{sv[1], POLLIN | POLLPRI, 0}, {sv[0], POLLOUT | POLLRDHUP, 0}, {-1, POLLIN, 0}, {999, POLLIN, 0}};
  poll(pf, 4, 0);
  pf[0].events = POLLIN | POLLRDNORM | POLLRDBAND | POLLWRNORM | POLLWRBAND | POLLMSG;
  poll(pf, 1, 0);
  pf[0].events = 0;
  poll(pf, 1, 0);
  poll(BADP, 1, 0);
  poll(NULL, 0, 0);
  fd_set rs, ws;
  FD_ZERO(&rs);
  FD_ZERO(&ws);
  FD_SET(sv[1], &rs);
  FD_SET(sv[0], &ws);
  FD_SET(u, &rs);
  struct timeval z = {0, 0};
  select(sv[1] + 1 > u + 1 ? sv[1] + 1 : u + 1, &rs, &ws, NULL, &z);
  close(sv[0]);
  close(sv[1]);
  close(u);
  close(t);
  return 0;
}
