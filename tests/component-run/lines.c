/* Many short writes through stdio: each fd_write goes through the preview1
 * adapter, so the slice budget runs out inside the adapter again and again. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 0; i < n; i++) printf("line %d\n", i);
  fprintf(stderr, "wrote %d lines\n", n);
  return 0;
}
