/* stdin through the adapter (fd_read over blocking-read), echoed line by line. */
#include <stdio.h>
int main(void) {
  char b[256];
  int n = 0;
  while (fgets(b, sizeof b, stdin)) {
    n++;
    printf("got: %s", b);
  }
  printf("%d lines\n", n);
  return 0;
}
