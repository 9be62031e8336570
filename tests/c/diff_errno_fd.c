// Bad input to the descriptor calls around sockets: fcntl (F_GETFL/F_SETFL/
// F_GETFD/F_SETFD/F_DUPFD), ioctl (FIONREAD, FIONBIO), poll, select, epoll,
// close, dup, dup2, dup3: each case gets Linux's errno. Compared line by line
// with a native build by tests/errno-diff.test.ts.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "diff_errno.h"

#define SA(p) ((struct sockaddr *)(p))

/* F_GETFL as the access mode and O_NONBLOCK (the O_* numbers differ between libcs). */
static void getfl(const char *name, int fd) {
  int r = fcntl(fd, F_GETFL);
  if (r < 0) show(name, r);
  else printf("%s %s%s -\n", name, (r & O_ACCMODE) == O_RDWR ? "O_RDWR" : (r & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDONLY", r & O_NONBLOCK ? "|O_NONBLOCK" : "");
}

static void pollone(const char *name, int fd, short events, int timeout) {
  struct pollfd p = {fd, events, 0};
  int r = poll(&p, 1, timeout);
  if (r < 0) show(name, r);
  else printf("%s %d - revents=%#x\n", name, r, (unsigned)p.revents);
}

static void selectone(const char *name, int nfds, int fd, struct timeval *tv) {
  fd_set r;
  FD_ZERO(&r);
  if (fd >= 0) FD_SET(fd, &r);
  show(name, select(nfds, &r, NULL, NULL, tv));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  bad_fds();
  int *pp = bad_pipe;
  int closed = bad_closed;
#define EACH_BAD(label, expr) EACH_BAD_OF(3, label, expr)
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ua;
  memset(&ua, 0, sizeof ua);
  ua.sin_family = AF_INET;
  ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(u, SA(&ua), sizeof ua);
  socklen_t sl = sizeof ua;
  getsockname(u, SA(&ua), &sl);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  listen(l, 1);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);

  // fcntl.
  EACH_BAD("fcntl-getfl", fcntl(fd, F_GETFL));
  EACH_BAD("fcntl-getfd", fcntl(fd, F_GETFD));
  EACH_BAD("fcntl-setfl", fcntl(fd, F_SETFL, O_NONBLOCK));
  EACH_BAD("fcntl-dupfd", fcntl(fd, F_DUPFD, 0));
  EACH_BAD("fcntl-badcmd", fcntl(fd, 9999));
  getfl("fcntl-getfl-socket", u);
  getfl("fcntl-getfl-pipe-r", pp[0]);
  getfl("fcntl-getfl-pipe-w", pp[1]);
  show("fcntl-setfl-nonblock", fcntl(u, F_SETFL, O_NONBLOCK));
  getfl("fcntl-getfl-after-nonblock", u);
  show("fcntl-setfl-accmode-ignored", fcntl(u, F_SETFL, O_WRONLY));
  getfl("fcntl-getfl-after-accmode", u);
  show("fcntl-getfd", fcntl(u, F_GETFD));
  show("fcntl-setfd-cloexec", fcntl(u, F_SETFD, FD_CLOEXEC));
  show("fcntl-getfd-after", fcntl(u, F_GETFD));
  show("fcntl-setfd-junk", fcntl(u, F_SETFD, 0xfe));
  show("fcntl-getfd-after-junk", fcntl(u, F_GETFD));
  show("fcntl-dupfd-neg", fcntl(u, F_DUPFD, -1));
  show("fcntl-dupfd-intmax", fcntl(u, F_DUPFD, INT_MAX));
  show("fcntl-dupfd-100", fcntl(u, F_DUPFD, 100));
  show("fcntl-dupfd-100-again", fcntl(u, F_DUPFD, 100));
  show("fcntl-getfd-dup", fcntl(100, F_GETFD));
  show("fcntl-dupfd-cloexec-200", fcntl(u, F_DUPFD_CLOEXEC, 200));
  show("fcntl-getfd-dup-cloexec", fcntl(200, F_GETFD));
  close(100);
  close(101);
  close(200);
  show("fcntl-badcmd-socket", fcntl(u, 9999));

  // ioctl.
  int n = -1;
  EACH_BAD("ioctl-fionread", ioctl(fd, FIONREAD, &n));
  EACH_BAD("ioctl-fionbio", ioctl(fd, FIONBIO, &n));
  n = -1;
  show("ioctl-fionread-pipe-empty", ioctl(pp[0], FIONREAD, &n));
  printf("ioctl-fionread-pipe-empty-n %d\n", n);
  write(pp[1], "abc", 3);
  show("ioctl-fionread-pipe", ioctl(pp[0], FIONREAD, &n));
  printf("ioctl-fionread-pipe-n %d\n", n);
  show("ioctl-fionread-udp-empty", ioctl(u, FIONREAD, &n));
  printf("ioctl-fionread-udp-empty-n %d\n", n);
  sendto(u, "hello", 5, 0, SA(&ua), sizeof ua);
  sendto(u, "hi", 2, 0, SA(&ua), sizeof ua);
  show("ioctl-fionread-udp", ioctl(u, FIONREAD, &n));
  printf("ioctl-fionread-udp-n %d\n", n);
  show("ioctl-fionread-listening", ioctl(l, FIONREAD, &n));
  write(sv[0], "12345678", 8);
  show("ioctl-fionread-unix", ioctl(sv[1], FIONREAD, &n));
  printf("ioctl-fionread-unix-n %d\n", n);
  show("ioctl-fionread-null", ioctl(u, FIONREAD, NULL));
  show("ioctl-fionread-badp", ioctl(u, FIONREAD, BADP));
  show("ioctl-fionbio-null", ioctl(u, FIONBIO, NULL));
  show("ioctl-fionbio-badp", ioctl(u, FIONBIO, BADP));
  int on = 1;
  show("ioctl-fionbio-pipe", ioctl(pp[1], FIONBIO, &on));
  getfl("ioctl-fionbio-pipe-getfl", pp[1]);
  on = 0;
  show("ioctl-fionbio-off", ioctl(u, FIONBIO, &on));
  getfl("ioctl-fionbio-off-getfl", u);
  show("ioctl-unknown-socket", ioctl(u, 0x1234, &n));
  show("ioctl-unknown-pipe", ioctl(pp[0], 0x1234, &n));
  show("ioctl-siocatmark-udp", ioctl(u, SIOCATMARK, &n));

  // poll.
  show("poll-null-0", poll(NULL, 0, 0));
  show("poll-null-1", poll(NULL, 1, 0));
  show("poll-badp", poll(BADP, 1, 0));
  show("poll-nfds-huge", poll(NULL, 0x7fffffff, 0));
  pollone("poll-fd-neg", -1, POLLIN, 0);
  pollone("poll-fd1000", 1000, POLLIN, 0);
  pollone("poll-closedfd", closed, POLLIN, 0);
  pollone("poll-pipe-w-all-events", pp[1], (short)0xffff, 0);
  pollone("poll-pipe-r-no-events", pp[0], 0, 0);
  pollone("poll-negative-timeout-ready", pp[1], POLLOUT, -5);
  pollone("poll-udp-ready", u, POLLIN | POLLOUT, 0);
  pollone("poll-listening", l, POLLIN | POLLOUT, 0);
  struct pollfd two[2] = {{pp[0], POLLIN, 0}, {1000, POLLIN, 0}};
  n = poll(two, 2, 0);
  printf("poll-two %d - revents=%#x,%#x\n", n, (unsigned)two[0].revents, (unsigned)two[1].revents);

  // select.
  struct timeval zero = {0, 0};
  selectone("select-nfds-neg", -1, -1, &zero);
  selectone("select-empty", 0, -1, &zero);
  selectone("select-closedfd", closed + 1, closed, &zero);
  selectone("select-ready-pipe", pp[0] + 1, pp[0], &zero);
  selectone("select-nfds-big", 1024, pp[0], &zero);
  struct timeval tv = {-1, 0};
  selectone("select-timeout-sec-neg", pp[0] + 1, pp[0], &tv);
  tv.tv_sec = 0;
  tv.tv_usec = -1;
  selectone("select-timeout-usec-neg", pp[0] + 1, pp[0], &tv);
  tv.tv_usec = 1000000;
  selectone("select-timeout-usec-big", pp[0] + 1, pp[0], &tv);
  zero.tv_sec = 0;
  zero.tv_usec = 0;
  show("select-badp-set", select(pp[0] + 1, BADP, NULL, NULL, &zero));
  show("select-all-null", select(0, NULL, NULL, NULL, &zero));

  // epoll.
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN, {.u64 = 1}};
  struct epoll_event evs[4];
  EACH_BAD("epoll-ctl-epfd", epoll_ctl(fd, EPOLL_CTL_ADD, u, &ev));
  EACH_BAD("epoll-ctl-fd", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
  EACH_BAD("epoll-wait", epoll_wait(fd, evs, 4, 0));
  show("epoll-ctl-epfd-pipe", epoll_ctl(pp[0], EPOLL_CTL_ADD, u, &ev));
  show("epoll-wait-pipe", epoll_wait(pp[0], evs, 4, 0));
  show("epoll-create-0", epoll_create(0));
  showfd("epoll-create1-badflag", epoll_create1(1));
  show("epoll-ctl-null-event", epoll_ctl(ep, EPOLL_CTL_ADD, u, NULL));
  show("epoll-ctl-badp-event", epoll_ctl(ep, EPOLL_CTL_ADD, u, BADP));
  show("epoll-ctl-add", epoll_ctl(ep, EPOLL_CTL_ADD, u, &ev));
  show("epoll-ctl-add-again", epoll_ctl(ep, EPOLL_CTL_ADD, u, &ev));
  show("epoll-ctl-badop", epoll_ctl(ep, 99, u, &ev));
  show("epoll-wait-maxevents-0", epoll_wait(ep, evs, 0, 0));
  show("epoll-wait-badp", epoll_wait(ep, BADP, 4, 0));
  show("epoll-wait-null", epoll_wait(ep, NULL, 4, 0));
  show("epoll-wait-negative-timeout-ready", epoll_wait(ep, evs, 4, -7));
  show("epoll-ctl-del-closed", epoll_ctl(ep, EPOLL_CTL_DEL, closed, NULL));

  // close, dup, dup2, dup3.
  EACH_BAD("close", close(fd));
  EACH_BAD("dup", dup(fd));
  EACH_BAD("dup2-old", dup2(fd, 50));
  EACH_BAD("dup2-same", dup2(fd, fd));
  show("dup2-new-neg", dup2(u, -1));
  show("dup2-new-intmax", dup2(u, INT_MAX));
  show("dup2-same-valid", dup2(u, u));
  show("dup2-onto-open", dup2(u, pp[1]));
  getfl("dup2-onto-open-getfl", pp[1]);
  show("dup3-same", dup3(u, u, 0));
  show("dup3-badflag", dup3(u, 60, 0x1));
  show("dup3-badfd", dup3(-1, 60, 0));
  show("dup3-cloexec", dup3(u, 60, O_CLOEXEC));
  show("dup3-cloexec-getfd", fcntl(60, F_GETFD));
  show("close-dup3", close(60));
  show("close-twice", close(60));
  showfd("dup-lowest", dup(u));
  return 0;
}
