/* Leaves bytes unread for the run report's memory lines: writes N bytes
 * into one end of an AF_UNIX stream socketpair, reads 300 at the other,
 * and exits with the rest still queued. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[8192];

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000, sv[2];
  if (n > (int)sizeof buf || socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return 1;
  memset(buf, 'x', sizeof buf);
  if (write(sv[0], buf, n) != n || read(sv[1], buf, 300) != 300) return 1;
  return 0;
}
