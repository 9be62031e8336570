/* UNP 30.6: a TCP preforked server, no locking around accept. The server
 * makes its listening socket, then forks NCHILD children that all call
 * accept on it; the kernel hands each new connection to one of them (which
 * one is the kernel's choice, so only totals are printed). The driver is
 * UNP's client.c: it forks NCLI clients, each making NLOOP connections and
 * asking for a number of bytes ("N\n"), which it checks byte by byte. Each
 * child tells the parent over a pipe that it served a connection; once the
 * clients are done the parent ends the children with SIGTERM (they are in
 * accept) and waits for every one. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD 3
#define NCLI 4
#define NLOOP 3
#define MAXN 4000

static ssize_t readn(int fd, void *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r < 0 ? -1 : (ssize_t)got;
    got += r;
  }
  return got;
}

static ssize_t readline(int fd, char *buf, size_t max) {
  size_t n = 0;
  while (n + 1 < max) {
    ssize_t r = read(fd, buf + n, 1);
    if (r <= 0) break;
    if (buf[n++] == '\n') break;
  }
  buf[n] = 0;
  return n;
}

/* The byte at offset i of every answer. */
static char pattern(int i) { return 'a' + i % 26; }

/* UNP's web_child: reads how many bytes the client wants, writes them. */
static void web_child(int conn) {
  char line[64], out[MAXN];
  if (readline(conn, line, sizeof line) <= 0) return;
  int n = atoi(line);
  if (n < 0 || n > MAXN) n = 0;
  for (int i = 0; i < n; i++) out[i] = pattern(i);
  write(conn, out, n);
}

static void child_main(int lfd, int served) {
  for (;;) {
    int conn = accept(lfd, NULL, NULL);
    if (conn < 0) {
      if (errno == EINTR) continue;
      _exit(2);
    }
    web_child(conn);
    close(conn);
    write(served, "s", 1);
  }
}

/* One client process: NLOOP connections, each asking for a different size. */
static int client(const struct sockaddr_in *srv, int who) {
  int bad = 0;
  for (int j = 0; j < NLOOP; j++) {
    int n = 500 * (who + 1) + 700 * j;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (const struct sockaddr *)srv, sizeof *srv) < 0) return 100;
    char req[32], buf[MAXN];
    int len = snprintf(req, sizeof req, "%d\n", n);
    write(fd, req, len);
    ssize_t got = readn(fd, buf, n);
    if (got != n) bad++;
    for (int i = 0; i < got; i++)
      if (buf[i] != pattern(i)) {
        bad++;
        break;
      }
    /* The server closes after its answer: nothing more comes. */
    char extra;
    if (read(fd, &extra, 1) != 0) bad++;
    close(fd);
  }
  return bad;
}

int main(void) {
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 16);

  int served[2];
  pipe(served);
  pid_t kids[NCHILD];
  for (int i = 0; i < NCHILD; i++) {
    /* The children's first call is accept: one the scheduler has not run yet when SIGTERM comes traces nothing. */
    if ((kids[i] = fork()) == 0) child_main(lfd, served[1]);
  }
  close(served[1]);
  printf("server: %d children preforked, each calling accept on the one listener\n", NCHILD);
  fflush(stdout);

  pid_t cli[NCLI];
  for (int i = 0; i < NCLI; i++) {
    if ((cli[i] = fork()) == 0) {
      close(lfd);
      close(served[0]);
      _exit(client(&a, i));
    }
  }
  long want = 0;
  for (int i = 0; i < NCLI; i++) {
    int st;
    waitpid(cli[i], &st, 0);
    int bytes = 0;
    for (int j = 0; j < NLOOP; j++) bytes += 500 * (i + 1) + 700 * j;
    want += bytes;
    printf("client %d: %d connections, %d bytes, %s\n", i, NLOOP, bytes, WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "all checked" : "BAD");
  }
  /* Every connection was served once: count the children's reports. */
  int total = 0;
  char c;
  while (total < NCLI * NLOOP && read(served[0], &c, 1) == 1) total++;
  printf("server: %d connections served by the children (%ld bytes asked)\n", total, want);

  for (int i = 0; i < NCHILD; i++) kill(kids[i], SIGTERM);
  int killed = 0;
  for (int i = 0; i < NCHILD; i++) {
    int st;
    waitpid(kids[i], &st, 0);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) killed++;
  }
  printf("server: %d of %d children ended by SIGTERM\n", killed, NCHILD);
  /* No child left: the served pipe has no writer. */
  printf("server: served pipe at EOF: %s\n", read(served[0], &c, 1) == 0 ? "yes" : "no");
  close(lfd);
  return 0;
}
