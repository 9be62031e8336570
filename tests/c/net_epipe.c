/* Writing to a stream whose peer is gone: EPIPE with MSG_NOSIGNAL or
// run:
// run: die
 * SIGPIPE ignored; killed by SIGPIPE otherwise (argv[1] = "die"). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  ssize_t n = send(sv[0], "x", 1, MSG_NOSIGNAL);
  printf("send with MSG_NOSIGNAL: %s\n", n < 0 ? strerror(errno) : "sent");
  if (argc > 1 && !strcmp(argv[1], "die")) {
    printf("writing without protection\n");
    fflush(stdout);
    write(sv[0], "x", 1);
    printf("still alive?\n");
    return 0;
  }
  signal(SIGPIPE, SIG_IGN);
  n = write(sv[0], "x", 1);
  printf("write with SIGPIPE ignored: %s\n", n < 0 ? strerror(errno) : "sent");
  return 0;
}
