/* SIGCHLD as UNP 5.9-5.10 and TLPI 26.3 discuss it: a fork-per-client echo
 * server whose handler is installed with signal() (glibc gives it BSD
 * semantics, SA_RESTART), so an accept() the handler interrupts restarts by
 * itself and the program never sees EINTR; the handler reaps with
 * waitpid(-1, WNOHANG) in a loop. Then SIGCHLD set to SIG_IGN: children are
 * not left as zombies, and wait() blocks until the last one has ended and
 * fails with ECHILD. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NCONN 3

static volatile sig_atomic_t reaped;
static volatile sig_atomic_t codes;

static void sig_chld(int signo) {
  (void)signo;
  int saved = errno; /* the handler may run between a failing call and its errno check */
  pid_t pid;
  int stat;
  while ((pid = waitpid(-1, &stat, WNOHANG)) > 0) {
    reaped++;
    codes += WEXITSTATUS(stat);
  }
  errno = saved;
}

static void str_echo(int fd) {
  char buf[256];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) write(fd, buf, n);
}

static int readall(int fd, char *buf, int len) {
  int got = 0;
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    if (n <= 0) return got;
    got += n;
  }
  return got;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&sa, sizeof sa);
  listen(lfd, 8);
  socklen_t len = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &len);

  if (signal(SIGCHLD, sig_chld) == SIG_ERR) { perror("signal"); return 1; }
  struct sigaction cur;
  sigaction(SIGCHLD, NULL, &cur);
  printf("signal(): SA_RESTART %s\n", (cur.sa_flags & SA_RESTART) ? "set" : "clear");

  /* The client driver: its connections one after the other; each server child exits when its client
   * closes. */
  pid_t driver = fork();
  if (driver == 0) {
    signal(SIGCHLD, SIG_DFL);
    close(lfd);
    for (int i = 0; i < NCONN; i++) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("connect"); _exit(1); }
      char msg[32], back[32];
      int n = snprintf(msg, sizeof msg, "request %d", i);
      write(s, msg, n);
      int got = readall(s, back, n);
      printf("client %d: '%.*s'\n", i, got, back);
      close(s);
      /* The next client comes later: the server child's exit finds the parent waiting in accept(). */
      struct timespec later = {0, 80 * 1000 * 1000};
      nanosleep(&later, NULL);
    }
    _exit(50);
  }

  int eintr = 0;
  for (int served = 0; served < NCONN;) {
    int c = accept(lfd, NULL, NULL);
    if (c < 0) {
      if (errno == EINTR) eintr++;
      else { perror("accept"); return 1; }
      continue;
    }
    pid_t child = fork();
    if (child == 0) {
      close(lfd);
      str_echo(c);
      close(c);
      /* A moment before exiting, so the parent is back in accept() when SIGCHLD comes. */
      struct timespec ts = {0, 20 * 1000 * 1000};
      nanosleep(&ts, NULL);
      _exit(served + 1);
    }
    close(c);
    served++;
  }
  close(lfd);
  /* Wait for every child through the handler (sigsuspend with SIGCHLD blocked in between, no lost wake-up). */
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  while (reaped < NCONN + 1) sigsuspend(&old);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("server: accept saw EINTR %d times, reaped %d, exit codes sum %d\n", eintr, (int)reaped, (int)codes);

  /* SIGCHLD ignored: no zombies; wait() waits for all the children, then ECHILD. */
  signal(SIGCHLD, SIG_IGN);
  int sp[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
  for (int i = 0; i < 2; i++) {
    if (fork() == 0) {
      close(sp[0]);
      char c;
      /* Each child ends when the parent says so. */
      read(sp[1], &c, 1);
      _exit(9);
    }
  }
  close(sp[1]);
  errno = 0;
  pid_t w = waitpid(-1, NULL, WNOHANG);
  printf("SIG_IGN: waitpid WNOHANG with children running: %d %s\n", (int)w, strerror(errno));
  write(sp[0], "xy", 2);
  int st = 0;
  errno = 0;
  w = wait(&st);
  printf("SIG_IGN: wait after they exit: %d %s\n", (int)w, strerror(errno));
  char b;
  ssize_t n = read(sp[0], &b, 1);
  printf("socketpair after both children exited: read %zd\n", n);
  close(sp[0]);
  return 0;
}
