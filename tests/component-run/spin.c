/* A CPU loop without calls (fuel preempts it), then one line. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 3000000, x = 1;
  for (unsigned long i = 0; i < n; i++) x = x * 1103515245UL + 12345UL;
  printf("spun %lu: %lu\n", n, x);
  return 0;
}
