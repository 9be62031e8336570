/* Virtual time: sleeping 5 s takes 5 virtual seconds and no real time; a
 * busy-wait on the clock still sees time pass; realtime starts at a fixed date. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long ms_since(struct timespec *a) {
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(void) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  sleep(5);
  printf("after sleep(5): %ld ms\n", ms_since(&t0));
  struct timespec req = {0, 250 * 1000 * 1000};
  nanosleep(&req, NULL);
  printf("after nanosleep(250ms): %ld ms\n", ms_since(&t0));
  long spins = 0;
  while (ms_since(&t0) < 5300) spins++;
  printf("busy-wait ended: %s\n", spins > 0 ? "yes" : "no");
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  printf("year=%d\n", tm.tm_year + 1900);
  return 0;
}
