// eventfd and timerfd, alone and in an epoll loop: eventfd's counter and
// semaphore mode, short buffers, EAGAIN, the overflow limit; timerfd's
// relative, absolute and periodic timers, gettime and the expiration
// count; pipes and a nested epoll fd in the loop; the ready list's round
// robin with a small maxevents; EPOLLEXCLUSIVE waking one epoll instance.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
/* A newer wasi-libc (@yowasp/clang's) names no CPU-time clocks; the SDK takes a small clockid_t as Linux's number. */
#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)2)
#endif
#include <sys/eventfd.h>
#include <sys/timerfd.h>

static void r64(const char *what, int fd) {
  uint64_t v = 0;
  ssize_t n = read(fd, &v, sizeof v);
  if (n < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %zd value %llu\n", what, n, (unsigned long long)v);
}
static void w64(const char *what, int fd, uint64_t v) {
  ssize_t n = write(fd, &v, sizeof v);
  if (n < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %zd\n", what, n);
}
/* The result, then errno: printf's arguments have no evaluation order. */
static void res(const char *what, long r) {
  if (r < 0) printf("%s: %ld %s\n", what, r, strerror(errno));
  else printf("%s: %ld\n", what, r);
}
static void add(int ep, int fd, uint32_t events, uint64_t tag) {
  struct epoll_event ev = {.events = events, .data.u64 = tag};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) printf("epoll_ctl: %s\n", strerror(errno));
}
static int wait_show(int ep, const char *label, int max, int timeout) {
  struct epoll_event evs[8];
  int n = epoll_wait(ep, evs, max, timeout);
  printf("%s: %d", label, n);
  for (int i = 0; i < n; i++) printf(" [%llu 0x%x]", (unsigned long long)evs[i].data.u64, evs[i].events);
  printf("\n");
  return n;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // eventfd on its own.
  res("eventfd bad flags", eventfd(0, 0x10));
  int e = eventfd(5, EFD_NONBLOCK);
  char small[4];
  res("short read", read(e, small, 4));
  res("short write", write(e, small, 4));
  r64("read counter", e);
  r64("read empty", e);
  w64("write 7", e, 7);
  w64("write 3", e, 3);
  r64("read sum", e);
  w64("write max", e, 0xffffffffffffffffULL);
  w64("write max-1", e, 0xfffffffffffffffeULL);
  w64("write 1 more", e, 1);
  r64("read big", e);
  int s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
  r64("semaphore 1", s);
  r64("semaphore 2", s);
  r64("semaphore 3", s);
  eventfd_t ev;
  eventfd_write(s, 4);
  int er = eventfd_read(s, &ev);
  printf("eventfd_read: %d %llu\n", er, (unsigned long long)ev);

  // timerfd on its own.
  res("timerfd bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
  res("timerfd bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
  int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct itimerspec its = {{0, 0}, {0, 0}}, old;
  r64("unarmed read", t);
  its.it_value.tv_nsec = 1000000000;
  res("settime bad nsec", timerfd_settime(t, 0, &its, NULL));
  res("settime bad flags", timerfd_settime(t, 4, &its, NULL));
  res("settime not a timerfd", timerfd_settime(e, 0, &its, NULL));
  res("gettime not a timerfd", timerfd_gettime(e, &old));
  its.it_value.tv_sec = 5;
  its.it_value.tv_nsec = 0;
  its.it_interval.tv_sec = 2;
  timerfd_settime(t, 0, &its, NULL);
  timerfd_gettime(t, &old);
  printf("armed: interval %lld value>4s %d value<=5s %d\n", (long long)old.it_interval.tv_sec, old.it_value.tv_sec >= 4, old.it_value.tv_sec < 5 || (old.it_value.tv_sec == 5 && old.it_value.tv_nsec == 0));
  struct itimerspec off = {{0, 0}, {0, 0}};
  timerfd_settime(t, 0, &off, &old);
  printf("disarmed: old interval %lld, old value set %d\n", (long long)old.it_interval.tv_sec, old.it_value.tv_sec > 0 || old.it_value.tv_nsec > 0);
  timerfd_gettime(t, &old);
  printf("now: %lld %ld %lld %ld\n", (long long)old.it_interval.tv_sec, (long)old.it_interval.tv_nsec, (long long)old.it_value.tv_sec, (long)old.it_value.tv_nsec);

  // An event loop: a periodic timer, an eventfd, a pipe, all level-triggered.
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int tick = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  int wake = eventfd(0, EFD_NONBLOCK);
  int p[2];
  pipe(p);
  add(ep, tick, EPOLLIN, 1);
  add(ep, wake, EPOLLIN, 2);
  add(ep, p[0], EPOLLIN, 3);
  struct itimerspec period = {{0, 50000000}, {0, 50000000}};
  timerfd_settime(tick, 0, &period, NULL);
  // Each wait and what it returns is in the trace, so nothing may depend on the machine's latency:
  // while the timer runs alone every wait returns it alone (a late wait reads two expirations at
  // once: their count is printed as >= 4 after the loop); the eventfd and the pipe are written once
  // the timer is disarmed (which clears a pending expiration), so they come in one wait, in the
  // order they became ready.
  int ticks = 0, tick_waits = 0, woke = 0, piped = 0, sent = 0;
  while (!woke || !piped) {
    struct epoll_event evs[4];
    int n = epoll_wait(ep, evs, 4, -1);
    for (int i = 0; i < n; i++) {
      uint64_t v;
      if (evs[i].data.u64 == 1) {
        read(tick, &v, 8);
        ticks += (int)v;
        tick_waits++;
      } else if (evs[i].data.u64 == 2) {
        read(wake, &v, 8);
        woke += (int)v;
      } else {
        char b[8];
        piped += (int)read(p[0], b, sizeof b);
      }
    }
    if (tick_waits == 4 && !sent) {
      sent = 1;
      timerfd_settime(tick, 0, &off, NULL);
      eventfd_write(wake, 1);
      write(p[1], "xy", 2);
    }
  }
  printf("loop: ticks>=4 %d, eventfd %d, pipe %d\n", ticks >= 4, woke, piped);
  // An absolute timer on CLOCK_REALTIME, 30 ms from now, blocks the loop until it fires.
  int abs_t = timerfd_create(CLOCK_REALTIME, 0);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct itimerspec at = {{0, 0}, {now.tv_sec, now.tv_nsec}};
  at.it_value.tv_nsec += 30000000;
  if (at.it_value.tv_nsec >= 1000000000) { at.it_value.tv_sec++; at.it_value.tv_nsec -= 1000000000; }
  timerfd_settime(abs_t, TFD_TIMER_ABSTIME, &at, NULL);
  add(ep, abs_t, EPOLLIN, 4);
  wait_show(ep, "absolute timer", 4, 1000);
  r64("absolute timer count", abs_t);
  r64("blocking read of an expired one-shot timer again? (nonblock)", tick);

  // Edge-triggered pipe: a partial read is no new arrival.
  int ep2 = epoll_create1(0);
  add(ep2, p[0], EPOLLIN | EPOLLET, 30);
  add(ep2, p[1], EPOLLOUT | EPOLLET, 31);
  wait_show(ep2, "pipe ET armed", 4, 0);
  write(p[1], "abcd", 4);
  wait_show(ep2, "pipe ET written", 4, 0);
  char b[2];
  read(p[0], b, 2);
  wait_show(ep2, "pipe ET partial read", 4, 0);
  write(p[1], "e", 1);
  wait_show(ep2, "pipe ET more", 4, 0);
  read(p[0], b, 2);
  read(p[0], b, 2);

  // Round robin: three ready level-triggered items, one event per wait.
  int ep3 = epoll_create1(0);
  int a1 = eventfd(1, 0), a2 = eventfd(1, 0), a3 = eventfd(1, 0);
  add(ep3, a1, EPOLLIN, 101);
  add(ep3, a2, EPOLLIN, 102);
  add(ep3, a3, EPOLLIN, 103);
  for (int i = 0; i < 5; i++) wait_show(ep3, "round robin", 1, 0);
  wait_show(ep3, "two at a time", 2, 0);
  wait_show(ep3, "two at a time", 2, 0);

  // A nested epoll fd: readable while an item of it is ready.
  int outer = epoll_create1(0);
  add(outer, ep3, EPOLLIN, 200);
  wait_show(outer, "outer sees inner ready", 4, 0);
  read(a1, &ev, 8); read(a2, &ev, 8); read(a3, &ev, 8);
  wait_show(outer, "inner drained", 4, 0);
  w64("inner item again", a2, 1);
  wait_show(outer, "outer woken", 4, 100);

  // EPOLLEXCLUSIVE: an eventfd wakes every waiter (wake_up_locked_poll), exclusive or not.
  int x1 = epoll_create1(0), x2 = epoll_create1(0), x3 = epoll_create1(0);
  int shared_e = eventfd(0, EFD_NONBLOCK);
  add(x1, shared_e, EPOLLIN | EPOLLEXCLUSIVE, 1);
  add(x2, shared_e, EPOLLIN | EPOLLEXCLUSIVE, 2);
  add(x3, shared_e, EPOLLIN, 3);
  w64("exclusive event", shared_e, 1);
  wait_show(x1, "exclusive x1", 4, 0);
  wait_show(x2, "exclusive x2", 4, 0);
  wait_show(x3, "plain x3", 4, 0);
  // A pipe wakes one exclusive waiter (wake_up_interruptible_sync_poll): the first exclusive instance only.
  int q[2];
  pipe(q);
  int y1 = epoll_create1(0), y2 = epoll_create1(0), y3 = epoll_create1(0);
  add(y1, q[0], EPOLLIN | EPOLLEXCLUSIVE, 1);
  add(y2, q[0], EPOLLIN | EPOLLEXCLUSIVE, 2);
  add(y3, q[0], EPOLLIN, 3);
  write(q[1], "z", 1);
  wait_show(y1, "pipe exclusive y1", 4, 0);
  wait_show(y2, "pipe exclusive y2", 4, 0);
  wait_show(y3, "pipe plain y3", 4, 0);
  write(q[1], "z", 1);
  wait_show(y2, "pipe exclusive y2 second write", 4, 0);
  wait_show(y1, "pipe exclusive y1 second write", 4, 0);
  return 0;
}
