/* LOG_CONS with no log daemon (tests/syslog.test.ts): after the failed connect,
 * glibc opens /dev/console (O_WRONLY|O_NOCTTY|O_CLOEXEC) for the text; socklab's
 * /dev has no console, so that open fails with ENOENT, as in a container
 * without one. */
#include <stdio.h>
#include <syslog.h>

int main(void) {
  openlog("cons", LOG_CONS, LOG_MAIL);
  syslog(LOG_ALERT, "to the console");
  printf("done\n");
  return 0;
}
