// run:
/* IPv6 and IPv4 together on loopback: a dual-stack listener on [::] takes
 * IPv4 clients and sees them as ::ffff:127.0.0.1, IPV6_V6ONLY refuses them
 * and lets an IPv4 socket share the port, binding rules between the two
 * families, IPv4-mapped addresses on an IPv6 socket, and UDP across both. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }
static struct sockaddr_in6 six(const char *ip, int port) {
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons((unsigned short)port);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return a;
}
static struct sockaddr_in four(const char *ip, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}
static int portof(int fd) {
  struct sockaddr_in6 a;
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin6_port);
}

int main(void) {
  char text[64];
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 any = six("::", 0);
  show("bind [::]:0", bind(l, (struct sockaddr *)&any, sizeof any));
  int port = portof(l);
  listen(l, 4);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in lo4 = four("127.0.0.1", port);
  show("IPv4 client to the dual-stack listener", connect(c, (struct sockaddr *)&lo4, sizeof lo4));
  struct sockaddr_in6 peer;
  socklen_t pl = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &pl);
  inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
  printf("accepted %s, length %u\n", text, (unsigned)pl);
  struct sockaddr_in6 me;
  pl = sizeof me;
  getsockname(s, (struct sockaddr *)&me, &pl);
  inet_ntop(AF_INET6, &me.sin6_addr, text, sizeof text);
  printf("server end's own address %s\n", text);
  close(s);
  close(c);
  int c6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 mapped = six("::ffff:127.0.0.1", port);
  show("IPv6 socket to a mapped IPv4 address", connect(c6, (struct sockaddr *)&mapped, sizeof mapped));
  pl = sizeof me;
  getsockname(c6, (struct sockaddr *)&me, &pl);
  inet_ntop(AF_INET6, &me.sin6_addr, text, sizeof text);
  printf("client's own address %s\n", text);
  s = accept(l, NULL, NULL);
  close(s);
  close(c6);
  int b4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in any4 = four("0.0.0.0", port);
  show("IPv4 bind to the dual-stack listener's port", bind(b4, (struct sockaddr *)&any4, sizeof any4));
  close(b4);
  close(l);

  l = socket(AF_INET6, SOCK_STREAM, 0);
  int on = 1;
  show("IPV6_V6ONLY", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on));
  any = six("::", port);
  show("v6-only bind [::]", bind(l, (struct sockaddr *)&any, sizeof any));
  show("IPV6_V6ONLY after bind", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on));
  listen(l, 4);
  c = socket(AF_INET, SOCK_STREAM, 0);
  show("IPv4 client to a v6-only listener", connect(c, (struct sockaddr *)&lo4, sizeof lo4));
  close(c);
  b4 = socket(AF_INET, SOCK_STREAM, 0);
  show("IPv4 bind beside a v6-only listener", bind(b4, (struct sockaddr *)&any4, sizeof any4));
  close(b4);
  int m = socket(AF_INET6, SOCK_STREAM, 0);
  setsockopt(m, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  struct sockaddr_in6 mb = six("::ffff:127.0.0.1", 0);
  show("v6-only bind to a mapped address", bind(m, (struct sockaddr *)&mb, sizeof mb));
  close(m);
  close(l);

  /* the other order: IPv4 first, then a dual-stack IPv6 socket */
  b4 = socket(AF_INET, SOCK_STREAM, 0);
  any4 = four("0.0.0.0", 0);
  bind(b4, (struct sockaddr *)&any4, sizeof any4);
  int p4 = ntohs(((struct sockaddr_in *)&any4)->sin_port);
  socklen_t l4 = sizeof any4;
  getsockname(b4, (struct sockaddr *)&any4, &l4);
  p4 = ntohs(any4.sin_port);
  int d6 = socket(AF_INET6, SOCK_STREAM, 0);
  any = six("::", p4);
  show("dual-stack bind to a port IPv4 holds", bind(d6, (struct sockaddr *)&any, sizeof any));
  close(d6);
  d6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 lo6 = six("::1", p4);
  show("bind [::1] on a port IPv4 holds", bind(d6, (struct sockaddr *)&lo6, sizeof lo6));
  close(d6);
  close(b4);

  /* UDP: an IPv4 sender to a dual-stack receiver */
  int r = socket(AF_INET6, SOCK_DGRAM, 0);
  any = six("::", 0);
  bind(r, (struct sockaddr *)&any, sizeof any);
  int up = portof(r);
  int u4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = four("127.0.0.1", up);
  show("IPv4 datagram to a dual-stack socket", sendto(u4, "v4", 2, 0, (struct sockaddr *)&to, sizeof to));
  struct sockaddr_in6 from;
  socklen_t fl = sizeof from;
  char buf[8];
  ssize_t n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text);
  printf("received %zd from %s, length %u\n", n, text, (unsigned)fl);
  struct sockaddr_in6 back = from;
  show("reply to the mapped address", sendto(r, "back", 4, 0, (struct sockaddr *)&back, sizeof back));
  struct sockaddr_in f4;
  fl = sizeof f4;
  n = recvfrom(u4, buf, sizeof buf, 0, (struct sockaddr *)&f4, &fl);
  printf("IPv4 side got %zd, family %s\n", n, f4.sin_family == AF_INET ? "AF_INET" : "other");
  close(r);
  close(u4);
  return 0;
}
