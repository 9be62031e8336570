/* argv, environment and exit status as the guest sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  int n = 0;
  for (char **e = environ; *e; e++) printf("env[%d]=%s\n", n++, *e);
  printf("nenv=%d\n", n);
  const char *code = getenv("EXIT_CODE");
  return code ? atoi(code) : 0;
}
