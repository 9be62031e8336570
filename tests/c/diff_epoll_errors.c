// epoll's error cases, each as Linux reports it: epoll_create/epoll_create1
// arguments, epoll_ctl's EBADF/EINVAL/EEXIST/ENOENT/EPERM/ELOOP and
// EPOLLEXCLUSIVE's rules, epoll_wait's EINVAL/EFAULT/EBADF; interest
// entries keyed by (fd, open description): a dup keeps an entry alive, the
// last close removes it.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "test_tmp.h"

static void show(const char *what, int r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, r < 0 ? r : (r > 2 ? 1 : r));
}

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
  struct epoll_event ev = {.events = events, .data.u64 = data};
  return epoll_ctl(ep, op, fd, &ev);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  show("epoll_create(0)", epoll_create(0));
  show("epoll_create(-1)", epoll_create(-1));
  int ep = epoll_create(1);
  printf("epoll_create(1): fd %d\n", ep);
  show("epoll_create1(1)", epoll_create1(1));
  show("epoll_create1(O_NONBLOCK)", epoll_create1(04000));
  int ep2 = epoll_create1(EPOLL_CLOEXEC);
  printf("epoll_create1(EPOLL_CLOEXEC): fd %d, FD_CLOEXEC %d\n", ep2, fcntl(ep2, F_GETFD));

  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  show("ctl bad epfd", ctl(99, EPOLL_CTL_ADD, sv[0], EPOLLIN, 1));
  show("ctl bad fd", ctl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 1));
  show("ctl epfd not epoll", ctl(sv[1], EPOLL_CTL_ADD, sv[0], EPOLLIN, 1));
  show("ctl add self", ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 1));
  show("ctl bad op", ctl(ep, 7, sv[0], EPOLLIN, 1));
  show("ctl mod missing", ctl(ep, EPOLL_CTL_MOD, sv[0], EPOLLIN, 1));
  show("ctl del missing", ctl(ep, EPOLL_CTL_DEL, sv[0], 0, 0));
  show("ctl add", ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN, 1));
  show("ctl add again", ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN, 1));
  show("ctl add EFAULT", epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], (struct epoll_event *)(uintptr_t)-64));
  show("ctl del NULL", epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
  show("ctl add excl", ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
  show("ctl mod excl item", ctl(ep, EPOLL_CTL_MOD, sv[0], EPOLLIN, 1));
  show("ctl mod with excl", ctl(ep, EPOLL_CTL_MOD, sv[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
  show("ctl del excl", ctl(ep, EPOLL_CTL_DEL, sv[0], 0, 0));
  show("ctl add excl+oneshot", ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1));
  show("ctl add excl+rdhup", ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 1));
  show("ctl add excl epoll", ctl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN | EPOLLEXCLUSIVE, 1));

  // Regular files and directories cannot be watched.
  char fpath[256];
  int f = open(tmp_path(fpath, sizeof fpath, "socklab-epoll-file"), O_CREAT | O_RDWR | O_TRUNC, 0600);
  show("ctl add regular file", ctl(ep, EPOLL_CTL_ADD, f, EPOLLIN, 1));
  int d = open(tmp_dir(), O_RDONLY | O_DIRECTORY);
  show("ctl add directory", ctl(ep, EPOLL_CTL_ADD, d, EPOLLIN, 1));
  close(f);
  close(d);
  unlink(fpath);

  // Nesting and loops.
  show("ctl add ep2 to ep", ctl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN, 2));
  show("ctl add ep to ep2 (loop)", ctl(ep2, EPOLL_CTL_ADD, ep, EPOLLIN, 3));
  int e3 = epoll_create1(0), e4 = epoll_create1(0), e5 = epoll_create1(0), e6 = epoll_create1(0);
  show("chain e3<-e4", ctl(e3, EPOLL_CTL_ADD, e4, EPOLLIN, 0));
  show("chain e4<-e5", ctl(e4, EPOLL_CTL_ADD, e5, EPOLLIN, 0));
  show("chain e5<-e6", ctl(e5, EPOLL_CTL_ADD, e6, EPOLLIN, 0));
  show("chain e6<-ep (too deep)", ctl(e6, EPOLL_CTL_ADD, ep, EPOLLIN, 0));

  // epoll_wait's arguments.
  struct epoll_event evs[4];
  show("wait maxevents 0", epoll_wait(ep, evs, 0, 0));
  show("wait maxevents -1", epoll_wait(ep, evs, -1, 0));
  show("wait EFAULT", epoll_wait(ep, (struct epoll_event *)(uintptr_t)-64, 4, 0));
  show("wait bad fd", epoll_wait(99, evs, 4, 0));
  show("wait not epoll", epoll_wait(sv[0], evs, 4, 0));
  show("wait nothing ready", epoll_wait(ep, evs, 4, 0));
  show("wait 30ms nothing ready", epoll_wait(ep, evs, 4, 30));

  // (fd, description) keys: a dup'ed fd is its own entry; closing one dup leaves the entry of the other.
  int ep7 = epoll_create1(0);
  int dupfd = dup(sv[0]);
  show("ctl add sv0", ctl(ep7, EPOLL_CTL_ADD, sv[0], EPOLLIN, 10));
  show("ctl add dup of sv0", ctl(ep7, EPOLL_CTL_ADD, dupfd, EPOLLIN, 11));
  write(sv[1], "x", 1);
  int n = epoll_wait(ep7, evs, 4, 0);
  printf("both registered: %d events:", n);
  for (int i = 0; i < n; i++) printf(" %llu", (unsigned long long)evs[i].data.u64);
  printf("\n");
  close(sv[0]);
  n = epoll_wait(ep7, evs, 4, 0);
  printf("after closing sv0 (dup open): %d events:", n);
  for (int i = 0; i < n; i++) printf(" %llu", (unsigned long long)evs[i].data.u64);
  printf("\n");
  show("ctl del closed fd number", ctl(ep7, EPOLL_CTL_DEL, sv[0], 0, 0));
  int again = dup(dupfd);  // takes sv[0]'s number back, same description
  printf("dup got fd %s\n", again == sv[0] ? "sv0" : "other");
  show("ctl del sv0 via new dup (same description, same number)", ctl(ep7, EPOLL_CTL_DEL, again, 0, 0));
  show("ctl add it again", ctl(ep7, EPOLL_CTL_ADD, again, EPOLLIN, 12));
  close(again);
  close(dupfd);
  // The description is gone: its entries went with it.
  int sv2[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv2);
  printf("new socketpair reuses fds: %s\n", sv2[0] == again || sv2[1] == again ? "yes" : "no");
  show("ctl del new socket on old number", ctl(ep7, EPOLL_CTL_DEL, again, 0, 0));
  show("wait after last close", epoll_wait(ep7, evs, 4, 0));
  return 0;
}
