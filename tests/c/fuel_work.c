/* CPU work without syscalls, for the fuel (deterministic CPU limit) tests.
 * usage: fuel_work N   -- N rounds of a small recursive computation, then
 *                         the result; N = 0: forever (never a syscall) */
#include <stdio.h>
#include <stdlib.h>

static unsigned collatz(unsigned long x) {
  unsigned steps = 0;
  while (x != 1) { x = x % 2 ? 3 * x + 1 : x / 2; steps++; }
  return steps;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 0;
  printf("working\n");
  fflush(stdout);
  unsigned long total = 0;
  for (long i = 1; n == 0 || i <= n; i++) total += collatz((unsigned long)i);
  printf("total steps %lu\n", total);
  return 0;
}
