/* UNP 30.6's sig_int, with the children's counts (UNP's meter, exercise
 * 30.1) told through a pipe rather than shared memory: a preforked server
 * runs until the driver sends it SIGINT. Its handler sends every child
 * SIGTERM and waits for all of them (UNP: "while (wait(NULL) > 0)"); each
 * child's SIGTERM handler writes how many connections it accepted to the
 * pipe and exits; the parent then reads the pipe to EOF and adds the counts
 * up (which child served how many is the scheduler's: only the sum is
 * printed). pr_cpu_time's times are left out: they are the machine's. */
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

#define NCHILDREN 4
#define NCLI 3
#define NLOOP 5
#define MAXN 2500

static pid_t pids[NCHILDREN];
static int counts_w, counts_r;
static volatile sig_atomic_t accepted;

static void child_sig_term(int signo) {
  (void)signo;
  char msg[16];
  int n = 0, v = accepted;
  /* snprintf is not async-signal-safe: the digits by hand. */
  char digits[8];
  int k = 0;
  do digits[k++] = '0' + v % 10; while ((v /= 10) > 0);
  while (k > 0) msg[n++] = digits[--k];
  msg[n++] = '\n';
  write(counts_w, msg, n);
  _exit(0);
}

static void child_main(int lfd) {
  for (;;) {
    int conn = accept(lfd, NULL, NULL);
    if (conn < 0) {
      if (errno == EINTR) continue;
      _exit(2);
    }
    /* Counted before the answer: a client that has its answer was counted. */
    accepted++;
    char line[32];
    size_t n = 0;
    while (n + 1 < sizeof line && read(conn, line + n, 1) == 1 && line[n++] != '\n') {}
    line[n] = 0;
    int want = atoi(line);
    char out[MAXN];
    if (want < 0 || want > MAXN) want = 0;
    for (int i = 0; i < want; i++) out[i] = 'A' + (i % 26);
    write(conn, out, want);
    close(conn);
  }
}

static void sig_int(int signo) {
  (void)signo;
  for (int i = 0; i < NCHILDREN; i++) kill(pids[i], SIGTERM);
  int reaped = 0, byterm = 0, st;
  pid_t p;
  while ((p = wait(&st)) > 0) {
    reaped++;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) byterm++;
  }
  /* Every writer is gone: the pipe ends. */
  char buf[256];
  int len = 0;
  ssize_t r;
  while ((r = read(counts_r, buf + len, sizeof buf - 1 - len)) > 0) len += r;
  buf[len] = 0;
  int total = 0, lines = 0;
  for (char *s = buf; *s; s++) {
    if (*s == '\n') lines++;
  }
  for (char *s = strtok(buf, "\n"); s; s = strtok(NULL, "\n")) total += atoi(s);
  printf("server: SIGINT; %d children reaped, %d left through their SIGTERM handler, %d counts reported, %d connections in all\n", reaped, byterm, lines, total);
  exit(0);
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

  /* The server (SIGINT caught) and its children tell the driver they are ready through this pipe. */
  int ready[2];
  pipe(ready);
  pid_t srv = fork();
  if (srv == 0) {
    close(ready[0]);
    int cp[2];
    pipe(cp);
    counts_r = cp[0];
    counts_w = cp[1];
    /* The children's handler, set before they are forked: a child the scheduler never ran before SIGTERM reports 0. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = child_sig_term;
    sigaction(SIGTERM, &sa, NULL);
    for (int i = 0; i < NCHILDREN; i++)
      if ((pids[i] = fork()) == 0) {
        close(counts_r);
        /* Set up: the driver reads the ready pipe to EOF, so no SIGTERM comes before this. */
        write(ready[1], "c", 1);
        close(ready[1]);
        child_main(lfd);
      }
    close(counts_w);
    signal(SIGTERM, SIG_DFL);
    sa.sa_handler = sig_int;
    sigaction(SIGINT, &sa, NULL);
    write(ready[1], "r", 1);
    close(ready[1]);
    for (;;) pause();
  }
  close(ready[1]);
  /* EOF once the server and every child have written and closed their end. */
  char c;
  int readies = 0;
  while (read(ready[0], &c, 1) == 1) readies++;
  close(ready[0]);
  printf("driver: server and %d children ready\n", readies - 1);

  pid_t cli[NCLI];
  for (int i = 0; i < NCLI; i++)
    if ((cli[i] = fork()) == 0) {
      int bad = 0;
      for (int j = 0; j < NLOOP; j++) {
        int n = 300 * (i + 1) + 100 * j;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) _exit(100);
        char req[16], buf[MAXN];
        int len = snprintf(req, sizeof req, "%d\n", n);
        write(fd, req, len);
        int got = 0;
        ssize_t r;
        /* To EOF: the child has closed the connection before its count can be asked for. */
        while ((r = read(fd, buf + got, sizeof buf - got)) > 0) got += r;
        if (got != n) bad++;
        for (int k = 0; k < got; k++)
          if (buf[k] != 'A' + (k % 26)) {
            bad++;
            break;
          }
        close(fd);
      }
      _exit(bad);
    }
  int ok = 0;
  for (int i = 0; i < NCLI; i++) {
    int st;
    waitpid(cli[i], &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
  }
  printf("driver: %d of %d clients made %d connections each and checked every byte\n", ok, NCLI, NLOOP);
  fflush(stdout);
  kill(srv, SIGINT);
  int st;
  waitpid(srv, &st, 0);
  printf("driver: server exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(lfd);
  return 0;
}
