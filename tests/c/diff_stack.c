// run: 65536
// run: 262144
/* A function with a big local buffer, as textbook servers have them
 * (char buf[65536]): Linux's stack holds it, and so does a socklab guest's
 * (1 MiB, guest/c/sdk.json). usage: diff_stack BYTES */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t fill(size_t n) {
  char buf[300000];
  if (n > sizeof buf) n = sizeof buf;
  memset(buf, 'x', n);
  size_t c = 0;
  for (size_t i = 0; i < n; i++) c += buf[i] == 'x';
  return c;
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 65536;
  printf("filled %zu bytes on the stack\n", fill(n));
  return 0;
}
