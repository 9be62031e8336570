/* A TCP server on 127.0.0.1 that reports what each client did.
 * usage: rc2_tcp PORT MODE [CONNS]   (serves CONNS connections one by one, default forever)
 * Prints "listening on 127.0.0.1:PORT", then per connection one line:
 * MODE echo:  echoes until the client's EOF or error, then
 *             "echo N bytes end=EOF|<errno name>" and closes.
 * MODE hup:   sends "hello\n", shuts its sending side down, reads to the end:
 *             "hup read N bytes end=..." and closes.
 * MODE idle:  prints "accepted", reads nothing until a second client connects
 *             (the go signal, closed at once), then reads the first to its end:
 *             "idle read N bytes end=...".
 * MODE flood N: sends N bytes without blocking until EAGAIN ("flood blocked"
 *             once it would block below N), then blocking the rest, then closes:
 *             "flood sent N end=ok|<errno name>". */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

static const char *ename(int e) {
  switch (e) {
    case ECONNRESET: return "ECONNRESET";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EAGAIN: return "EAGAIN";
    default: return strerror(e);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PORT echo|hup|flood [N] [CONNS]\n", argv[0]); return 2; }
  const char *mode = argv[2];
  long flood = strcmp(mode, "flood") == 0 && argc > 3 ? atol(argv[3]) : 0;
  int argi = strcmp(mode, "flood") == 0 ? 4 : 3;
  long conns = argc > argi ? atol(argv[argi]) : -1;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(ls, 16) < 0) { perror("listen"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
  fflush(stdout);
  for (long served = 0; conns < 0 || served < conns; served++) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    long total = 0;
    const char *end = "EOF";
    if (strcmp(mode, "flood") == 0) {
      memset(buf, 'f', sizeof buf);
      int fl = fcntl(c, F_GETFL);
      fcntl(c, F_SETFL, fl | O_NONBLOCK);
      int blocked = 0;
      end = "ok";
      while (total < flood) {
        size_t want = flood - total < (long)sizeof buf ? (size_t)(flood - total) : sizeof buf;
        ssize_t k = send(c, buf, want, MSG_NOSIGNAL);
        if (k < 0 && errno == EAGAIN && !blocked) {
          blocked = 1;
          printf("flood blocked after %ld\n", total);
          fflush(stdout);
          fcntl(c, F_SETFL, fl);
          continue;
        }
        if (k < 0) { end = ename(errno); break; }
        total += k;
      }
      printf("flood sent %ld end=%s\n", total, end);
    } else {
      if (strcmp(mode, "idle") == 0) {
        printf("accepted\n");
        fflush(stdout);
        int go = accept(ls, NULL, NULL);
        if (go < 0) { perror("accept"); return 1; }
        close(go);
      }
      if (strcmp(mode, "hup") == 0) {
        send(c, "hello\n", 6, MSG_NOSIGNAL);
        shutdown(c, SHUT_WR);
      }
      for (;;) {
        ssize_t k = recv(c, buf, sizeof buf, 0);
        if (k < 0) { end = ename(errno); break; }
        if (k == 0) break;
        total += k;
        if (strcmp(mode, "echo") == 0 && send(c, buf, (size_t)k, MSG_NOSIGNAL) < 0) { end = ename(errno); break; }
      }
      printf("%s %s %ld bytes end=%s\n", mode, strcmp(mode, "echo") == 0 ? "" : "read", total, end);
    }
    fflush(stdout);
    close(c);
  }
  return 0;
}
