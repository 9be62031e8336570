// Beej's forking stream server: a SIGCHLD handler reaps with
// while (waitpid(-1, NULL, WNOHANG) > 0), signal-interrupted accept()
// restarts (SA_RESTART), a child serves each client. The clients are forked
// children of the program too, one after another, so the output is ordered.
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

#define CLIENTS 4
static volatile int reaped;

static void sigchld_handler(int s) {
  (void)s;
  int saved_errno = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) reaped++;
  errno = saved_errno;
}

static void client(int port, int i) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
  char msg[32], buf[64];
  int n = snprintf(msg, sizeof msg, "hello %d", i);
  write(fd, msg, n);
  shutdown(fd, SHUT_WR);
  int got = 0, r;
  while ((r = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += r;
  buf[got] = 0;
  printf("client %d: %s\n", i, buf);
  close(fd);
  exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  int port = ntohs(a.sin_port);
  listen(ls, 10);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = sigchld_handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGCHLD, &sa, NULL) == -1) { perror("sigaction"); return 1; }

  // A child that exits while the server is blocked in accept(): the handler
  // runs and accept() restarts (SA_RESTART). The first client connects later.
  if (fork() == 0) { usleep(20000); _exit(0); }
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  int want = 1;
  for (int i = 0; i < CLIENTS; i++) {
    if (fork() == 0) {
      close(ls);
      signal(SIGCHLD, SIG_DFL);
      if (i == 0) usleep(100000);
      client(port, i);
    }
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int c = accept(ls, (struct sockaddr *)&peer, &pl);
    if (c < 0) { perror("accept"); return 1; }
    if (!fork()) {
      close(ls);
      char buf[64];
      int got = 0, r;
      while ((r = read(c, buf + got, sizeof buf - got)) > 0) got += r;
      write(c, "echo: ", 6);
      write(c, buf, got);
      close(c);
      _exit(0);
    }
    close(c);
    // This client and its server child are reaped before the next client starts (the output stays ordered).
    want += 2;
    sigprocmask(SIG_BLOCK, &chld, &old);
    while (reaped < want) sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("served %d, reaped %d\n", i, reaped);
  }
  int r = waitpid(-1, NULL, WNOHANG);
  printf("waitpid after: %d errno=%s\n", r, errno == ECHILD ? "ECHILD" : strerror(errno));
  return 0;
}
