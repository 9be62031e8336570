// run:
/* Non-blocking sockets and backpressure: a full AF_UNIX backlog refuses a
 * non-blocking connect with EAGAIN, a full stream buffer makes send return
 * a short count and then EAGAIN (and poll stop reporting POLLOUT), reading
 * brings POLLOUT back, MSG_DONTWAIT on a blocking socket, a timeout from
 * SO_SNDTIMEO, and O_NONBLOCK through fcntl on accept. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "test_tmp.h"

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }
static int pollout(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  poll(&p, 1, 0);
  return (p.revents & POLLOUT) != 0;
}
static char chunk[100000];

int main(void) {
  char pbuf[108];
  const char *path = tmp_path(pbuf, sizeof pbuf, "socklab-nonblock.sock");
  unlink(path);
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, path);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 1);
  int fds[8], ok = 0;
  for (int i = 0; i < 8; i++) {
    fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (connect(fds[i], (struct sockaddr *)&a, sizeof a) == 0) ok++;
    else {
      printf("connect %d: %s\n", i + 1, strerror(errno));
      break;
    }
  }
  printf("connections the backlog of 1 took: %d\n", ok);
  fcntl(l, F_SETFL, O_NONBLOCK);
  int s = accept(l, NULL, NULL);
  show("accept", s);
  int fl = fcntl(s, F_GETFL);
  printf("accepted socket non-blocking: %s\n", fl & O_NONBLOCK ? "yes" : "no");
  int s2 = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  fl = fcntl(s2, F_GETFL);
  printf("accept4 SOCK_NONBLOCK: %s\n", fl & O_NONBLOCK ? "yes" : "no");
  show("accept with the queue empty", accept(l, NULL, NULL));

  /* backpressure on the first connection */
  int c = fds[0];
  printf("writable at first: %s\n", pollout(c) ? "yes" : "no");
  long total = 0;
  ssize_t n;
  int shorts = 0;
  while ((n = send(c, chunk, sizeof chunk, 0)) > 0) {
    total += n;
    if (n < (ssize_t)sizeof chunk) shorts++;
  }
  printf("send stopped with: %s, buffered something: %s\n", strerror(errno), total > 0 ? "yes" : "no");
  printf("writable when full: %s\n", pollout(c) ? "yes" : "no");
  static char sink[1 << 20];
  long got = 0;
  while ((n = recv(s, sink, sizeof sink, MSG_DONTWAIT)) > 0) got += n;
  printf("reader drained all of it: %s\n", got == total ? "yes" : "no");
  printf("writable after draining: %s\n", pollout(c) ? "yes" : "no");
  show("recv with nothing there (MSG_DONTWAIT)", recv(s, sink, 10, MSG_DONTWAIT));

  /* SO_SNDTIMEO on a blocking socket with a full buffer */
  fcntl(c, F_SETFL, 0);
  struct timeval tv = {0, 100000};
  setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  total = 0;
  while ((n = send(c, chunk, sizeof chunk, 0)) > 0) total += n;
  printf("blocking send with SO_SNDTIMEO ends with: %s\n", strerror(errno));
  show("send with MSG_DONTWAIT on the full socket", send(c, chunk, 1, MSG_DONTWAIT));
  for (int i = 0; i <= ok && i < 8; i++) close(fds[i]);
  close(s);
  close(s2);
  close(l);
  unlink(path);
  return 0;
}
