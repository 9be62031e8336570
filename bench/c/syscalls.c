/* Benchmark guest: N trivial syscalls of one kind (clock: clock_gettime,
 * write: a 1-byte write to stdout, which the harness discards). Also built
 * natively with gcc and run under node:wasi, for ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
/* WASI's fd_write itself, not the SDK's write() (socklab's own import): the
 * module stays one that node:wasi runs too, and both run the same call. */
static long put1(void) {
  __wasi_ciovec_t iov = { (const uint8_t *)"x", 1 };
  __wasi_size_t n;
  return __wasi_fd_write(1, &iov, 1, &n) ? -1 : (long)n;
}
#else
static long put1(void) { return write(1, "x", 1); }
#endif

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "clock";
  long n = argc > 2 ? atol(argv[2]) : 1000000;
  struct timespec ts;
  long sum = 0;
  if (!strcmp(mode, "clock")) {
    for (long i = 0; i < n; i++) { clock_gettime(CLOCK_MONOTONIC, &ts); sum += ts.tv_nsec & 1; }
  } else if (!strcmp(mode, "write")) {
    for (long i = 0; i < n; i++) sum += put1();
  }
  return sum < 0;
}
