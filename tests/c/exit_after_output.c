/* Writes N numbered lines (argv[1]) to stdout, or to stderr with a second argument, then exits 3:
   socklab ends its process as soon as the run is over, which must not cut any of it short. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  FILE *f = argc > 2 ? stderr : stdout;
  for (long i = 0; i < n; i++) fprintf(f, "line %ld of a long output\n", i);
  return 3;
}
