/* Sleeps and prints in a loop. Two of these interleave the same way on every
 * run with the same seed: time is virtual, and sleep() costs no real time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "sleeper";
  int ms = argc > 2 ? atoi(argv[2]) : 300;
  int rounds = argc > 3 ? atoi(argv[3]) : 4;
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 1; i <= rounds; i++) {
    usleep(ms * 1000);
    clock_gettime(CLOCK_MONOTONIC, &t);
    long el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    printf("%s: round %d at %ld ms\n", name, i, el);
  }
  return 0;
}
