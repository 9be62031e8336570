/* times(2) and <sys/sysmacros.h> against Linux (tests/strace-diff.test.ts): the
 * tick rate, a short program's CPU (0 ticks), times(NULL), the clock's ticks
 * moving with a sleep; major/minor/makedev on devices' st_rdev and round trips. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == 's') {
    /* socklab only (tests/filecalls.test.ts): CPU work that run --fuel counts. */
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 20000000ul; i++) x += i;
    struct tms t;
    times(&t);
    printf("utime>0 %s stime %lld\n", t.tms_utime > 0 ? "yes" : "no", (long long)t.tms_stime);
    return 0;
  }
  if (argc > 1) {
    /* socklab only (tests/filecalls.test.ts): a buffer past linear memory. glibc's times() touches the buffer
     * itself after an EFAULT (it cannot tell -EFAULT from a tick count), so natively this is a SIGSEGV. */
    clock_t r = times((struct tms *)(uintptr_t)0xfffffff0u);
    printf("bad buffer: %lld %s\n", (long long)r, r == (clock_t)-1 ? strerror(errno) : "");
    return 0;
  }
  printf("CLK_TCK %ld\n", sysconf(_SC_CLK_TCK));
  struct tms t;
  clock_t a = times(&t);
  printf("tms %lld %lld %lld %lld\n", (long long)t.tms_utime, (long long)t.tms_stime, (long long)t.tms_cutime, (long long)t.tms_cstime);
  printf("boot offset visible: %s\n", a > 42949 ? "yes" : "no");
  clock_t b = times(NULL);
  printf("times(NULL) same tick or the next: %s\n", b - a >= 0 && b - a <= 1 ? "yes" : "no");
  struct timespec ts = {0, 300 * 1000 * 1000};
  nanosleep(&ts, NULL);
  clock_t c = times(NULL);
  printf("after 0.3 s: %s\n", c - b >= 30 && c - b <= 32 ? "30 ticks" : "other");

  const char *devs[] = {"/dev/null", "/dev/zero", "/dev/urandom", "/dev/tty"};
  for (int i = 0; i < 4; i++) {
    struct stat st;
    if (stat(devs[i], &st) == 0) printf("%s %u:%u\n", devs[i], major(st.st_rdev), minor(st.st_rdev));
  }
  unsigned ms[] = {0, 1, 8, 255, 4095, 4096, 70000}, ns[] = {0, 3, 255, 256, 1048575, 65536, 9};
  for (int i = 0; i < 7; i++) {
    dev_t d = makedev(ms[i], ns[i]);
    printf("makedev(%u, %u) = %#llx -> %u:%u\n", ms[i], ns[i], (unsigned long long)d, gnu_dev_major(d), gnu_dev_minor(d));
  }
  return 0;
}
