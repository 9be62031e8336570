/* IP_MULTICAST_LOOP and IPV6_MULTICAST_LOOP on a socket that is itself a
 * member: with loop on it hears its own group datagram, with loop off it
 * does not (the next datagram is a unicast marker it sends after). The
 * group goes out of the default interface with a TTL (hop limit) of 0, so
 * the host keeps it: only the loopback copy exists. Membership errors
 * (joining a non-group address, an unknown interface index, dropping what
 * was not joined) and the options read back are printed too.
 * tests/real-multicast.test.ts runs it natively and on --net=real.
 * Usage: real_mcast_loop PORT4 PORT6 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void say(const char *what, int rc) { printf("%s: %s\n", what, rc < 0 ? strerror(errno) : "ok"); }

static void receive(int fd) {
  char b[64];
  ssize_t n = recv(fd, b, sizeof b - 1, 0);
  if (n < 0) {
    printf("recv: %s\n", strerror(errno));
    exit(1);
  }
  b[n] = 0;
  printf("got \"%s\"\n", b);
}

static int geti(int fd, int level, int name) {
  int v = -7;
  socklen_t l = sizeof v;
  getsockopt(fd, level, name, &v, &l);
  return v;
}

int main(int argc, char **argv) {
  int p4 = argc > 1 ? atoi(argv[1]) : 45078, p6 = argc > 2 ? atoi(argv[2]) : 45079;
  int zero = 0;

  int m = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(p4)};
  say("bind", bind(m, (struct sockaddr *)&a, sizeof a));
  struct ip_mreqn q = {.imr_ifindex = 0};
  inet_pton(AF_INET, "10.1.2.3", &q.imr_multiaddr);
  say("join 10.1.2.3", setsockopt(m, IPPROTO_IP, IP_ADD_MEMBERSHIP, &q, sizeof q));
  inet_pton(AF_INET, "239.255.77.2", &q.imr_multiaddr);
  q.imr_ifindex = 999;
  say("join on ifindex 999", setsockopt(m, IPPROTO_IP, IP_ADD_MEMBERSHIP, &q, sizeof q));
  say("drop not joined", setsockopt(m, IPPROTO_IP, IP_DROP_MEMBERSHIP, &q, sizeof q));
  q.imr_ifindex = 0;
  say("join 239.255.77.2", setsockopt(m, IPPROTO_IP, IP_ADD_MEMBERSHIP, &q, sizeof q));
  say("IP_MULTICAST_TTL 0", setsockopt(m, IPPROTO_IP, IP_MULTICAST_TTL, &zero, sizeof zero));
  struct sockaddr_in g = a, u = a;
  g.sin_addr = q.imr_multiaddr;
  inet_pton(AF_INET, "127.0.0.1", &u.sin_addr);
  sendto(m, "looped", 6, 0, (struct sockaddr *)&g, sizeof g);
  receive(m);
  say("IP_MULTICAST_LOOP 0", setsockopt(m, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof zero));
  printf("ttl %d loop %d\n", geti(m, IPPROTO_IP, IP_MULTICAST_TTL), geti(m, IPPROTO_IP, IP_MULTICAST_LOOP));
  sendto(m, "not looped", 10, 0, (struct sockaddr *)&g, sizeof g);
  sendto(m, "marker", 6, 0, (struct sockaddr *)&u, sizeof u);
  receive(m);

  int m6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct ipv6_mreq q6 = {.ipv6mr_interface = 0};
  inet_pton(AF_INET6, "ff05::77:3", &q6.ipv6mr_multiaddr);
  say("join ff05::77:3 before bind", setsockopt(m6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &q6, sizeof q6));
  say("IPV6_MULTICAST_HOPS 0", setsockopt(m6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &zero, sizeof zero));
  int bad = 999;
  say("IPV6_MULTICAST_IF 999", setsockopt(m6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &bad, sizeof bad));
  struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(p6), .sin6_addr = in6addr_any};
  say("bind6", bind(m6, (struct sockaddr *)&a6, sizeof a6));
  struct sockaddr_in6 g6 = a6, u6 = a6;
  g6.sin6_addr = q6.ipv6mr_multiaddr;
  u6.sin6_addr = in6addr_loopback;
  sendto(m6, "looped6", 7, 0, (struct sockaddr *)&g6, sizeof g6);
  receive(m6);
  say("IPV6_MULTICAST_LOOP 0", setsockopt(m6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero));
  printf("hops %d loop %d if %d\n", geti(m6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS), geti(m6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP), geti(m6, IPPROTO_IPV6, IPV6_MULTICAST_IF));
  sendto(m6, "not looped6", 11, 0, (struct sockaddr *)&g6, sizeof g6);
  sendto(m6, "marker6", 7, 0, (struct sockaddr *)&u6, sizeof u6);
  receive(m6);
  say("leave ff05::77:3", setsockopt(m6, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &q6, sizeof q6));
  say("leave again", setsockopt(m6, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &q6, sizeof q6));
  return 0;
}
