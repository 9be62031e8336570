// run:
/* EADDRINUSE between two sockets, SO_REUSEADDR after TIME_WAIT, backpressure
 * (a non-blocking sender fills the buffers until EAGAIN, the reader drains
 * them and every byte arrives in order), select() readiness, MSG_PEEK and
 * MSG_WAITALL, SO_RCVTIMEO. One process, loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct sockaddr_in lo(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}
static void show(const char *what, int r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }

int main(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = lo(0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  socklen_t al = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &al);
  listen(l, 8);
  int l2 = socket(AF_INET, SOCK_STREAM, 0);
  show("second bind to a listening port", bind(l2, (struct sockaddr *)&a, sizeof a));
  int on = 1;
  setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  show("with SO_REUSEADDR, still a listener there", bind(l2, (struct sockaddr *)&a, sizeof a));
  close(l2);

  int c = socket(AF_INET, SOCK_STREAM, 0);
  show("connect", connect(c, (struct sockaddr *)&a, sizeof a));
  int s = accept(l, NULL, NULL);
  show("accept", s);

  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(s, &rs);
  struct timeval tv = {0, 0};
  printf("select before data: %d\n", select(s + 1, &rs, NULL, NULL, &tv));
  write(c, "peekaboo", 8);
  FD_ZERO(&rs);
  FD_SET(s, &rs);
  FD_SET(c, &rs);
  tv.tv_sec = 1;
  int n = select((s > c ? s : c) + 1, &rs, NULL, NULL, &tv);
  printf("select after data: %d, server readable %d, client readable %d\n", n, FD_ISSET(s, &rs) ? 1 : 0, FD_ISSET(c, &rs) ? 1 : 0);
  char buf[16] = {0};
  printf("peek: %zd %.4s\n", recv(s, buf, 4, MSG_PEEK), buf);
  memset(buf, 0, sizeof buf);
  printf("waitall 8: %zd %s\n", recv(s, buf, 8, MSG_WAITALL), buf);

  struct timeval to = {0, 200000};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &to, sizeof to);
  ssize_t r = recv(s, buf, sizeof buf, 0);
  printf("recv with SO_RCVTIMEO and no data: %zd %s\n", r, r < 0 ? strerror(errno) : "");

  /* backpressure */
  fcntl(c, F_SETFL, O_NONBLOCK);
  static char chunk[4096];
  long sent = 0;
  for (;;) {
    for (int i = 0; i < (int)sizeof chunk; i++) chunk[i] = (char)((sent + i) % 251);
    ssize_t w = send(c, chunk, sizeof chunk, 0);
    if (w < 0) { printf("sender stopped: %s\n", strerror(errno)); break; }
    sent += w;
    if (w < (ssize_t)sizeof chunk) continue;
  }
  printf("buffers took some data: %s\n", sent > 0 ? "yes" : "no");
  fcntl(c, F_SETFL, 0);
  shutdown(c, SHUT_WR);
  long got = 0, bad = 0;
  static char rb[8192];
  while ((r = recv(s, rb, sizeof rb, 0)) > 0) {
    for (ssize_t i = 0; i < r; i++) if (rb[i] != (char)((got + i) % 251)) bad++;
    got += r;
  }
  printf("reader got everything in order: %s\n", got == sent && !bad ? "yes" : "no");
  close(s);
  close(c);

  /* the port of a connection the server closed first stays in TIME_WAIT */
  close(l);
  int l3 = socket(AF_INET, SOCK_STREAM, 0);
  int rc = bind(l3, (struct sockaddr *)&a, sizeof a);
  printf("rebind without SO_REUSEADDR: %s\n", rc < 0 ? strerror(errno) : "ok");
  close(l3);
  l3 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(l3, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  show("rebind with SO_REUSEADDR", bind(l3, (struct sockaddr *)&a, sizeof a));
  close(l3);
  return 0;
}
