/* Dies the way argv[1] says: abort, segv (out-of-bounds store), div (integer
 * division by zero), stack (unbounded recursion). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int depth(volatile int n) { volatile char pad[256]; pad[0] = (char)n; return depth(n + 1) + pad[0]; }

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "abort";
  printf("about to %s\n", how);
  fflush(stdout);
  if (!strcmp(how, "abort")) abort();
  if (!strcmp(how, "segv")) { volatile int *p = (int *)0xfffffff0u; *p = 1; }
  if (!strcmp(how, "div")) { volatile int z = 0; printf("%d\n", 1 / z); }
  if (!strcmp(how, "stack")) return depth(0);
  return 0;
}
