// An epoll fd across fork: parent and child share one epoll instance (its
// interest list and ready list), a blocked epoll_wait in the child is woken
// by the parent's write, the instance lives until its last descriptor in
// any process is closed, and an interest entry stays while any process
// still holds the watched open description.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

static void add(int ep, int fd, uint32_t events, uint64_t tag) {
  struct epoll_event ev = {.events = events, .data.u64 = tag};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) printf("epoll_ctl: %s\n", strerror(errno));
}
static void wait_show(int ep, const char *label, int timeout) {
  struct epoll_event evs[4];
  int n = epoll_wait(ep, evs, 4, timeout);
  printf("%s: %d", label, n);
  if (n < 0) printf(" %s", strerror(errno));
  for (int i = 0; i < n; i++) printf(" [%llu 0x%x]", (unsigned long long)evs[i].data.u64, evs[i].events);
  printf("\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int ep = epoll_create1(0);
  int p[2], go[2];
  pipe(p);
  pipe(go);
  int e = eventfd(0, EFD_NONBLOCK);
  add(ep, p[0], EPOLLIN, 1);

  pid_t a = fork();
  if (a == 0) {
    // The child adds to the shared instance, then sleeps in epoll_wait until the parent writes.
    add(ep, e, EPOLLIN, 2);
    wait_show(ep, "child woken", -1);
    char c;
    read(p[0], &c, 1);
    close(ep);  // the parent's descriptor keeps the instance
    exit(0);
  }
  write(p[1], "x", 1);
  int st;
  waitpid(a, &st, 0);
  printf("child exited %d\n", WEXITSTATUS(st));
  wait_show(ep, "parent after the child read", 0);
  eventfd_write(e, 1);
  wait_show(ep, "parent sees the child's entry", 0);
  eventfd_t v;
  eventfd_read(e, &v);

  // The entry for p[0] stays while another process holds that description.
  pid_t b = fork();
  if (b == 0) {
    char c;
    read(go[0], &c, 1);  // holds p[0] open until told to go
    exit(0);
  }
  close(p[0]);
  write(p[1], "y", 1);
  wait_show(ep, "p[0] closed here, open in the child", 0);
  write(go[1], "g", 1);
  waitpid(b, &st, 0);
  wait_show(ep, "after the last p[0] closed", 0);

  // The instance itself: a child's copy outlives the parent's close.
  int ep2 = epoll_create1(0);
  int q[2];
  pipe(q);
  add(ep2, q[0], EPOLLIN, 7);
  pid_t c = fork();
  if (c == 0) {
    char ch;
    read(go[0], &ch, 1);
    wait_show(ep2, "child's copy after the parent closed its", 0);
    exit(0);
  }
  close(ep2);
  struct epoll_event ev;
  int r = epoll_wait(ep2, &ev, 1, 0);
  printf("parent wait on closed ep2: %d %s\n", r, strerror(errno));
  write(q[1], "z", 1);
  write(go[1], "g", 1);
  waitpid(c, &st, 0);
  printf("done %d\n", WEXITSTATUS(st));
  return 0;
}
