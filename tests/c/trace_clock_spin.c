/* Reads the clock N times (argv[1]), says so, then (argv[2] == "spin")
 * spins without a syscall until the wall-clock timeout stops it: a traced
 * loop of trivial calls, whose lines a trace to a file records in binary on
 * the guest's thread and formats on the host thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100;
  struct timespec t;
  long long sum = 0;
  for (long i = 0; i < n; i++) {
    clock_gettime(i % 3 == 2 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &t);
    sum += t.tv_nsec & 1;
  }
  printf("read the clock %ld times (%lld odd)\n", n, sum);
  fflush(stdout);
  if (argc > 2 && strcmp(argv[2], "spin") == 0) {
    volatile unsigned long k = 0;
    for (;;) k++;
  }
  return 0;
}
