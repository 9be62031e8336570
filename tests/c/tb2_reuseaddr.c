/* SO_REUSEADDR, as every server restart meets it (UNP 7.5, Beej 5.3): a
 * server that closed its connection first leaves it in TIME_WAIT, and a new
 * listener on the same port fails with EADDRINUSE unless it sets
 * SO_REUSEADDR; the option does not let two listeners share a port.
 * Binding to port 0 picks a port getsockname reports. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }

static struct sockaddr_in at(unsigned short port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(port);
  return a;
}

static int server(unsigned short port, int reuse, const char *what) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (reuse) {
    int on = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  }
  struct sockaddr_in a = at(port);
  int r = bind(s, (struct sockaddr *)&a, sizeof a);
  show(what, r);
  if (r < 0) {
    close(s);
    return -1;
  }
  show("  listen", listen(s, 5));
  return s;
}

/* One connection to the listener; the server's end closes first (or shuts down first). */
static void closefirst(int l, unsigned short port, int viaShutdown) {
  struct sockaddr_in lo = at(port);
  lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  show("  connect", connect(c, (struct sockaddr *)&lo, sizeof lo));
  int s = accept(l, NULL, NULL);
  char b;
  if (viaShutdown) {
    shutdown(s, SHUT_WR);
    printf("  client reads EOF: %zd\n", read(c, &b, 1));
    close(c);
    printf("  server reads EOF: %zd\n", read(s, &b, 1));
    close(s);
  } else {
    close(s);
    printf("  client reads EOF: %zd\n", read(c, &b, 1));
    close(c);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  printf("unbound: %s:%u len %u\n", inet_ntoa(a.sin_addr), ntohs(a.sin_port), (unsigned)len);
  int opt = -1;
  socklen_t ol = sizeof opt;
  getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &opt, &ol);
  printf("SO_REUSEADDR by default: %d\n", opt);
  a = at(0);
  show("bind to port 0", bind(l, (struct sockaddr *)&a, sizeof a));
  len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  unsigned short port = ntohs(a.sin_port);
  printf("bound: %s, port chosen: %s\n", inet_ntoa(a.sin_addr), port ? "yes" : "no");
  show("bind again", bind(l, (struct sockaddr *)&a, sizeof a));
  close(l);

  /* Round 1: the first server had no SO_REUSEADDR. Its TIME_WAIT connection keeps
   * that (tw_reuse): the option on the new socket alone does not get past it. */
  l = server(0, 0, "first server, no SO_REUSEADDR");
  len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  port = ntohs(a.sin_port);
  closefirst(l, port, 0);
  close(l);
  int s1 = server(port, 1, "restart with SO_REUSEADDR, old connection without it in TIME_WAIT");
  if (s1 >= 0) close(s1);

  /* Round 2: the first server set SO_REUSEADDR, as UNP and Beej tell servers to. */
  l = server(0, 1, "first server, SO_REUSEADDR");
  len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  port = ntohs(a.sin_port);
  closefirst(l, port, 0);
  close(l);
  s1 = server(port, 0, "restart without SO_REUSEADDR, connection in TIME_WAIT");
  int s2 = server(port, 1, "restart with SO_REUSEADDR");
  int s3 = server(port, 1, "second listener with SO_REUSEADDR");
  int x = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  a = at(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  show("bind 127.0.0.1 beside the wildcard listener", bind(x, (struct sockaddr *)&a, sizeof a));
  close(x);
  /* The restarted listener works. */
  if (s2 >= 0) {
    struct sockaddr_in lo = at(port);
    lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    show("connect to the restarted server", connect(c, (struct sockaddr *)&lo, sizeof lo));
    int s = accept(s2, NULL, NULL);
    write(c, "hi", 2);
    char buf[4] = {0};
    ssize_t n = read(s, buf, 3);
    printf("restarted server read %zd '%s'\n", n, buf);
    close(s);
    close(c);
    close(s2);
  }
  if (s1 >= 0) close(s1);
  if (s3 >= 0) close(s3);

  /* Round 3: the server shuts its side down first (shutdown, not close), reads the
   * client's EOF, then closes: its FIN went first, so its end is in TIME_WAIT all the same. */
  l = server(0, 0, "third server");
  len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  port = ntohs(a.sin_port);
  closefirst(l, port, 1);
  close(l);
  s1 = server(port, 0, "restart after a shutdown-first connection");
  if (s1 >= 0) close(s1);
  /* The client side closed second: no TIME_WAIT there, so its ephemeral port is free again at once. Not
   * checked by binding it: on a machine where other programs connect meanwhile (a test suite), one of them
   * may be given that port first (seen natively, 2 runs in 200 with 200 at once). */

  /* Two sockets bound to the same port, neither listening: allowed when both set SO_REUSEADDR. */
  int u1 = socket(AF_INET, SOCK_STREAM, 0), u2 = socket(AF_INET, SOCK_STREAM, 0), u3 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(u1, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(u2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  a = at(0);
  bind(u1, (struct sockaddr *)&a, sizeof a);
  len = sizeof a;
  getsockname(u1, (struct sockaddr *)&a, &len);
  show("second bind, both SO_REUSEADDR, neither listening", bind(u2, (struct sockaddr *)&a, sizeof a));
  show("third bind, without the option", bind(u3, (struct sockaddr *)&a, sizeof a));
  show("listen on the first", listen(u1, 1));
  show("listen on the second", listen(u2, 1));
  close(u1);
  close(u2);
  close(u3);
  return 0;
}
