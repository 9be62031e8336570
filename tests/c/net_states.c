// run:
#define _GNU_SOURCE
/* TCP state errors and readiness on loopback: calls in the wrong state give
 * Linux's errno, poll() reports what Linux reports in each state (listening
 * with and without a queued connection, connected, peer half-closed, peer
 * closed, reset, failed non-blocking connect), half-close keeps the other
 * direction open, close with unread data resets the peer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }
static void showv(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}
static const char *ev(int e) {
  static char b[128];
  b[0] = 0;
  if (e & POLLIN) strcat(b, "IN ");
  if (e & POLLOUT) strcat(b, "OUT ");
  if (e & POLLERR) strcat(b, "ERR ");
  if (e & POLLHUP) strcat(b, "HUP ");
  if (e & POLLRDHUP) strcat(b, "RDHUP ");
  if (e & POLLNVAL) strcat(b, "NVAL ");
  if (!b[0]) strcpy(b, "none");
  return b;
}
static void pollshow(const char *what, int fd) {
  struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  int n = poll(&p, 1, 0);
  printf("poll %s: %d %s\n", what, n, ev(p.revents));
}
static void settle(void) { usleep(20000); }
static struct sockaddr_in lo(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}
static int soerror(int fd) {
  int e = -1;
  socklen_t l = sizeof e;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
  return e;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  char buf[64];
  int fresh = socket(AF_INET, SOCK_STREAM, 0);
  pollshow("fresh socket", fresh);
  showv("recv on fresh socket", recv(fresh, buf, sizeof buf, 0));
  showv("send on fresh socket", send(fresh, "x", 1, 0));
  showv("read on fresh socket", read(fresh, buf, sizeof buf));
  show("accept on fresh socket", accept(fresh, NULL, NULL));
  show("shutdown on fresh socket", shutdown(fresh, SHUT_WR));
  show("listen without bind (autobinds)", listen(fresh, 1));
  struct sockaddr_in la;
  socklen_t ll = sizeof la;
  getsockname(fresh, (struct sockaddr *)&la, &ll);
  printf("autobound listener has a port: %s\n", la.sin_port ? "yes" : "no");
  close(fresh);

  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = lo(0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  ll = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &ll);
  show("listen", listen(l, 2));
  show("listen again (new backlog)", listen(l, 5));
  pollshow("listening, empty queue", l);
  showv("recv on listener", recv(l, buf, sizeof buf, 0));
  showv("send on listener", send(l, "x", 1, 0));
  show("connect on listener", connect(l, (struct sockaddr *)&a, sizeof a));
  int on = 1;
  show("accept4 with bad flags", accept4(l, NULL, NULL, 0x10));

  int c = socket(AF_INET, SOCK_STREAM, 0);
  show("connect", connect(c, (struct sockaddr *)&a, sizeof a));
  settle();
  pollshow("listening, one queued", l);
  pollshow("client connected", c);
  show("connect again", connect(c, (struct sockaddr *)&a, sizeof a));
  show("listen on connected", listen(c, 1));
  show("bind on connected", bind(c, (struct sockaddr *)&a, sizeof a));
  int s = accept(l, NULL, NULL);
  show("accept", s);
  pollshow("server connected", s);
  show("shutdown bad how", shutdown(c, 7));

  /* half-close */
  show("client shutdown(SHUT_WR)", shutdown(c, SHUT_WR));
  settle();
  pollshow("client after own SHUT_WR", c);
  pollshow("server after peer SHUT_WR", s);
  showv("server read: EOF", read(s, buf, sizeof buf));
  showv("server read again: EOF", read(s, buf, sizeof buf));
  showv("client send after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
  showv("server writes the other way", write(s, "back", 4));
  settle();
  showv("client reads it", read(c, buf, sizeof buf));
  show("client shutdown(SHUT_WR) twice", shutdown(c, SHUT_WR));
  show("client shutdown(SHUT_RD)", shutdown(c, SHUT_RD));
  showv("client read after SHUT_RD", read(c, buf, sizeof buf));
  pollshow("client after SHUT_RD too", c);
  close(s);
  settle();
  pollshow("client after peer close", c);
  close(c);

  /* close with unread data: RST */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  s = accept(l, NULL, NULL);
  write(c, "unread", 6);
  settle();
  close(s);
  settle();
  pollshow("client after peer closed with unread data", c);
  printf("SO_ERROR after reset: %s\n", strerror(soerror(c)));
  pollshow("client after reading SO_ERROR", c);
  showv("client read after reset", read(c, buf, sizeof buf));
  showv("client read after that", read(c, buf, sizeof buf));
  showv("client write after reset", write(c, "x", 1));
  close(c);

  /* reset seen by read first */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  s = accept(l, NULL, NULL);
  write(c, "unread", 6);
  settle();
  close(s);
  settle();
  showv("read after reset", read(c, buf, sizeof buf));
  printf("SO_ERROR then: %d\n", soerror(c));
  showv("read then", read(c, buf, sizeof buf));
  close(c);

  /* peer closed without unread data, we write: first write ok, then EPIPE */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  s = accept(l, NULL, NULL);
  close(s);
  settle();
  pollshow("client after clean peer close", c);
  showv("first write to closed peer", write(c, "x", 1));
  settle();
  pollshow("client after the RST", c);
  showv("second write to closed peer", write(c, "x", 1));
  showv("read then", read(c, buf, sizeof buf));
  close(c);

  /* SO_LINGER 0: close sends RST */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  s = accept(l, NULL, NULL);
  struct linger lg = {1, 0};
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(c);
  settle();
  pollshow("server after abortive close", s);
  showv("server read after abortive close", read(s, buf, sizeof buf));
  close(s);

  /* non-blocking connect, refused */
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in closed = lo(0);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  bind(t, (struct sockaddr *)&closed, sizeof closed);
  ll = sizeof closed;
  getsockname(t, (struct sockaddr *)&closed, &ll);
  close(t);
  show("non-blocking connect to a closed port", connect(c, (struct sockaddr *)&closed, sizeof closed));
  settle();
  pollshow("failed connect", c);
  printf("SO_ERROR: %s\n", strerror(soerror(c)));
  pollshow("failed connect after SO_ERROR", c);
  show("connect again", connect(c, (struct sockaddr *)&closed, sizeof closed));
  close(c);
  c = socket(AF_INET, SOCK_STREAM, 0);
  show("blocking connect to a closed port", connect(c, (struct sockaddr *)&closed, sizeof closed));
  pollshow("after refused blocking connect", c);
  close(c);

  /* non-blocking connect, success */
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("non-blocking connect", connect(c, (struct sockaddr *)&a, sizeof a));
  show("connect while in progress", connect(c, (struct sockaddr *)&a, sizeof a));
  settle();
  pollshow("connected after EINPROGRESS", c);
  printf("SO_ERROR: %d\n", soerror(c));
  show("connect after it completed", connect(c, (struct sockaddr *)&a, sizeof a));
  show("and again", connect(c, (struct sockaddr *)&a, sizeof a));
  s = accept(l, NULL, NULL);
  showv("non-blocking recv, nothing there", recv(c, buf, sizeof buf, 0));
  showv("MSG_DONTWAIT recv on blocking socket", recv(s, buf, sizeof buf, MSG_DONTWAIT));
  close(s);
  close(c);
  fcntl(l, F_SETFL, O_NONBLOCK);
  show("non-blocking accept, empty queue", accept(l, NULL, NULL));
  /* shutdown on a listener: SHUT_WR does nothing, SHUT_RD stops listening */
  show("listener shutdown(SHUT_WR)", shutdown(l, SHUT_WR));
  c = socket(AF_INET, SOCK_STREAM, 0);
  show("connect after listener SHUT_WR", connect(c, (struct sockaddr *)&a, sizeof a));
  close(c);
  show("listener shutdown(SHUT_RD)", shutdown(l, SHUT_RD));
  pollshow("listener after SHUT_RD", l);
  c = socket(AF_INET, SOCK_STREAM, 0);
  show("connect after listener SHUT_RD", connect(c, (struct sockaddr *)&a, sizeof a));
  close(c);
  show("accept after listener SHUT_RD", accept(l, NULL, NULL));
  show("listen again after SHUT_RD", listen(l, 1));
  close(l);
  show("accept on closed fd", accept(l, NULL, NULL));
  pollshow("closed fd", l);
  (void)on;
  return 0;
}
