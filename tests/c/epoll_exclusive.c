// EPOLLEXCLUSIVE with callers asleep in epoll_wait: a pipe write (a wake of
// one exclusive waiter) reaches the first exclusive instance that has a
// sleeper and every non-exclusive one; the second exclusive instance is
// not woken and its wait times out. Each child exits with its event count.
// Natively this needs the children asleep before the write (a sleep); on
// socklab's virtual clock the order is exact (tests/epoll.test.ts).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2];
  pipe(p);
  int eps[3];
  uint32_t flags[3] = {EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN};
  for (int i = 0; i < 3; i++) {
    eps[i] = epoll_create1(0);
    struct epoll_event ev = {.events = flags[i], .data.u32 = i};
    epoll_ctl(eps[i], EPOLL_CTL_ADD, p[0], &ev);
  }
  pid_t kids[3];
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      struct epoll_event ev;
      exit(epoll_wait(eps[i], &ev, 1, 300));
    }
  }
  usleep(100000);
  write(p[1], "x", 1);
  for (int i = 0; i < 3; i++) {
    int st;
    waitpid(kids[i], &st, 0);
    printf("instance %d (%s): %d event(s)\n", i + 1, i < 2 ? "exclusive" : "plain", WEXITSTATUS(st));
  }
  return 0;
}
