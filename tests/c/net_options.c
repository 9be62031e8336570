// run:
/* Socket options as Linux reports them: defaults per socket kind, the
 * doubling of SO_SNDBUF/SO_RCVBUF with their minimums, timeouts as
 * timevals, linger, TCP_NODELAY, IPV6_V6ONLY, SO_ACCEPTCONN, short option
 * buffers, and the errno of unknown options and wrong levels. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static int geti(int fd, int level, int name, const char *what) {
  int v = -7;
  socklen_t l = sizeof v;
  if (getsockopt(fd, level, name, &v, &l) < 0) {
    printf("%s: %s\n", what, strerror(errno));
    return -1;
  }
  printf("%s: %d (len %u)\n", what, v, (unsigned)l);
  return v;
}
static void seti(int fd, int level, int name, int v, const char *what) {
  printf("set %s=%d: %s\n", what, v, setsockopt(fd, level, name, &v, sizeof v) < 0 ? strerror(errno) : "ok");
}

int main(void) {
  int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), x = socket(AF_UNIX, SOCK_STREAM, 0), t6 = socket(AF_INET6, SOCK_STREAM, 0);
  int xd = socket(AF_UNIX, SOCK_DGRAM, 0), xs = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  geti(t, SOL_SOCKET, SO_TYPE, "tcp SO_TYPE");
  geti(u, SOL_SOCKET, SO_TYPE, "udp SO_TYPE");
  geti(xs, SOL_SOCKET, SO_TYPE, "unix seqpacket SO_TYPE");
  geti(u, SOL_SOCKET, SO_PROTOCOL, "udp SO_PROTOCOL");
  geti(x, SOL_SOCKET, SO_PROTOCOL, "unix SO_PROTOCOL");
  geti(t6, SOL_SOCKET, SO_DOMAIN, "tcp6 SO_DOMAIN");
  geti(x, SOL_SOCKET, SO_DOMAIN, "unix SO_DOMAIN");
  geti(t, SOL_SOCKET, SO_ACCEPTCONN, "tcp SO_ACCEPTCONN before listen");
  listen(t, 1);
  geti(t, SOL_SOCKET, SO_ACCEPTCONN, "tcp SO_ACCEPTCONN listening");
  geti(t, SOL_SOCKET, SO_SNDBUF, "tcp SO_SNDBUF default");
  geti(t, SOL_SOCKET, SO_RCVBUF, "tcp SO_RCVBUF default");
  geti(u, SOL_SOCKET, SO_SNDBUF, "udp SO_SNDBUF default");
  geti(u, SOL_SOCKET, SO_RCVBUF, "udp SO_RCVBUF default");
  geti(x, SOL_SOCKET, SO_SNDBUF, "unix SO_SNDBUF default");
  geti(xd, SOL_SOCKET, SO_RCVBUF, "unix dgram SO_RCVBUF default");
  seti(u, SOL_SOCKET, SO_SNDBUF, 10000, "udp SO_SNDBUF");
  geti(u, SOL_SOCKET, SO_SNDBUF, "udp SO_SNDBUF");
  seti(u, SOL_SOCKET, SO_SNDBUF, 1, "udp SO_SNDBUF");
  geti(u, SOL_SOCKET, SO_SNDBUF, "udp SO_SNDBUF");
  seti(u, SOL_SOCKET, SO_RCVBUF, 1, "udp SO_RCVBUF");
  geti(u, SOL_SOCKET, SO_RCVBUF, "udp SO_RCVBUF");
  /* The cap is net.core.rmem_max, which machines tune: print only that it is capped and doubled. */
  seti(u, SOL_SOCKET, SO_RCVBUF, 100000000, "udp SO_RCVBUF");
  int v = 0;
  socklen_t vl = sizeof v;
  getsockopt(u, SOL_SOCKET, SO_RCVBUF, &v, &vl);
  int capped = v;
  printf("udp SO_RCVBUF capped below the request: %s\n", v < 100000000 ? "yes" : "no");
  seti(u, SOL_SOCKET, SO_RCVBUF, -5, "udp SO_RCVBUF");
  getsockopt(u, SOL_SOCKET, SO_RCVBUF, &v, &vl);
  printf("udp SO_RCVBUF of -5 is the same cap: %s\n", v == capped ? "yes" : "no");
  seti(t, SOL_SOCKET, SO_REUSEADDR, 5, "SO_REUSEADDR");
  geti(t, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
  seti(t, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
  geti(t, SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT");
  seti(t, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
  geti(t, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
  seti(u, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
  geti(u, SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST");
  geti(t, SOL_SOCKET, SO_ERROR, "SO_ERROR");
  seti(t, SOL_SOCKET, SO_ERROR, 1, "SO_ERROR");
  seti(t, SOL_SOCKET, SO_TYPE, 1, "SO_TYPE");
  seti(t, SOL_SOCKET, SO_ACCEPTCONN, 1, "SO_ACCEPTCONN");
  geti(t, SOL_SOCKET, 9999, "unknown SOL_SOCKET option");
  seti(t, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
  geti(t, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY");
  geti(u, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY on udp");
  seti(u, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY on udp");
  geti(x, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY on unix");
  seti(x, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY on unix");
  geti(t, IPPROTO_TCP, 9999, "unknown TCP option");
  geti(t, IPPROTO_IP, IP_TTL, "IP_TTL");
  geti(t, IPPROTO_IP, IP_HDRINCL, "IP_HDRINCL on tcp");
  seti(t, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL on tcp");
  geti(x, IPPROTO_IP, IP_TTL, "IP_TTL on unix");
  geti(t6, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY default");
  seti(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
  geti(t6, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
  geti(t, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY on v4");
  geti(t6, IPPROTO_IP, IP_TTL, "IP_TTL on tcp6");
  geti(t, 12345, 1, "unknown level");

  struct timeval tv = {2, 500000}, got;
  printf("set SO_RCVTIMEO 2.5s: %s\n", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ? strerror(errno) : "ok");
  socklen_t l = sizeof got;
  getsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &got, &l);
  printf("SO_RCVTIMEO: %lld.%06lld len %u\n", (long long)got.tv_sec, (long long)got.tv_usec, (unsigned)l);
  tv.tv_usec = 1000000;
  printf("set SO_SNDTIMEO usec 1000000: %s\n", setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ? strerror(errno) : "ok");
  printf("set SO_SNDTIMEO short: %s\n", setsockopt(t, SOL_SOCKET, SO_SNDTIMEO, &tv, 8) < 0 ? strerror(errno) : "ok");
  struct linger lg = {1, 7};
  printf("set SO_LINGER: %s\n", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0 ? strerror(errno) : "ok");
  memset(&lg, 0, sizeof lg);
  l = sizeof lg;
  getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &l);
  printf("SO_LINGER: %d %d len %u\n", lg.l_onoff, lg.l_linger, (unsigned)l);
  printf("set SO_LINGER short: %s\n", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, 4) < 0 ? strerror(errno) : "ok");

  /* short and odd option buffers */
  char c = 0;
  l = 1;
  int r = getsockopt(t, SOL_SOCKET, SO_TYPE, &c, &l);
  printf("SO_TYPE into 1 byte: %s %d len %u\n", r < 0 ? strerror(errno) : "ok", c, (unsigned)l);
  l = 0;
  r = getsockopt(t, SOL_SOCKET, SO_TYPE, &c, &l);
  printf("SO_TYPE into 0 bytes: %s len %u\n", r < 0 ? strerror(errno) : "ok", (unsigned)l);
  l = (socklen_t)-1;
  r = getsockopt(t, SOL_SOCKET, SO_TYPE, &c, &l);
  printf("SO_TYPE negative length: %s\n", r < 0 ? strerror(errno) : "ok");
  int big[4] = {0};
  l = sizeof big;
  r = getsockopt(t, SOL_SOCKET, SO_TYPE, big, &l);
  printf("SO_TYPE into 16 bytes: %s len %u\n", r < 0 ? strerror(errno) : "ok", (unsigned)l);
  int one = 1;
  printf("setsockopt int with length 8: %s\n", setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, big, 8) < 0 ? strerror(errno) : "ok");
  printf("setsockopt int with length 1: %s\n", setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, 1) < 0 ? strerror(errno) : "ok");
  printf("setsockopt NULL value: %s\n", setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, NULL, 4) < 0 ? strerror(errno) : "ok");
  printf("setsockopt on stdin: %s\n", setsockopt(0, SOL_SOCKET, SO_KEEPALIVE, &one, 4) < 0 ? strerror(errno) : "ok");
  printf("setsockopt on bad fd: %s\n", setsockopt(99, SOL_SOCKET, SO_KEEPALIVE, &one, 4) < 0 ? strerror(errno) : "ok");
  close(t); close(u); close(x); close(t6); close(xd); close(xs);
  return 0;
}
