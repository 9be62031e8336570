/* The states of a TCP connect on loopback, one line per call, as Linux's
 * inet_stream_connect keeps them: a non-blocking connect says EINPROGRESS,
 * the next connect() reports how it ended (0 once, then EISCONN; or the
 * error, then a new attempt is allowed); a failed handshake's error is
 * reported once, by whichever call comes first; send on an unconnected
 * socket is EPIPE, recv ENOTCONN. Only strerror() texts are printed (errno
 * numbers differ between wasi-libc and glibc), and no port numbers. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : r == 0 ? "0" : "ok"); }

static int so_error(int fd) {
  int e = -1;
  socklen_t l = sizeof e;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
  return e;
}

static void wait_out(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  poll(&p, 1, 5000);
}

static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin_port);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = sizeof a;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sl);
  getsockname(l, (struct sockaddr *)&a, &sl);
  show("listen", listen(l, 8));
  /* A port nobody listens on: a listener's, closed. */
  struct sockaddr_in b = a;
  int t = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in any = {0};
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(t, (struct sockaddr *)&any, sizeof any);
  b.sin_port = htons(port_of(t));
  close(t);

  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("non-blocking connect", connect(c, (struct sockaddr *)&a, sl));
  wait_out(c);
  show("connect after POLLOUT", connect(c, (struct sockaddr *)&a, sl));
  show("connect once more", connect(c, (struct sockaddr *)&a, sl));
  show("send", send(c, "x", 1, 0));
  show("sendto with an address, connected (ignored)", sendto(c, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&b, sl));

  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(c, (struct sockaddr *)&a, sl);
  show("shutdown right after a non-blocking connect", shutdown(c, SHUT_WR));
  show("send after it", send(c, "x", 1, MSG_NOSIGNAL));
  show("connect after it", connect(c, (struct sockaddr *)&a, sl));

  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("non-blocking connect 2", connect(c, (struct sockaddr *)&a, sl));
  wait_out(c);
  show("send before the second connect", send(c, "x", 1, MSG_NOSIGNAL));
  show("connect after send", connect(c, (struct sockaddr *)&a, sl));
  show("connect after that", connect(c, (struct sockaddr *)&a, sl));

  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("non-blocking connect 3", connect(c, (struct sockaddr *)&a, sl));
  fcntl(c, F_SETFL, 0);
  show("blocking connect while in progress", connect(c, (struct sockaddr *)&a, sl));
  show("and again", connect(c, (struct sockaddr *)&a, sl));

  int r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("non-blocking connect refused", connect(r, (struct sockaddr *)&b, sl));
  struct pollfd p = {r, POLLIN | POLLOUT, 0};
  poll(&p, 1, 5000);
  printf("revents: IN %d OUT %d ERR %d HUP %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT), !!(p.revents & POLLERR), !!(p.revents & POLLHUP));
  show("connect reports", connect(r, (struct sockaddr *)&b, sl));
  show("recv after the report", recv(r, &p, 1, 0));
  show("send after the report", send(r, "x", 1, MSG_NOSIGNAL));
  show("connect tries again", connect(r, (struct sockaddr *)&b, sl));
  wait_out(r);
  printf("SO_ERROR is ECONNREFUSED: %d\n", so_error(r) == ECONNREFUSED);
  printf("SO_ERROR again: %d\n", so_error(r));
  show("connect after SO_ERROR took it", connect(r, (struct sockaddr *)&b, sl));
  fcntl(r, F_SETFL, 0);
  show("blocking connect to the listener on the same socket", connect(r, (struct sockaddr *)&a, sl));
  show("send on it", send(r, "y", 1, MSG_NOSIGNAL));

  r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(r, (struct sockaddr *)&b, sl);
  wait_out(r);
  char ch;
  show("recv takes the error", recv(r, &ch, 1, 0));
  show("recv then", recv(r, &ch, 1, 0));
  show("send then", send(r, "x", 1, MSG_NOSIGNAL));
  p.fd = r;
  poll(&p, 1, 0);
  printf("revents: IN %d OUT %d ERR %d HUP %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT), !!(p.revents & POLLERR), !!(p.revents & POLLHUP));
  show("connect", connect(r, (struct sockaddr *)&b, sl));

  r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(r, (struct sockaddr *)&b, sl);
  wait_out(r);
  show("send takes the error", send(r, "x", 1, MSG_NOSIGNAL));
  show("send then", send(r, "x", 1, MSG_NOSIGNAL));

  /* Blocking, with an explicit bind and an option: a new attempt keeps both. */
  r = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  show("SO_KEEPALIVE", setsockopt(r, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
  /* A port of its own (Linux keeps a port bind() named; one it chose is given up with the failed attempt). */
  t = socket(AF_INET, SOCK_STREAM, 0);
  bind(t, (struct sockaddr *)&any, sizeof any);
  int bound = port_of(t);
  close(t);
  struct sockaddr_in mine = any;
  mine.sin_port = htons(bound);
  show("bind", bind(r, (struct sockaddr *)&mine, sizeof mine));
  show("blocking connect refused", connect(r, (struct sockaddr *)&b, sl));
  printf("same port after the failure: %d\n", port_of(r) == bound);
  show("recv", recv(r, &ch, 1, 0));
  show("connect to the listener", connect(r, (struct sockaddr *)&a, sl));
  printf("same port connected: %d\n", port_of(r) == bound);
  int v = 0;
  socklen_t vl = sizeof v;
  getsockopt(r, SOL_SOCKET, SO_KEEPALIVE, &v, &vl);
  printf("SO_KEEPALIVE kept: %d\n", v);

  int u = socket(AF_INET, SOCK_STREAM, 0);
  show("send unconnected", send(u, "x", 1, MSG_NOSIGNAL));
  show("recv unconnected", recv(u, &ch, 1, 0));
  show("send on a listener", send(l, "x", 1, MSG_NOSIGNAL));
  show("recv on a listener", recv(l, &ch, 1, 0));
  show("connect a listener", connect(l, (struct sockaddr *)&a, sl));
  int d = socket(AF_INET, SOCK_DGRAM, 0);
  show("listen on UDP", listen(d, 1));
  show("accept on UDP", accept(d, NULL, NULL));

  /* accept4 with an address but no length: Linux waits for a connection, takes it, closes it and fails with EFAULT
   * (move_addr_to_user cannot read the length); with none pending, EAGAIN first. */
  int l2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a2 = any, peer;
  socklen_t sl2 = sizeof a2;
  bind(l2, (struct sockaddr *)&a2, sl2);
  getsockname(l2, (struct sockaddr *)&a2, &sl2);
  listen(l2, 1);
  show("accept4 without a length, none pending", accept4(l2, (struct sockaddr *)&peer, NULL, 0));
  int k = socket(AF_INET, SOCK_STREAM, 0);
  show("connect to the second listener", connect(k, (struct sockaddr *)&a2, sl2));
  fcntl(l2, F_SETFL, 0);
  show("accept4 without a length", accept4(l2, (struct sockaddr *)&peer, NULL, 0));
  show("the client reads", recv(k, &ch, 1, 0));
  fcntl(l2, F_SETFL, O_NONBLOCK);
  show("accept after it", accept(l2, NULL, NULL));
  return 0;
}
