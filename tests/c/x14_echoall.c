/* APUE Figure 8.17 (echoall): every argument, then every environment string.
 * Exec'd by x14_exec1, x14_interp and x14_system; run under another name (echoall). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[]) {
  extern char **environ;
  for (int i = 0; i < argc; i++) printf("argv[%d]: %s\n", i, argv[i]);
  for (char **ptr = environ; *ptr != 0; ptr++) printf("%s\n", *ptr);
  exit(0);
}
