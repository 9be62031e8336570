// run: 4
// run: 6
/* TCP lifecycle on loopback in one process (non-blocking connect, then
 * blocking I/O): socket, bind, listen, connect, accept, data both ways,
 * half-close and EOF, close, and the errors of each wrong step.
 * args: 4 or 6 (address family). Prints one line per check. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }

int main(int argc, char **argv) {
  int v6 = argc > 1 && !strcmp(argv[1], "6");
  int fam = v6 ? AF_INET6 : AF_INET;
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  if (v6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sl = sizeof *a;
  }
  int l = socket(fam, SOCK_STREAM, 0);
  show("socket", l);
  show("bind port 0", bind(l, (struct sockaddr *)&ss, sl));
  socklen_t gl = sizeof ss;
  show("getsockname", getsockname(l, (struct sockaddr *)&ss, &gl));
  int port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
  printf("# port=%d\n", port);
  printf("ephemeral port in range: %s\n", port >= 32768 && port <= 60999 ? "yes" : "no");
  show("bind again", bind(l, (struct sockaddr *)&ss, sl));
  char c;
  show("read on listener-to-be", (int)read(l, &c, 1));
  show("listen", listen(l, 5));
  int opt = 0;
  socklen_t ol = sizeof opt;
  getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &opt, &ol);
  printf("SO_ACCEPTCONN=%d\n", opt);

  int c1 = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = connect(c1, (struct sockaddr *)&ss, sl);
  printf("non-blocking connect: %s\n", r == 0 ? "connected at once" : errno == EINPROGRESS ? "EINPROGRESS" : strerror(errno));
  struct pollfd pf = {c1, POLLOUT, 0};
  show("poll for writable", poll(&pf, 1, 5000));
  printf("revents POLLOUT: %s\n", pf.revents & POLLOUT ? "yes" : "no");
  int err = -1;
  ol = sizeof err;
  getsockopt(c1, SOL_SOCKET, SO_ERROR, &err, &ol);
  printf("SO_ERROR=%d\n", err);
  show("connect again", connect(c1, (struct sockaddr *)&ss, sl));
  fcntl(c1, F_SETFL, 0);

  struct sockaddr_storage peer;
  socklen_t pl = sizeof peer;
  int a = accept(l, (struct sockaddr *)&peer, &pl);
  show("accept", a);
  printf("peer family matches: %s, addrlen=%u\n", peer.ss_family == fam ? "yes" : "no", (unsigned)pl);
  show("write client->server", (int)write(c1, "hello", 5));
  char buf[64] = {0};
  printf("server read: %zd %s\n", read(a, buf, sizeof buf), buf);
  show("send server->client", (int)send(a, "world!", 6, 0));
  memset(buf, 0, sizeof buf);
  printf("client recv: %zd %s\n", recv(c1, buf, sizeof buf, 0), buf);
  show("shutdown client write", shutdown(c1, SHUT_WR));
  printf("server read after half-close: %zd\n", read(a, buf, sizeof buf));
  show("server still writes", (int)write(a, "late", 4));
  memset(buf, 0, sizeof buf);
  printf("client still reads: %zd %s\n", read(c1, buf, sizeof buf), buf);
  show("client write after SHUT_WR", (int)send(c1, "x", 1, MSG_NOSIGNAL));
  show("close server side", close(a));
  printf("client read after close: %zd\n", read(c1, buf, sizeof buf));
  show("close client", close(c1));
  show("close closed fd", close(c1));
  show("getpeername on listener", getpeername(l, (struct sockaddr *)&peer, &pl));
  show("close listener", close(l));

  int u = socket(fam, SOCK_STREAM, 0);
  show("connect to closed port", connect(u, (struct sockaddr *)&ss, sl));
  close(u);
  show("accept on non-socket", accept(0, NULL, NULL));
  show("listen on bad fd", listen(99, 1));
  int d = socket(fam, SOCK_DGRAM, 0);
  show("listen on UDP", listen(d, 1));
  show("accept on UDP", accept(d, NULL, NULL));
  close(d);
  int s2 = socket(fam, SOCK_STREAM, 0);
  show("accept without listen", accept(s2, NULL, NULL));
  show("recv unconnected", (int)recv(s2, buf, 1, 0));
  show("send unconnected", (int)send(s2, "x", 1, MSG_NOSIGNAL));
  show("shutdown unconnected", shutdown(s2, SHUT_RDWR));
  close(s2);
  return 0;
}
