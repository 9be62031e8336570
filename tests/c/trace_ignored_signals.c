/* Signals a process ignores, as strace shows them: the children's SIGCHLD
 * (ignored by default) while the parent waits in accept(), select() and
 * epoll_wait(), and SIGPIPE set to SIG_IGN. Linux discards them; strace
 * still shows them (ptrace reports ignored signals), and shows a wait they
 * came in as interrupted and restarted. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 4) != 0 || getsockname(ls, (struct sockaddr *)&a, &al) != 0) return 1;

  /* accept(): one child exits while the parent waits, the next connects (the children wait a virtual
   * millisecond or two first: the parent is in its call by then). */
  if (fork() == 0) {
    usleep(1000);
    _exit(0);
  }
  if (fork() == 0) {
    usleep(2000);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0) _exit(1);
    _exit(0);
  }
  int s = accept(ls, NULL, NULL);
  printf("accept: %s\n", s >= 0 ? "a connection" : strerror(errno));
  close(s);

  /* select() with a timeout: never ready, a child exits meanwhile; the whole timeout still passes. */
  if (fork() == 0) {
    usleep(1000);
    _exit(3);
  }
  fd_set r;
  FD_ZERO(&r);
  FD_SET(ls, &r);
  struct timeval tv = {1, 0};
  printf("select: %d\n", select(ls + 1, &r, NULL, NULL, &tv));

  /* epoll_wait(): Linux returns EINTR here only to a traced process; the call goes on, the signal shows after it. */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  if (fork() == 0) {
    usleep(1000);
    _exit(4);
  }
  printf("epoll_wait: %d\n", epoll_wait(ep, &ev, 1, 500));

  /* poll() with a timeout: a restart block on Linux, resumed as restart_syscall. */
  struct pollfd pf = {.fd = ls, .events = POLLIN};
  if (fork() == 0) {
    usleep(1000);
    _exit(5);
  }
  printf("poll: %d\n", poll(&pf, 1, 200));

  /* poll() without a timeout goes through the restart block too: a child exits, then the next one connects. */
  if (fork() == 0) {
    usleep(1000);
    _exit(7);
  }
  if (fork() == 0) {
    usleep(2000);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0) _exit(1);
    _exit(0);
  }
  printf("poll, no timeout: %d\n", poll(&pf, 1, -1));
  close(accept(ls, NULL, NULL));

  /* A sleep: a restart block too. */
  if (fork() == 0) {
    usleep(1000);
    _exit(6);
  }
  struct timespec req = {0, 5000000}, rem = {0, 0};
  printf("nanosleep: %d\n", nanosleep(&req, &rem));

  /* wasi-libc's sleep, which the SDK replaces with its own import: poll_oneoff on one clock, which the trace shows
   * as clock_nanosleep (wasi-libc's clock_nanosleep makes this very call). A restart block too, and the
   * whole 5 ms pass. Natively, the nanosleep it stands for. */
  if (fork() == 0) {
    usleep(1000);
    _exit(8);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
#ifdef __wasi__
  __wasi_subscription_t sub = {.u = {.tag = __WASI_EVENTTYPE_CLOCK, .u = {.clock = {.id = __WASI_CLOCKID_REALTIME, .timeout = 5000000}}}};
  __wasi_event_t wev;
  __wasi_size_t nev;
  int slept = __wasi_poll_oneoff(&sub, &wev, 1, &nev) == 0 && nev == 1 && wev.type == __WASI_EVENTTYPE_CLOCK ? 0 : -1;
#else
  struct timespec req2 = {0, 5000000};
  int slept = nanosleep(&req2, NULL);
#endif
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long us = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  printf("wasi sleep: %d after %lld ms\n", slept, us / 1000);

  /* SIGPIPE ignored: EPIPE, and the signal's line after the write's. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  printf("write: %zd %s\n", write(sv[0], "x", 1), strerror(errno));

  int st, n = 0;
  while (wait(&st) > 0) n++;
  printf("reaped %d\n", n);
  return 0;
}
