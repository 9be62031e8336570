// run:
/* Multicast and broadcast socket options as Linux answers them: defaults of
 * IP_MULTICAST_TTL/LOOP/IF and IPV6_MULTICAST_HOPS/LOOP/IF, their value
 * checks, one-byte forms, IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP with
 * ip_mreq and ip_mreqn (a second join is EADDRINUSE, dropping a group not
 * joined EADDRNOTAVAIL, a non-group address EINVAL, a short option EINVAL),
 * IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP, the options on a TCP socket, and
 * sendto a broadcast address without SO_BROADCAST (EACCES). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void geti(int fd, int level, int name, socklen_t len, const char *what) {
  int v = -7;
  socklen_t l = len;
  if (getsockopt(fd, level, name, &v, &l) < 0) printf("get %s: %s\n", what, strerror(errno));
  else printf("get %s: %d (len %u)\n", what, len < 4 ? (v & 0xff) : v, (unsigned)l);
}
static void seti(int fd, int level, int name, int v, const char *what) {
  printf("set %s=%d: %s\n", what, v, setsockopt(fd, level, name, &v, sizeof v) < 0 ? strerror(errno) : "ok");
}
static void setb(int fd, int level, int name, unsigned char v, const char *what) {
  printf("set %s=%d (1 byte): %s\n", what, v, setsockopt(fd, level, name, &v, 1) < 0 ? strerror(errno) : "ok");
}
static void mreq(int fd, int name, const char *group, const char *iface, socklen_t len, const char *what) {
  struct ip_mreq m;
  memset(&m, 0, sizeof m);
  inet_pton(AF_INET, group, &m.imr_multiaddr);
  inet_pton(AF_INET, iface, &m.imr_interface);
  printf("%s %s on %s (len %u): %s\n", what, group, iface, (unsigned)len, setsockopt(fd, IPPROTO_IP, name, &m, len) < 0 ? strerror(errno) : "ok");
}
static void mreqn(int fd, int name, const char *group, int ifindex, const char *what) {
  struct ip_mreqn m;
  memset(&m, 0, sizeof m);
  inet_pton(AF_INET, group, &m.imr_multiaddr);
  m.imr_ifindex = ifindex;
  printf("%s %s ifindex %d (mreqn): %s\n", what, group, ifindex, setsockopt(fd, IPPROTO_IP, name, &m, sizeof m) < 0 ? strerror(errno) : "ok");
}
static void mreq6(int fd, int name, const char *group, unsigned ifindex, socklen_t len, const char *what) {
  struct ipv6_mreq m;
  memset(&m, 0, sizeof m);
  inet_pton(AF_INET6, group, &m.ipv6mr_multiaddr);
  m.ipv6mr_interface = ifindex;
  printf("%s %s ifindex %u (len %u): %s\n", what, group, ifindex, (unsigned)len, setsockopt(fd, IPPROTO_IPV6, name, &m, len) < 0 ? strerror(errno) : "ok");
}

int main(void) {
  int u = socket(AF_INET, SOCK_DGRAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
  geti(u, IPPROTO_IP, IP_MULTICAST_TTL, 4, "IP_MULTICAST_TTL");
  geti(u, IPPROTO_IP, IP_MULTICAST_LOOP, 4, "IP_MULTICAST_LOOP");
  geti(u, IPPROTO_IP, IP_MULTICAST_ALL, 4, "IP_MULTICAST_ALL");
  geti(u, IPPROTO_IP, IP_MULTICAST_TTL, 1, "IP_MULTICAST_TTL");
  geti(u, IPPROTO_IP, IP_MULTICAST_IF, 4, "IP_MULTICAST_IF");
  seti(u, IPPROTO_IP, IP_MULTICAST_TTL, 5, "IP_MULTICAST_TTL");
  geti(u, IPPROTO_IP, IP_MULTICAST_TTL, 4, "IP_MULTICAST_TTL");
  seti(u, IPPROTO_IP, IP_MULTICAST_TTL, -1, "IP_MULTICAST_TTL");
  geti(u, IPPROTO_IP, IP_MULTICAST_TTL, 4, "IP_MULTICAST_TTL");
  seti(u, IPPROTO_IP, IP_MULTICAST_TTL, 256, "IP_MULTICAST_TTL");
  seti(u, IPPROTO_IP, IP_MULTICAST_TTL, -2, "IP_MULTICAST_TTL");
  setb(u, IPPROTO_IP, IP_MULTICAST_TTL, 7, "IP_MULTICAST_TTL");
  geti(u, IPPROTO_IP, IP_MULTICAST_TTL, 4, "IP_MULTICAST_TTL");
  seti(u, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
  geti(u, IPPROTO_IP, IP_MULTICAST_LOOP, 4, "IP_MULTICAST_LOOP");
  seti(u, IPPROTO_IP, IP_MULTICAST_LOOP, 9, "IP_MULTICAST_LOOP");
  geti(u, IPPROTO_IP, IP_MULTICAST_LOOP, 4, "IP_MULTICAST_LOOP");
  {
    struct in_addr a;
    a.s_addr = htonl(INADDR_LOOPBACK);
    printf("set IP_MULTICAST_IF 127.0.0.1: %s\n", setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof a) < 0 ? strerror(errno) : "ok");
    struct in_addr g;
    socklen_t l = sizeof g;
    getsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &g, &l);
    printf("get IP_MULTICAST_IF: %s (len %u)\n", inet_ntoa(g), (unsigned)l);
    inet_pton(AF_INET, "203.0.113.9", &a);
    printf("set IP_MULTICAST_IF 203.0.113.9: %s\n", setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof a) < 0 ? strerror(errno) : "ok");
    a.s_addr = 0;
    printf("set IP_MULTICAST_IF 0.0.0.0: %s\n", setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof a) < 0 ? strerror(errno) : "ok");
    printf("set IP_MULTICAST_IF len 2: %s\n", setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &a, 2) < 0 ? strerror(errno) : "ok");
  }
  mreq(u, IP_ADD_MEMBERSHIP, "239.0.0.1", "0.0.0.0", sizeof(struct ip_mreq), "join");
  mreq(u, IP_ADD_MEMBERSHIP, "239.0.0.1", "0.0.0.0", sizeof(struct ip_mreq), "join again");
  mreq(u, IP_ADD_MEMBERSHIP, "239.0.0.1", "127.0.0.1", sizeof(struct ip_mreq), "join on lo");
  mreq(u, IP_ADD_MEMBERSHIP, "239.0.0.2", "203.0.113.9", sizeof(struct ip_mreq), "join on a foreign address");
  mreq(u, IP_ADD_MEMBERSHIP, "10.1.2.3", "0.0.0.0", sizeof(struct ip_mreq), "join a unicast address");
  mreq(u, IP_ADD_MEMBERSHIP, "239.0.0.3", "0.0.0.0", 4, "join short");
  mreq(u, IP_DROP_MEMBERSHIP, "239.0.0.9", "0.0.0.0", sizeof(struct ip_mreq), "drop not joined");
  mreq(u, IP_DROP_MEMBERSHIP, "10.1.2.3", "0.0.0.0", sizeof(struct ip_mreq), "drop a unicast address");
  mreq(u, IP_DROP_MEMBERSHIP, "239.0.0.1", "0.0.0.0", sizeof(struct ip_mreq), "drop");
  mreq(u, IP_DROP_MEMBERSHIP, "239.0.0.1", "0.0.0.0", sizeof(struct ip_mreq), "drop again");
  mreq(u, IP_DROP_MEMBERSHIP, "239.0.0.1", "127.0.0.1", sizeof(struct ip_mreq), "drop on lo");
  mreqn(u, IP_ADD_MEMBERSHIP, "239.0.0.4", 0, "join");
  mreqn(u, IP_ADD_MEMBERSHIP, "239.0.0.4", 0, "join again");
  mreqn(u, IP_ADD_MEMBERSHIP, "239.0.0.4", 1, "join");
  mreqn(u, IP_ADD_MEMBERSHIP, "239.0.0.5", 999, "join");
  mreqn(u, IP_DROP_MEMBERSHIP, "239.0.0.4", 1, "drop");
  mreqn(u, IP_DROP_MEMBERSHIP, "239.0.0.4", 0, "drop");
  mreq(t, IP_ADD_MEMBERSHIP, "239.0.0.1", "0.0.0.0", sizeof(struct ip_mreq), "tcp join");
  seti(t, IPPROTO_IP, IP_MULTICAST_TTL, 2, "tcp IP_MULTICAST_TTL");
  seti(t, IPPROTO_IP, IP_MULTICAST_LOOP, 0, "tcp IP_MULTICAST_LOOP");

  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 4, "IPV6_MULTICAST_HOPS");
  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 4, "IPV6_MULTICAST_LOOP");
  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 4, "IPV6_MULTICAST_IF");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 3, "IPV6_MULTICAST_HOPS");
  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 4, "IPV6_MULTICAST_HOPS");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, -1, "IPV6_MULTICAST_HOPS");
  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 4, "IPV6_MULTICAST_HOPS");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 256, "IPV6_MULTICAST_HOPS");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 4, "IPV6_MULTICAST_LOOP");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 2, "IPV6_MULTICAST_LOOP");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 1, "IPV6_MULTICAST_IF");
  geti(u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 4, "IPV6_MULTICAST_IF");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 999, "IPV6_MULTICAST_IF");
  seti(u6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 0, "IPV6_MULTICAST_IF");
  mreq6(u6, IPV6_JOIN_GROUP, "ff02::1:3", 0, sizeof(struct ipv6_mreq), "join6");
  mreq6(u6, IPV6_JOIN_GROUP, "ff02::1:3", 0, sizeof(struct ipv6_mreq), "join6 again");
  mreq6(u6, IPV6_JOIN_GROUP, "ff05::7", 1, sizeof(struct ipv6_mreq), "join6");
  mreq6(u6, IPV6_JOIN_GROUP, "ff05::8", 999, sizeof(struct ipv6_mreq), "join6");
  mreq6(u6, IPV6_JOIN_GROUP, "fd00::1", 0, sizeof(struct ipv6_mreq), "join6 a unicast address");
  mreq6(u6, IPV6_JOIN_GROUP, "ff05::9", 0, 16, "join6 short");
  mreq6(u6, IPV6_LEAVE_GROUP, "ff05::9", 0, sizeof(struct ipv6_mreq), "leave6 not joined");
  mreq6(u6, IPV6_LEAVE_GROUP, "ff02::1:3", 0, sizeof(struct ipv6_mreq), "leave6");
  mreq6(u6, IPV6_LEAVE_GROUP, "ff02::1:3", 0, sizeof(struct ipv6_mreq), "leave6 again");
  mreq6(u, IPV6_JOIN_GROUP, "ff02::1:3", 0, sizeof(struct ipv6_mreq), "join6 on an AF_INET socket");
  mreq(u6, IP_ADD_MEMBERSHIP, "239.0.0.1", "0.0.0.0", sizeof(struct ip_mreq), "AF_INET6 socket joins an IPv4 group");

  {
    struct sockaddr_in d;
    memset(&d, 0, sizeof d);
    d.sin_family = AF_INET;
    d.sin_port = htons(4999);
    const char *to[] = { "255.255.255.255", "127.255.255.255", "239.0.0.1" };
    for (int i = 0; i < 3; i++) {
      inet_pton(AF_INET, to[i], &d.sin_addr);
      printf("sendto %s without SO_BROADCAST: %s\n", to[i], sendto(u, "x", 1, 0, (struct sockaddr *)&d, sizeof d) < 0 ? strerror(errno) : "ok");
    }
    geti(u, SOL_SOCKET, SO_BROADCAST, 4, "SO_BROADCAST");
    seti(u, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
    inet_pton(AF_INET, "255.255.255.255", &d.sin_addr);
    printf("sendto 255.255.255.255 with SO_BROADCAST: %s\n", sendto(u, "x", 1, 0, (struct sockaddr *)&d, sizeof d) < 0 ? strerror(errno) : "ok");
    printf("connect 255.255.255.255: %s\n", connect(u, (struct sockaddr *)&d, sizeof d) < 0 ? strerror(errno) : "ok");
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    printf("connect 255.255.255.255 without SO_BROADCAST: %s\n", connect(u2, (struct sockaddr *)&d, sizeof d) < 0 ? strerror(errno) : "ok");
    printf("send on it: %s\n", send(u2, "x", 1, 0) < 0 ? strerror(errno) : "ok");
  }
  return 0;
}
