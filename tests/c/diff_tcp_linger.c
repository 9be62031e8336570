/* SO_LINGER as Linux has it. getsockopt reads back what was set (l_onoff is
 * kept as given, any non-zero value meaning on). {1, 0}: close() sends a RST
 * instead of a FIN: the peer reads what was queued, then ECONNRESET, then
 * EOF; the port is not left in TIME_WAIT (a new bind without SO_REUSEADDR
 * succeeds). {1, N} with everything acknowledged: close() returns at once.
 * {1, N} with data the peer cannot take: close() waits N seconds. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define R(what, call) do { errno = 0; long r_ = (call); printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int pair(int port, int *server) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in ca = a;
  ca.sin_port = htons(port + 1);
  bind(c, (struct sockaddr *)&ca, sizeof ca);
  connect(c, (struct sockaddr *)&a, sizeof a);
  *server = accept(l, NULL, NULL);
  close(l);
  return c;
}

int main(void) {
  char b[100];
  struct linger lg;
  socklen_t len = sizeof lg;
  int t = socket(AF_INET, SOCK_STREAM, 0);
  getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &len);
  printf("default: {%d, %d} len %d\n", lg.l_onoff, lg.l_linger, (int)len);
  lg.l_onoff = 5;
  lg.l_linger = 7;
  R("set {5, 7}", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  len = sizeof lg;
  getsockopt(t, SOL_SOCKET, SO_LINGER, &lg, &len);
  printf("read back: {%d, %d}\n", lg.l_onoff, lg.l_linger);
  R("set with a short length", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, 4));
  close(t);

  /* {1, 0}: a reset */
  int s, c = pair(47041, &s);
  lg.l_onoff = 1;
  lg.l_linger = 0;
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  R("client writes", write(c, "last words", 10));
  usleep(10000);
  R("client close with {1, 0}", close(c));
  usleep(10000);
  R("server reads what was queued", read(s, b, sizeof b));
  R("server reads again", read(s, b, sizeof b));
  R("and again", read(s, b, sizeof b));
  R("server sends", send(s, "x", 1, MSG_NOSIGNAL));
  close(s);
  struct sockaddr_in ca = {0};
  ca.sin_family = AF_INET;
  ca.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ca.sin_port = htons(47042);
  int again = socket(AF_INET, SOCK_STREAM, 0);
  R("bind the reset client's port again (no TIME_WAIT)", bind(again, (struct sockaddr *)&ca, sizeof ca));
  close(again);

  /* {1, 2} with everything acknowledged: close returns at once */
  c = pair(47043, &s);
  lg.l_linger = 2;
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  write(c, "bye", 3);
  usleep(10000);
  double t0 = now();
  R("client close with {1, 2}, all acknowledged", close(c));
  printf("waited: %s\n", now() - t0 < 0.5 ? "no" : "yes");
  usleep(10000);
  R("server reads", read(s, b, sizeof b));
  R("server reads EOF", read(s, b, sizeof b));
  close(s);

  /* {1, 1} with data the peer's window cannot take: close waits a second */
  c = pair(47045, &s);
  int small = 4096;
  setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  fcntl(c, F_SETFL, O_NONBLOCK);
  static char big[65536];
  long total = 0;
  for (int i = 0; i < 1000; i++) {
    long n = write(c, big, sizeof big);
    if (n < 0) break;
    total += n;
    if (n < (long)sizeof big) break;
  }
  usleep(10000);
  printf("client filled the buffers: %s\n", total > 0 ? "yes" : "no");
  fcntl(c, F_SETFL, 0);
  lg.l_linger = 1;
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  t0 = now();
  R("client close with {1, 1}, data unacknowledged", close(c));
  double w = now() - t0;
  printf("waited about a second: %s\n", w > 0.9 && w < 1.5 ? "yes" : "no");
  close(s);
  return 0;
}
