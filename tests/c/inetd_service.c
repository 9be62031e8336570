/* The service inetd_server execs for each connection: a filter on stdin and
 * stdout (the connection), as inetd services are written: it upper-cases
 * each line and says which pid served it. */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
    printf("%s", line);
    fflush(stdout);
  }
  return 0;
}
