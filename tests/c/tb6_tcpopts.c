/* Socket options on connected TCP sockets (UNP 7.5 and 7.9, TLPI 61.9):
 * which options an accepted socket inherits from its listener (UNP 7.5:
 * "options set on the listening socket are inherited by the connected
 * socket", so a server sets them before listen()), read back on both ends:
 * TCP_NODELAY, SO_KEEPALIVE with TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT,
 * SO_LINGER, SO_OOBINLINE; TCP_MAXSEG before connect (the default MSS of
 * 536, or what TCP_MAXSEG set) and its bounds, TCP_CORK read back; TCP_NODELAY set on one connection leaves the
 * listener's others alone; the out-of-range values a course program tries
 * (TCP_KEEPIDLE 0, TCP_KEEPCNT 256) are EINVAL. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int geti(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) < 0) return -errno;
  return v;
}

static void seti(const char *what, int fd, int level, int name, int v) {
  int r = setsockopt(fd, level, name, &v, sizeof v);
  printf("  setsockopt(%s, %d): %s\n", what, v, r < 0 ? strerror(errno) : "0");
}

static void dump(const char *who, int fd) {
  struct linger lg = {-1, -1};
  socklen_t len = sizeof lg;
  getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len);
  /* One call after the other (gcc and clang evaluate printf's arguments in opposite orders). */
  int nodelay = geti(fd, IPPROTO_TCP, TCP_NODELAY);
  int keepalive = geti(fd, SOL_SOCKET, SO_KEEPALIVE);
  int idle = geti(fd, IPPROTO_TCP, TCP_KEEPIDLE);
  int intvl = geti(fd, IPPROTO_TCP, TCP_KEEPINTVL);
  int cnt = geti(fd, IPPROTO_TCP, TCP_KEEPCNT);
  int oob = geti(fd, SOL_SOCKET, SO_OOBINLINE);
  printf("  %-9s NODELAY %d KEEPALIVE %d KEEPIDLE %d KEEPINTVL %d KEEPCNT %d LINGER {%d,%d} OOBINLINE %d\n", who, nodelay, keepalive, idle, intvl, cnt,
         lg.l_onoff, lg.l_linger, oob);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  printf("defaults\n");
  dump("listener", lfd);
  int mss = geti(lfd, IPPROTO_TCP, TCP_MAXSEG);
  printf("  TCP_MAXSEG before connect: %d, TCP_CORK %d\n", mss, geti(lfd, IPPROTO_TCP, TCP_CORK));
  int t = socket(AF_INET, SOCK_STREAM, 0);
  seti("TCP_MAXSEG", t, IPPROTO_TCP, TCP_MAXSEG, 1000);
  seti("TCP_CORK", t, IPPROTO_TCP, TCP_CORK, 5);
  mss = geti(t, IPPROTO_TCP, TCP_MAXSEG);
  printf("  a socket not connected reads back TCP_MAXSEG %d, TCP_CORK %d\n", mss, geti(t, IPPROTO_TCP, TCP_CORK));
  close(t);

  printf("options set on the listener before listen()\n");
  seti("TCP_NODELAY", lfd, IPPROTO_TCP, TCP_NODELAY, 1);
  seti("SO_KEEPALIVE", lfd, SOL_SOCKET, SO_KEEPALIVE, 1);
  seti("TCP_KEEPIDLE", lfd, IPPROTO_TCP, TCP_KEEPIDLE, 60);
  seti("TCP_KEEPINTVL", lfd, IPPROTO_TCP, TCP_KEEPINTVL, 10);
  seti("TCP_KEEPCNT", lfd, IPPROTO_TCP, TCP_KEEPCNT, 3);
  seti("SO_OOBINLINE", lfd, SOL_SOCKET, SO_OOBINLINE, 1);
  struct linger lg = {1, 5};
  int r = setsockopt(lfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  printf("  setsockopt(SO_LINGER, {1,5}): %s\n", r < 0 ? strerror(errno) : "0");
  printf("out of range\n");
  seti("TCP_KEEPIDLE", lfd, IPPROTO_TCP, TCP_KEEPIDLE, 0);
  seti("TCP_KEEPINTVL", lfd, IPPROTO_TCP, TCP_KEEPINTVL, 0);
  seti("TCP_KEEPCNT", lfd, IPPROTO_TCP, TCP_KEEPCNT, 256);
  seti("TCP_KEEPIDLE", lfd, IPPROTO_TCP, TCP_KEEPIDLE, 32768);
  seti("TCP_MAXSEG", lfd, IPPROTO_TCP, TCP_MAXSEG, 1);
  seti("TCP_MAXSEG", lfd, IPPROTO_TCP, TCP_MAXSEG, 65536);

  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 5);
  dump("listener", lfd);

  printf("two connections\n");
  int c1 = socket(AF_INET, SOCK_STREAM, 0);
  connect(c1, (struct sockaddr *)&a, sizeof a);
  int s1 = accept(lfd, NULL, NULL);
  int c2 = socket(AF_INET, SOCK_STREAM, 0);
  connect(c2, (struct sockaddr *)&a, sizeof a);
  int s2 = accept(lfd, NULL, NULL);
  dump("accepted", s1);
  dump("client", c1);

  printf("changed on one accepted socket\n");
  seti("TCP_NODELAY", s1, IPPROTO_TCP, TCP_NODELAY, 0);
  seti("SO_KEEPALIVE", s1, SOL_SOCKET, SO_KEEPALIVE, 0);
  seti("TCP_KEEPIDLE", s1, IPPROTO_TCP, TCP_KEEPIDLE, 7);
  dump("that one", s1);
  dump("the other", s2);
  dump("listener", lfd);

  /* Any non-zero int is "on", and getsockopt answers 1. */
  seti("TCP_NODELAY", c1, IPPROTO_TCP, TCP_NODELAY, 42);
  printf("  TCP_NODELAY reads back %d\n", geti(c1, IPPROTO_TCP, TCP_NODELAY));
  /* A short option length. */
  char small = 1;
  r = setsockopt(c1, IPPROTO_TCP, TCP_NODELAY, &small, 1);
  printf("  setsockopt(TCP_NODELAY) with a 1-byte value: %s\n", r < 0 ? strerror(errno) : "0");

  lg.l_onoff = 0;
  setsockopt(s1, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  setsockopt(s2, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(s1);
  close(s2);
  close(c1);
  close(c2);
  close(lfd);
  return 0;
}
