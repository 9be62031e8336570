/* What crosses an exec: descriptors made close-on-exec every way there is
 * (fcntl FD_CLOEXEC, O_CLOEXEC, SOCK_CLOEXEC, accept4, pipe2, dup3,
 * F_DUPFD_CLOEXEC) against plain ones and a dup of a close-on-exec one; a
 * signal blocked and pending; an alarm (ITIMER_REAL survives exec). Then an
 * exec from inside a SIGCHLD handler: the new image starts with the
 * handler's mask and keeps the unreaped child.
 * usage: x14_execflags DIR  (DIR holds x14_flagchild as "flagchild") */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char child[512];

static void on_chld(int sig) {
  (void)sig;
  execl(child, "flagchild", "from-handler", (char *)0);
  _exit(126);
}

static void show(const char *what, int fd) { printf("%s: fd %d\n", what, fd); }

static void subject(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/flagchild", dir);
  int plain = open(path, O_RDONLY);
  show("open plain", plain);
  int oc = open(path, O_RDONLY | O_CLOEXEC);
  show("open O_CLOEXEC", oc);
  int fc = open(path, O_RDONLY);
  fcntl(fc, F_SETFD, FD_CLOEXEC);
  show("fcntl FD_CLOEXEC", fc);
  show("dup of FD_CLOEXEC", dup(fc));
  show("F_DUPFD_CLOEXEC", fcntl(plain, F_DUPFD_CLOEXEC, 0));
  show("dup3 O_CLOEXEC", dup3(plain, 20, O_CLOEXEC));
  int p[2];
  pipe2(p, O_CLOEXEC);
  printf("pipe2 O_CLOEXEC: fds %d %d\n", p[0], p[1]);
  int lis = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  show("socket SOCK_CLOEXEC", lis);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t len = sizeof a;
  if (bind(lis, (struct sockaddr *)&a, sizeof a) < 0 || listen(lis, 4) < 0 || getsockname(lis, (struct sockaddr *)&a, &len) < 0) { perror("listen"); _exit(1); }
  int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0);
  show("socket plain", c1);
  if (connect(c1, (struct sockaddr *)&a, sizeof a) < 0 || connect(c2, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); _exit(1); }
  show("accept4 SOCK_CLOEXEC", accept4(lis, NULL, NULL, SOCK_CLOEXEC));
  show("accept plain", accept(lis, NULL, NULL));
  close(c2);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigprocmask(SIG_BLOCK, &m, NULL);
  kill(getpid(), SIGUSR1);
  signal(SIGUSR2, SIG_IGN);
  printf("alarm(7) before: %u\n", alarm(7));
  fflush(stdout);
  execl(path, "flagchild", "fds", (char *)0);
  perror("execl");
  _exit(127);
}

static void from_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaction(SIGCHLD, &sa, NULL);
  sigset_t m, old;
  sigemptyset(&m);
  sigaddset(&m, SIGCHLD);
  sigprocmask(SIG_BLOCK, &m, &old);
  pid_t pid = fork();
  if (pid == 0) _exit(42);
  /* The SIGCHLD handler runs inside sigsuspend and never returns: it execs. */
  sigsuspend(&old);
  _exit(125);
}

static void reap(const char *what) {
  int status;
  pid_t pid = fork();
  if (pid == 0) {
    if (what[0] == 's') subject(child);
    else from_handler();
  }
  waitpid(pid, &status, 0);
  printf("%s: exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
  fflush(stdout);
}

int main(int argc, char *argv[]) {
  if (argc < 2) { fprintf(stderr, "usage: x14_execflags DIR\n"); return 2; }
  char dir[400];
  snprintf(dir, sizeof dir, "%s", argv[1]);
  snprintf(child, sizeof child, "%s", dir);
  fflush(stdout);
  reap("subject");
  snprintf(child, sizeof child, "%s/flagchild", dir);
  reap("handler");
  return 0;
}
