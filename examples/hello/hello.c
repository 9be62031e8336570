/* The smallest socklab guest: arguments, environment, stdin, exit status. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello from %s with %d argument(s)\n", argv[0], argc - 1);
  for (int i = 1; i < argc; i++) printf("  argv[%d] = %s\n", i, argv[i]);
  const char *who = getenv("WHO");
  printf("WHO=%s\n", who ? who : "(not set: socklab passes only --env variables)");
  return 0;
}
