/* WASI's fd_renumber(from, to) closes what `to` held as dup2 does: over the
 * last reference to a socket with SO_LINGER {1, 2} and data the peer's
 * window cannot take yet, the call waits about 2 s of virtual time; over a
 * shared reference, or without linger, it returns at once. The data is
 * delivered either way, then the FIN. (No native twin: fd_renumber is
 * WASI's; tests/fds-renumber.test.ts checks the output.) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int lst;
static struct sockaddr_in addr;

static int pair(int *server) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&addr, sizeof addr);
  *server = accept(lst, NULL, NULL);
  return c;
}

/* Fills the client's send buffer and the peer's window (with SO_LINGER {on, 2}); returns the bytes written. */
static long fill(int c, int on) {
  struct linger lg = {on, 2};
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  fcntl(c, F_SETFL, O_NONBLOCK);
  static char big[65536];
  long total = 0, n;
  while ((n = write(c, big, sizeof big)) > 0) total += n;
  return total;
}

static void drain(int s, long expect, const char *what) {
  static char b[65536];
  long got = 0, n;
  while ((n = read(s, b, sizeof b)) > 0) got += n;
  printf("%s: server read all the data: %s, then %s\n", what, got == expect ? "yes" : "no", n == 0 ? "EOF" : strerror(errno));
  close(s);
}

/* fd_renumber(a fresh pipe end, c); prints the errno and the time it took. */
static void renumber(int c, const char *what) {
  int p[2];
  pipe(p);
  close(p[1]);
  double t0 = now();
  int err = __wasi_fd_renumber(p[0], c);
  double w = now() - t0;
  printf("%s: fd_renumber errno %d, waited %.1f s, old fd gone: %s\n", what, err, w, fcntl(p[0], F_GETFD) < 0 ? "yes" : "no");
}

int main(void) {
  addr.sin_family = AF_INET;
  addr.sin_port = htons(47062);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  lst = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1, small = 4096, s;
  setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(lst, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  bind(lst, (struct sockaddr *)&addr, sizeof addr);
  listen(lst, 4);

  /* 1. The last reference, lingering: waits the full 2 s (nobody reads meanwhile). */
  int c = pair(&s);
  long total = fill(c, 1);
  renumber(c, "linger");
  drain(s, total, "linger");
  close(c);

  /* 2. One of two references: nothing to wait for; closing the last one lingers. */
  c = pair(&s);
  total = fill(c, 1);
  int keep = dup(c);
  renumber(c, "shared");
  double t0 = now();
  close(keep);
  printf("shared: closing the last reference waited %.1f s\n", now() - t0);
  drain(s, total, "shared");
  close(c);

  /* 3. No SO_LINGER: close returns at once. */
  c = pair(&s);
  total = fill(c, 0);
  renumber(c, "no linger");
  drain(s, total, "no linger");
  close(c);

  /* 4. A target that is not open: EBADF (preview1 wants it open), nothing changes. */
  printf("closed target: errno %d\n", __wasi_fd_renumber(0, 99));
  return 0;
}
