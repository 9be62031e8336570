/* UNP 30.5/30.11: the concurrent server, one child per client, measured by
 * UNP's client.c. The server accepts and forks a child for each connection;
 * the child reads the request line ("client conn length"), answers with that
 * many bytes of a pattern of its own for that client and connection, and
 * exits. A SIGCHLD handler installed without SA_RESTART reaps the children
 * with waitpid(WNOHANG) in a loop (UNP 5.10: several exits may make one
 * signal), so accept fails with EINTR and is called again. The driver forks
 * NCLI clients making NLOOP connections each and checks every byte of the
 * NCLI x NLOOP answers. */
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

#define NCLI 5
#define NLOOP 4
#define MAXN 6000

static volatile sig_atomic_t reaped;

static void sig_chld(int signo) {
  (void)signo;
  int saved = errno, st;
  while (waitpid(-1, &st, WNOHANG) > 0) reaped++;
  errno = saved;
}

static unsigned char pattern(int who, int conn, int i) { return (unsigned char)((who * 31 + conn * 7 + i) % 251); }
static int length(int who, int conn) { return 1000 + who * 900 + conn * 333; }

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

static void serve(int conn) {
  char line[64];
  size_t n = 0;
  while (n + 1 < sizeof line && read(conn, line + n, 1) == 1 && line[n++] != '\n') {}
  line[n] = 0;
  int who, c, len;
  if (sscanf(line, "%d %d %d", &who, &c, &len) != 3 || len < 0 || len > MAXN) _exit(1);
  unsigned char out[MAXN];
  for (int i = 0; i < len; i++) out[i] = pattern(who, c, i);
  /* Two writes: the client must put the answer together itself. */
  write(conn, out, len / 2);
  write(conn, out + len / 2, len - len / 2);
  _exit(0);
}

static int server(int lfd) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = sig_chld;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: accept returns EINTR */
  sigaction(SIGCHLD, &sa, NULL);
  int forked = 0, eintr = 0;
  while (forked < NCLI * NLOOP) {
    int conn = accept(lfd, NULL, NULL);
    if (conn < 0) {
      if (errno == EINTR) {
        eintr++;
        continue;
      }
      return 2;
    }
    if (fork() == 0) {
      close(lfd);
      serve(conn);
    }
    close(conn);
    forked++;
  }
  close(lfd);
  /* The rest: SIGCHLD blocked, wait for every child still running. */
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, NULL);
  int st, more = 0;
  while (waitpid(-1, &st, 0) > 0) more++;
  /* How often accept was interrupted is timing: not printed. */
  (void)eintr;
  printf("server: %d connections, %d children forked, %d reaped in all\n", forked, forked, reaped + more);
  return 0;
}

static int client(const struct sockaddr_in *srv, int who) {
  int bad = 0;
  unsigned char buf[MAXN];
  for (int j = 0; j < NLOOP; j++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (const struct sockaddr *)srv, sizeof *srv) < 0) return 100;
    int len = length(who, j);
    char req[64];
    int rl = snprintf(req, sizeof req, "%d %d %d\n", who, j, len);
    write(fd, req, rl);
    if (readn(fd, buf, len) != len) bad++;
    for (int i = 0; i < len; i++)
      if (buf[i] != pattern(who, j, i)) {
        bad++;
        break;
      }
    if (read(fd, buf, 1) != 0) bad++;
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
  listen(lfd, 32);

  pid_t srv = fork();
  if (srv == 0) exit(server(lfd));
  close(lfd);
  pid_t cli[NCLI];
  for (int i = 0; i < NCLI; i++)
    if ((cli[i] = fork()) == 0) _exit(client(&a, i));
  int st, all = 0;
  long bytes[NCLI];
  for (int i = 0; i < NCLI; i++) {
    waitpid(cli[i], &st, 0);
    bytes[i] = 0;
    for (int j = 0; j < NLOOP; j++) bytes[i] += length(i, j);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) all++;
    else bytes[i] = -WEXITSTATUS(st);
  }
  waitpid(srv, &st, 0);
  for (int i = 0; i < NCLI; i++) printf("client %d: %d answers, %ld bytes, %s\n", i, NLOOP, bytes[i] < 0 ? 0 : bytes[i], bytes[i] < 0 ? "BAD" : "every byte checked");
  printf("%d of %d clients saw every byte; server exited with %d\n", all, NCLI, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return all == NCLI ? 0 : 1;
}
