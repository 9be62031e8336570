// SIGPIPE with a handler: the handler runs and write() fails with EPIPE (the
// process lives on), for a socket whose peer closed (AF_UNIX and TCP) and
// for a pipe without a reader. Blocked, SIGPIPE stays pending and write still
// fails with EPIPE; MSG_NOSIGNAL sends none. A send interrupted after partial
// progress returns the bytes it sent (Linux), handler or not, SA_RESTART or not.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int pipes, alarms;
static volatile int last_code, last_pid;
static void on_pipe(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)ctx;
  pipes++;
  last_code = si->si_code;
  last_pid = si->si_pid;
}
static void on_alarm(int sig) { (void)sig; alarms++; }
static const char *err(void) { return errno == EPIPE ? "EPIPE" : errno == EINTR ? "EINTR" : strerror(errno); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_pipe;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, NULL);

  // AF_UNIX stream: the peer closed.
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  ssize_t n = write(sv[0], "x", 1);
  printf("socketpair write=%zd errno=%s pipes=%d code=%s from self=%d\n", n, err(), pipes, last_code == SI_USER ? "SI_USER" : "?", last_pid == getpid());
  n = send(sv[0], "x", 1, MSG_NOSIGNAL);
  printf("MSG_NOSIGNAL send=%zd errno=%s pipes=%d\n", n, err(), pipes);
  close(sv[0]);

  // A pipe without a reader.
  int pf[2];
  pipe(pf);
  close(pf[0]);
  n = write(pf[1], "y", 1);
  printf("pipe write=%zd errno=%s pipes=%d\n", n, err(), pipes);

  // Blocked: EPIPE, the signal pending until unblocked.
  sigset_t set, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  sigprocmask(SIG_BLOCK, &set, NULL);
  n = write(pf[1], "y", 1);
  sigpending(&pend);
  printf("blocked: write=%zd errno=%s pending=%d pipes=%d\n", n, err(), sigismember(&pend, SIGPIPE), pipes);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  printf("unblocked: pipes=%d\n", pipes);
  close(pf[1]);

  // TCP: the peer closed; the first write draws a reset, the next one fails.
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(ls, (struct sockaddr *)&a, sizeof a);
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  listen(ls, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(ls, NULL, NULL);
  close(s);
  char b;
  printf("tcp read after peer close=%zd\n", read(c, &b, 1));
  n = write(c, "z", 1);
  printf("tcp first write=%zd pipes=%d\n", n, pipes);
  usleep(50000);
  n = write(c, "z", 1);
  printf("tcp second write=%zd errno=%s pipes=%d\n", n, err(), pipes);
  close(c);

  // A blocking send interrupted after partial progress returns the count sent.
  int big = 4 << 20;
  char *data = calloc(1, big);
  for (int restart = 0; restart < 2; restart++) {
    struct sigaction al_sa;
    memset(&al_sa, 0, sizeof al_sa);
    al_sa.sa_handler = on_alarm;
    al_sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGALRM, &al_sa, NULL);
    int p2[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, p2);
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 50000;
    setitimer(ITIMER_REAL, &it, NULL);
    n = send(p2[0], data, big, 0);
    printf("%s: partial send: %s alarms=%d\n", restart ? "SA_RESTART" : "no SA_RESTART", n > 0 && n < big ? "0 < n < len" : "wrong", alarms);
    // A recv(MSG_WAITALL) that got some bytes returns them when interrupted.
    send(p2[1], "abc", 3, 0);
    setitimer(ITIMER_REAL, &it, NULL);
    char rb[100];
    n = recv(p2[0], rb, sizeof rb, MSG_WAITALL);
    printf("%s: partial recv WAITALL=%zd alarms=%d\n", restart ? "SA_RESTART" : "no SA_RESTART", n, alarms);
    close(p2[0]);
    close(p2[1]);
  }
  // Default SIGPIPE still ends the process.
  signal(SIGPIPE, SIG_DFL);
  pipe(pf);
  close(pf[0]);
  write(pf[1], "y", 1);
  printf("not reached\n");
  return 0;
}
