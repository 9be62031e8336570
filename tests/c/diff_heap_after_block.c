/* A program that calls nothing of the SDK's process.c (no fork, wait or
 * getpid) still gets its start-up (tests/sdk-startup.test.ts): its heap
 * stays clear of the pages socklab saves suspended calls in, so memory it
 * mallocs after its first blocking call survives the next one, and stdout
 * to a pipe is buffered in blocks from the first line, as glibc's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  printf("before\n");
  printf("blocking\n");
  sleep(1);
  size_t n = 8 << 20;
  unsigned char *p = malloc(n);
  if (!p) return 2;
  memset(p, 0xab, n);
  sleep(1);
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) bad += p[i] != 0xab;
  printf("bytes changed behind the program's back: %zu\n", bad);
  return bad != 0;
}
