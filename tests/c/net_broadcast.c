// run:
/* Broadcast and multicast on one host, as Linux delivers them locally: a
 * datagram to 255.255.255.255, to the interface's subnet broadcast or to
 * 127.255.255.255 reaches every socket bound to the port on the wildcard
 * (a dual-stack AF_INET6 one sees the sender as ::ffff:a.b.c.d), not one
 * bound to the host's own unicast address; a group datagram reaches the
 * member, and (IP_MULTICAST_ALL) the other wildcard sockets on its port,
 * not those with IP_MULTICAST_ALL off, nobody with IP_MULTICAST_LOOP off,
 * and nobody once the member left; the same for an IPv6 group. The
 * interface's subnet is assumed to be a /24 (the virtual host's default). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char self[INET6_ADDRSTRLEN];

static int udp(int family, const char *ip, int port, int all) {
  int fd = socket(family, SOCK_DGRAM, 0), one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (!all) {
    int zero = 0;
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
  }
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    inet_pton(AF_INET, ip, &a->sin_addr);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, ip, &a->sin6_addr);
    len = sizeof *a;
  }
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) printf("bind %s:%d: %s\n", ip, port, strerror(errno));
  return fd;
}

/* What fd has: each datagram, with its source said relative to this host. */
static void drain(int fd, const char *name) {
  struct pollfd p = { fd, POLLIN, 0 };
  int n = 0;
  while (poll(&p, 1, 100) > 0) {
    char buf[64], from[INET6_ADDRSTRLEN];
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    ssize_t k = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&ss, &l);
    if (k < 0) break;
    buf[k] = 0;
    if (ss.ss_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, from, sizeof from);
    else inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, from, sizeof from);
    const char *who = strcmp(from, self) == 0 ? "this host"
      : strncmp(from, "::ffff:", 7) == 0 && strcmp(from + 7, self) == 0 ? "::ffff: + this host"
      : strcmp(from, "127.0.0.1") == 0 || strcmp(from, "::ffff:127.0.0.1") == 0 ? from : "elsewhere";
    printf("  %s got \"%s\" from %s\n", name, buf, who);
    n++;
  }
  if (!n) printf("  %s got nothing\n", name);
}

static void send4(int fd, const char *ip, int port, const char *msg) {
  struct sockaddr_in d;
  memset(&d, 0, sizeof d);
  d.sin_family = AF_INET;
  d.sin_port = htons(port);
  inet_pton(AF_INET, ip, &d.sin_addr);
  printf("sendto %s:%d \"%s\": %s\n", ip[0] == '1' && strcmp(ip, "127.255.255.255") && strcmp(ip, "255.255.255.255") ? "SUBNET-BROADCAST" : ip, port, msg,
         sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&d, sizeof d) < 0 ? strerror(errno) : "ok");
}

int main(void) {
  int one = 1;
  /* This host's address: the source a broadcast leaves from. */
  int probe = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(probe, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  struct sockaddr_in pa;
  memset(&pa, 0, sizeof pa);
  pa.sin_family = AF_INET;
  pa.sin_port = htons(9);
  pa.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  connect(probe, (struct sockaddr *)&pa, sizeof pa);
  socklen_t pl = sizeof pa;
  getsockname(probe, (struct sockaddr *)&pa, &pl);
  inet_ntop(AF_INET, &pa.sin_addr, self, sizeof self);
  char subnet[INET_ADDRSTRLEN];
  struct in_addr b = { htonl(ntohl(pa.sin_addr.s_addr) | 0xff) };
  inet_ntop(AF_INET, &b, subnet, sizeof subnet);
  close(probe);

  int l6 = udp(AF_INET6, "::", 4950, 1), l4 = udp(AF_INET, "0.0.0.0", 4950, 1), mine = udp(AF_INET, self, 4950, 1);
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  send4(tx, "255.255.255.255", 4950, "no SO_BROADCAST");
  setsockopt(tx, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  const char *to[] = { "255.255.255.255", subnet, "127.255.255.255" };
  for (int i = 0; i < 3; i++) {
    send4(tx, to[i], 4950, "hello");
    drain(l6, "[::]:4950");
    drain(l4, "0.0.0.0:4950");
    drain(mine, "own-address:4950");
  }

  int m1 = udp(AF_INET, "0.0.0.0", 4951, 1), m2 = udp(AF_INET, "0.0.0.0", 4951, 1), m3 = udp(AF_INET, "0.0.0.0", 4951, 0);
  send4(tx, "239.1.2.3", 4951, "before the join");
  drain(m1, "member");
  drain(m2, "bystander");
  drain(m3, "bystander without IP_MULTICAST_ALL");
  struct ip_mreq mr;
  inet_pton(AF_INET, "239.1.2.3", &mr.imr_multiaddr);
  mr.imr_interface.s_addr = htonl(INADDR_ANY);
  printf("join: %s\n", setsockopt(m1, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) < 0 ? strerror(errno) : "ok");
  send4(tx, "239.1.2.3", 4951, "to the group");
  drain(m1, "member");
  drain(m2, "bystander");
  drain(m3, "bystander without IP_MULTICAST_ALL");
  int zero = 0;
  setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero);
  send4(tx, "239.1.2.3", 4951, "without loop");
  drain(m1, "member");
  setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof one);
  printf("drop: %s\n", setsockopt(m1, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof mr) < 0 ? strerror(errno) : "ok");
  send4(tx, "239.1.2.3", 4951, "after the drop");
  drain(m1, "member");
  drain(m2, "bystander");

  int g6 = udp(AF_INET6, "::", 4952, 1), tx6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct ipv6_mreq m6;
  memset(&m6, 0, sizeof m6);
  inet_pton(AF_INET6, "ff05::4952", &m6.ipv6mr_multiaddr);
  printf("join6: %s\n", setsockopt(g6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m6, sizeof m6) < 0 ? strerror(errno) : "ok");
  struct sockaddr_in6 d6;
  memset(&d6, 0, sizeof d6);
  d6.sin6_family = AF_INET6;
  d6.sin6_port = htons(4952);
  d6.sin6_addr = m6.ipv6mr_multiaddr;
  printf("sendto [ff05::4952]:4952: %s\n", sendto(tx6, "six", 3, 0, (struct sockaddr *)&d6, sizeof d6) < 0 ? strerror(errno) : "ok");
  drain(g6, "v6 member");
  printf("leave6: %s\n", setsockopt(g6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &m6, sizeof m6) < 0 ? strerror(errno) : "ok");
  printf("sendto [ff05::4952]:4952: %s\n", sendto(tx6, "six", 3, 0, (struct sockaddr *)&d6, sizeof d6) < 0 ? strerror(errno) : "ok");
  drain(g6, "v6 member");
  return 0;
}
