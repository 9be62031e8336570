// sleep(), nanosleep(), usleep() and clock_nanosleep() interrupted by a
// handler end early as on Linux: sleep returns the seconds left (glibc:
// the whole seconds of the time left: 1 for 1.7 s and 1.5 s; the margins
// leave half a second for the machine's timer latency), nanosleep fails with EINTR and fills
// rem, clock_nanosleep returns EINTR, even under SA_RESTART (never restarted).
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;
/* Attempts whose timer expired before the sleep began (see below). */
static int missed;
static void on_alarm(int sig) { (void)sig; alarms++; }
static void arm_ms(int ms) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = ms / 1000;
  it.it_value.tv_usec = (ms % 1000) * 1000;
  setitimer(ITIMER_REAL, &it, NULL);
}
static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * Each sleep is made again until the timer interrupts it: on a loaded machine the timer can expire
 * before the sleep begins (the handler runs first, the sleep then lasts its full time). The output
 * does not show a missed attempt; strace-diff drops it from the native trace (dropMissedAlarms).
 * socklab's virtual clock never misses one.
 */
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGALRM, on_alarm); /* SA_RESTART: sleeps are not restarted all the same */
  unsigned u;
  for (;;) { arm_ms(300); errno = 0; u = sleep(2); if (errno == EINTR) break; missed++; }
  printf("sleep(2) interrupted at 0.3 s: %u\n", u);
  for (;;) { arm_ms(500); errno = 0; u = sleep(2); if (errno == EINTR) break; missed++; }
  printf("sleep(2) interrupted at 0.5 s: %u\n", u);

  struct timespec req = {1, 0}, rem = {-1, -1};
  int r;
  long long t0, t1;
  for (;;) { arm_ms(250); t0 = now_ns(); r = nanosleep(&req, &rem); t1 = now_ns(); if (r < 0) break; missed++; }
  // The time left is what the sleep had not slept yet: less than asked, and with the time it took
  // (measured around the call, so a little longer) at least the whole request. Its exact
  // nanoseconds are the machine's timer latency natively (socklab's: tests/signals.test.ts).
  printf("nanosleep=%d errno=%s rem: sec=%ld less than asked %d, with the time slept >= 1 s %d\n", r, errno == EINTR ? "EINTR" : strerror(errno), (long)rem.tv_sec,
         rem.tv_sec == 0 && rem.tv_nsec > 0, rem.tv_sec * 1000000000LL + rem.tv_nsec + (t1 - t0) >= 1000000000LL);
  for (;;) { arm_ms(100); errno = 0; r = usleep(500000); if (r < 0) break; missed++; }
  printf("usleep=%d errno=%s\n", r, errno == EINTR ? "EINTR" : strerror(errno));
  for (;;) { arm_ms(100); r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem); if (r != 0) break; missed++; }
  printf("clock_nanosleep=%s rem.sec=%ld\n", r == EINTR ? "EINTR" : strerror(r), (long)rem.tv_sec);
  // Not interrupted: 0, and 0 from sleep.
  u = sleep(0);
  r = nanosleep(&(struct timespec){0, 10000000}, NULL);
  printf("sleep(0)=%u nanosleep 10ms=%d\n", u, r);
  r = nanosleep(&(struct timespec){0, 1000000000}, NULL);
  printf("bad tv_nsec: %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  printf("alarms (missed ones aside)=%d\n", alarms - missed);
  return 0;
}
