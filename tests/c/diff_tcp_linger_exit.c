/* SO_LINGER {1, N} with data the peer's window cannot take, when the last
 * reference to the socket goes in something other than close(): Linux's
 * inet_release lingers for the closing task, but never for one that is
 * exiting. So a child that exits does not wait (its parent's waitpid
 * returns at once); dup2 or dup3 over the socket waits up to N seconds, as
 * close does. Either way the data is still delivered, then the FIN. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int lst;

/* A connected pair on loopback; the server's receive buffer is small so the client's data backs up. */
static int client(void) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(47061), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  connect(c, (struct sockaddr *)&a, sizeof a);
  return c;
}
static int pair(int *server) {
  int c = client();
  *server = accept(lst, NULL, NULL);
  return c;
}

/* Fills the client's send buffer and the peer's window; returns the bytes written. */
static long fill(int c) {
  struct linger lg = {1, 2};
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  fcntl(c, F_SETFL, O_NONBLOCK);
  static char big[65536];
  long total = 0, n;
  while ((n = write(c, big, sizeof big)) > 0) total += n;
  return total;
}

/* The server reads everything the client wrote, then EOF. */
static void drain(int s, long expect, const char *what) {
  static char b[65536];
  long got = 0, n;
  while ((n = read(s, b, sizeof b)) > 0) got += n;
  printf("%s: server read all the data: %s, then %s\n", what, got == expect ? "yes" : "no", n == 0 ? "EOF" : strerror(errno));
  close(s);
}

int main(void) {
  lst = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1, small = 4096;
  setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(lst, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(47061), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(lst, (struct sockaddr *)&a, sizeof a);
  listen(lst, 4);

  /* 1. The child exits holding the only reference: no lingering for an exiting task. */
  int p[2];
  pipe(p);
  double t0 = now();
  pid_t pid = fork();
  if (pid == 0) {
    long total = fill(client());
    write(p[1], &total, sizeof total);
    _exit(0);
  }
  int s = accept(lst, NULL, NULL);
  long total = 0;
  read(p[0], &total, sizeof total);
  int st;
  waitpid(pid, &st, 0);
  double w = now() - t0;
  printf("exit: child filled the buffers: %s, waitpid waited: %s, status %d\n", total > 0 ? "yes" : "no", w < 0.5 ? "no" : "yes", WEXITSTATUS(st));
  drain(s, total, "exit");

  /* 2. dup2 over the socket: the close it does lingers up to 2 s. */
  int c = pair(&s);
  total = fill(c);
  /* Any other fd to put in its place: a pipe's read end. */
  int spare[2];
  pipe(spare);
  int null = spare[0];
  t0 = now();
  errno = 0;
  int r = dup2(null, c);
  w = now() - t0;
  printf("dup2: result %s, waited about 2 s: %s\n", r == c ? "newfd" : strerror(errno), w > 1.9 && w < 2.5 ? "yes" : "no");
  drain(s, total, "dup2");
  close(c);

  /* 3. dup3 the same. */
  c = pair(&s);
  total = fill(c);
  t0 = now();
  r = dup3(null, c, O_CLOEXEC);
  w = now() - t0;
  printf("dup3: result %s, waited about 2 s: %s\n", r == c ? "newfd" : strerror(errno), w > 1.9 && w < 2.5 ? "yes" : "no");
  drain(s, total, "dup3");
  close(c);

  /* 4. dup2 over one of two references: nothing to wait for. */
  c = pair(&s);
  total = fill(c);
  int keep = dup(c);
  t0 = now();
  dup2(null, c);
  printf("dup2 over a shared socket waited: %s\n", now() - t0 < 0.5 ? "no" : "yes");
  close(c);
  t0 = now();
  close(keep);
  w = now() - t0;
  printf("closing the last reference waited about 2 s: %s\n", w > 1.9 && w < 2.5 ? "yes" : "no");
  drain(s, total, "shared");
  return 0;
}
