// A 40 MiB static array: the module's initial memory is over 40 MiB before
// main runs, so --max-memory 16M must refuse it (security issue #11).
#include <stdio.h>

static char big[40 << 20];

int main(void) {
  big[sizeof big - 1] = 1;
  printf("ran with %d\n", big[sizeof big - 1]);
  return 0;
}
