// sleep(), nanosleep(), usleep() and clock_nanosleep() interrupted by a
// handler end early as on Linux: sleep returns the seconds left (glibc:
// the whole seconds of the time left), nanosleep fails with EINTR and fills
// rem, clock_nanosleep returns EINTR, even under SA_RESTART (never restarted).
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }
static void arm_ms(int ms) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = ms / 1000;
  it.it_value.tv_usec = (ms % 1000) * 1000;
  setitimer(ITIMER_REAL, &it, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGALRM, on_alarm); /* SA_RESTART: sleeps are not restarted all the same */
  arm_ms(300);
  printf("sleep(2) interrupted at 0.3 s: %u\n", sleep(2));
  arm_ms(700);
  printf("sleep(2) interrupted at 0.7 s: %u\n", sleep(2));

  struct timespec req = {1, 0}, rem = {-1, -1};
  arm_ms(250);
  int r = nanosleep(&req, &rem);
  // The time left is about 0.75 s: its exact nanoseconds differ natively (timer latency).
  printf("nanosleep=%d errno=%s rem: sec=%ld ~0.75s=%d\n", r, errno == EINTR ? "EINTR" : strerror(errno), (long)rem.tv_sec,
         rem.tv_nsec > 700000000 && rem.tv_nsec < 800000000);
  arm_ms(100);
  r = usleep(500000);
  printf("usleep=%d errno=%s\n", r, errno == EINTR ? "EINTR" : strerror(errno));
  arm_ms(100);
  r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
  printf("clock_nanosleep=%s rem.sec=%ld\n", r == EINTR ? "EINTR" : strerror(r), (long)rem.tv_sec);
  // Not interrupted: 0, and 0 from sleep.
  unsigned u = sleep(0);
  r = nanosleep(&(struct timespec){0, 10000000}, NULL);
  printf("sleep(0)=%u nanosleep 10ms=%d\n", u, r);
  r = nanosleep(&(struct timespec){0, 1000000000}, NULL);
  printf("bad tv_nsec: %d errno=%s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  printf("alarms=%d\n", alarms);
  return 0;
}
