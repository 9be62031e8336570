/* An IPv6 server written the way UNP 12 and Beej 6 suggest: one AF_INET6
 * socket on in6addr_any that IPv4 clients reach as ::ffff:a.b.c.d (what
 * accept, getpeername and inet_ntop show the server), then the same with
 * IPV6_V6ONLY; and the errors a mixed-up program meets: a sockaddr of the
 * wrong family or length for bind, connect and sendto. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }

static const char *ntop(const struct sockaddr_storage *ss, char *buf, size_t n) {
  if (ss->ss_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, n);
  else if (ss->ss_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, n);
  else snprintf(buf, n, "family %d", ss->ss_family);
  return buf;
}

/* A listener on [::]:0 with IPV6_V6ONLY set to v6only; its port through *port. */
static int listener(int v6only, unsigned short *port) {
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  int opt = -1;
  socklen_t ol = sizeof opt;
  getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &opt, &ol);
  printf("IPV6_V6ONLY by default: %d\n", opt);
  show("setsockopt IPV6_V6ONLY", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only));
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_any;
  show("bind [::]:0", bind(l, (struct sockaddr *)&a, sizeof a));
  show("listen", listen(l, 5));
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin6_port);
  return l;
}

/* The server's view of one client: the accepted address, getpeername, getsockname. */
static void serve(int l) {
  struct sockaddr_storage from;
  socklen_t fl = sizeof from;
  int c = accept(l, (struct sockaddr *)&from, &fl);
  char buf[INET6_ADDRSTRLEN];
  printf("accepted from %s, length %u, v4-mapped %d\n", ntop(&from, buf, sizeof buf), (unsigned)fl,
         from.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&from)->sin6_addr));
  struct sockaddr_storage peer, me;
  socklen_t pl = sizeof peer, ml = sizeof me;
  getpeername(c, (struct sockaddr *)&peer, &pl);
  getsockname(c, (struct sockaddr *)&me, &ml);
  char b2[INET6_ADDRSTRLEN];
  printf("getpeername %s, getsockname %s\n", ntop(&peer, buf, sizeof buf), ntop(&me, b2, sizeof b2));
  char msg[16] = {0};
  ssize_t n = read(c, msg, sizeof msg - 1);
  printf("read %zd '%s'\n", n, msg);
  close(c);
}

static int v4client(unsigned short port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int r = connect(s, (struct sockaddr *)&a, sizeof a);
  show("IPv4 client connect to 127.0.0.1", r);
  if (r == 0) {
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    getsockname(s, (struct sockaddr *)&me, &ml);
    char buf[INET_ADDRSTRLEN];
    printf("IPv4 client's own address %s, length %u\n", inet_ntop(AF_INET, &me.sin_addr, buf, sizeof buf), (unsigned)ml);
    write(s, "over v4", 7);
  }
  return s;
}

static int v6client(unsigned short port, const char *ip) {
  int s = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  int r = connect(s, (struct sockaddr *)&a, sizeof a);
  printf("IPv6 client connect to %s: %s\n", ip, r < 0 ? strerror(errno) : "ok");
  if (r == 0) write(s, "over v6", 7);
  return s;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  unsigned short port;
  int l = listener(0, &port);
  int c = v4client(port);
  serve(l);
  close(c);
  c = v6client(port, "::1");
  serve(l);
  close(c);
  close(l);

  l = listener(1, &port);
  c = v4client(port);
  close(c);
  c = v6client(port, "::ffff:127.0.0.1");
  close(c);
  c = v6client(port, "::1");
  serve(l);
  close(c);
  show("IPV6_V6ONLY after listen", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &(int){0}, sizeof(int)));
  close(l);

  /* Mixed-up addresses. */
  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  int s4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a4;
  memset(&a4, 0, sizeof a4);
  a4.sin_family = AF_INET;
  a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  show("AF_INET6 socket, bind a sockaddr_in (16 bytes)", bind(s6, (struct sockaddr *)&a4, sizeof a4));
  struct sockaddr_in6 big = a6;
  big.sin6_family = AF_INET;
  show("AF_INET6 socket, bind 28 bytes of family AF_INET", bind(s6, (struct sockaddr *)&big, sizeof big));
  show("AF_INET6 socket, bind a sockaddr_in6 of 20 bytes", bind(s6, (struct sockaddr *)&a6, 20));
  show("AF_INET socket, bind a sockaddr_in6", bind(s4, (struct sockaddr *)&a6, sizeof a6));
  show("AF_INET socket, bind 8 bytes", bind(s4, (struct sockaddr *)&a4, 8));
  show("AF_INET socket, connect a sockaddr_in6", connect(s4, (struct sockaddr *)&a6, sizeof a6));
  show("AF_INET6 socket, connect a sockaddr_in", connect(s6, (struct sockaddr *)&a4, sizeof a4));
  int o6 = socket(AF_INET6, SOCK_STREAM, 0);
  setsockopt(o6, IPPROTO_IPV6, IPV6_V6ONLY, &(int){1}, sizeof(int));
  struct sockaddr_in6 m6 = a6;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &m6.sin6_addr);
  m6.sin6_port = htons(9);
  show("v6-only socket, connect a v4-mapped address", connect(o6, (struct sockaddr *)&m6, sizeof m6));
  close(o6);
  o6 = socket(AF_INET6, SOCK_DGRAM, 0);
  setsockopt(o6, IPPROTO_IPV6, IPV6_V6ONLY, &(int){1}, sizeof(int));
  show("v6-only UDP socket, sendto a v4-mapped address", sendto(o6, "x", 1, 0, (struct sockaddr *)&m6, sizeof m6));
  struct sockaddr_in p4 = a4;
  p4.sin_port = htons(9);
  show("v6-only UDP socket, sendto a sockaddr_in", sendto(o6, "x", 1, 0, (struct sockaddr *)&p4, sizeof p4));
  show("v6-only UDP socket, connect a v4-mapped address", connect(o6, (struct sockaddr *)&m6, sizeof m6));
  show("v6-only UDP socket, connect a sockaddr_in", connect(o6, (struct sockaddr *)&p4, sizeof p4));
  close(o6);
  show("AF_INET socket, IPV6_V6ONLY", setsockopt(s4, IPPROTO_IPV6, IPV6_V6ONLY, &(int){1}, sizeof(int)));
  show("AF_INET6 socket, IPV6_V6ONLY of 1 byte", setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, "\1", 1));
  close(s6);
  close(s4);
  int u4 = socket(AF_INET, SOCK_DGRAM, 0);
  int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  a6.sin6_port = htons(9);
  a4.sin_port = htons(9);
  show("UDP AF_INET socket, sendto a sockaddr_in6", sendto(u4, "x", 1, 0, (struct sockaddr *)&a6, sizeof a6));
  show("UDP AF_INET6 socket, sendto a sockaddr_in", sendto(u6, "x", 1, 0, (struct sockaddr *)&a4, sizeof a4));
  show("UDP AF_INET socket, sendto 8 bytes", sendto(u4, "x", 1, 0, (struct sockaddr *)&a4, 8));
  close(u4);
  close(u6);
  return 0;
}
