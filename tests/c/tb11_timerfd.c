/* timerfd_create(2)'s EXAMPLES, with small intervals: a timer whose first
 * expiration is 50 ms away and then every 20 ms, read until 4 expirations
 * have been counted (each read gives how many happened since the last); and
 * what the page describes: timerfd_gettime's interval, a nonblocking read of
 * an unexpired timer (EAGAIN), a short read buffer (EINVAL), a disarmed
 * timer, TFD_TIMER_ABSTIME with an expiry already past (counts 1 at once).
 * The page prints the elapsed time, which is the machine's: here only what
 * the timer counted. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct itimerspec new_value, cur;
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) == -1) { perror("clock_gettime"); return 1; }
  /* Create a CLOCK_REALTIME absolute timer with initial expiration and interval as specified (the page's). */
  new_value.it_value.tv_sec = now.tv_sec;
  new_value.it_value.tv_nsec = now.tv_nsec + 50 * 1000000L;
  if (new_value.it_value.tv_nsec >= 1000000000L) { new_value.it_value.tv_sec++; new_value.it_value.tv_nsec -= 1000000000L; }
  new_value.it_interval.tv_sec = 0;
  new_value.it_interval.tv_nsec = 20 * 1000000L;
  int fd = timerfd_create(CLOCK_REALTIME, 0);
  if (fd == -1) { perror("timerfd_create"); return 1; }
  if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &new_value, NULL) == -1) { perror("timerfd_settime"); return 1; }
  printf("timer started\n");
  timerfd_gettime(fd, &cur);
  printf("interval %ld.%09ld armed %s\n", (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec, cur.it_value.tv_sec || cur.it_value.tv_nsec ? "yes" : "no");
  uint64_t exp, tot_exp = 0, max_exp = 4;
  int reads = 0;
  while (tot_exp < max_exp) {
    ssize_t s = read(fd, &exp, sizeof(uint64_t));
    if (s != sizeof(uint64_t)) { perror("read"); return 1; }
    tot_exp += exp;
    reads++;
  }
  printf("total expirations >= %" PRIu64 ": %s; at least one per read: %s\n", max_exp, tot_exp >= max_exp ? "yes" : "no", (uint64_t)reads <= tot_exp ? "yes" : "no");

  /* Disarm: a nonblocking read now finds nothing. */
  memset(&new_value, 0, sizeof new_value);
  timerfd_settime(fd, 0, &new_value, &cur);
  printf("old interval %ld ms\n", cur.it_interval.tv_nsec / 1000000);
  close(fd);
  fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  errno = 0;
  ssize_t s = read(fd, &exp, sizeof exp);
  printf("read of a disarmed timer: %zd %s\n", s, strerror(errno));
  new_value.it_value.tv_sec = 10;
  timerfd_settime(fd, 0, &new_value, NULL);
  errno = 0;
  s = read(fd, &exp, sizeof exp);
  printf("read before it expires: %zd %s\n", s, strerror(errno));
  uint32_t small;
  errno = 0;
  s = read(fd, &small, sizeof small);
  printf("4-byte read: %zd %s\n", s, strerror(errno));
  timerfd_gettime(fd, &cur);
  printf("time left <= 10 s: %s\n", cur.it_value.tv_sec < 10 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0) ? "yes" : "no");
  /* An absolute expiry in the past (1 ns after the clock's start): expired at once, one expiration. */
  new_value.it_value.tv_sec = 0;
  new_value.it_value.tv_nsec = 1;
  timerfd_settime(fd, TFD_TIMER_ABSTIME, &new_value, NULL);
  s = read(fd, &exp, sizeof exp);
  printf("past absolute expiry: %zd, %" PRIu64 " expiration\n", s, exp);
  errno = 0;
  s = timerfd_settime(fd, 0, NULL, NULL);
  printf("timerfd_settime(NULL): %zd %s\n", s, strerror(errno));
  new_value.it_value.tv_nsec = 1000000000L;
  errno = 0;
  s = timerfd_settime(fd, 0, &new_value, NULL);
  printf("tv_nsec 1e9: %zd %s\n", s, strerror(errno));
  errno = 0;
  int bad = timerfd_create((clockid_t)42, 0);
  printf("bad clock: %d %s\n", bad, strerror(errno));
  close(fd);
  return 0;
}
