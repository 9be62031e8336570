/* sleep, usleep, nanosleep and clock_nanosleep as Linux's: a handler that
 * interrupts them ends them with EINTR, nanosleep filling *rem with the time
 * left and sleep returning the seconds left (glibc's: rem.tv_sec). wasi-libc's
 * sleep on poll_oneoff, which cannot say how much time is left. */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include "socklab_imports.h"

/* Linux's struct timespec on wasm32 (wasi-libc's: 64-bit tv_sec, long tv_nsec). */
SOCKLAB_IMPORT(clock_nanosleep) int __socklab_clock_nanosleep(int, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
  int id = clock == CLOCK_REALTIME ? 0 : clock == CLOCK_MONOTONIC ? 1 : -1;
#ifdef CLOCK_PROCESS_CPUTIME_ID
  if (clock == CLOCK_PROCESS_CPUTIME_ID) id = 2;
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
  if (clock == CLOCK_THREAD_CPUTIME_ID) id = 3;
#endif
  if (id < 0) return EINVAL;
  return __socklab_clock_nanosleep(id, flags, req, rem);
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  int err = __socklab_clock_nanosleep(0, 0, req, rem);
  if (err) { errno = err; return -1; }
  return 0;
}

int usleep(useconds_t usec) {
  struct timespec ts = {(time_t)(usec / 1000000), (long)(usec % 1000000) * 1000};
  return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned secs) {
  struct timespec ts = {(time_t)secs, 0};
  int saved = errno;
  if (nanosleep(&ts, &ts) < 0) return (unsigned)ts.tv_sec;
  errno = saved;
  return 0;
}
