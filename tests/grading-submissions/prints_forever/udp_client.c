/* Wrong on purpose: never sends again after a loss, and prints while it waits, forever. */
/* udp_client HOST PORT MESSAGE...: the model solution.
 * Sends each MESSAGE as one datagram and waits up to 200 ms for the reply;
 * sends it again when none came (10 tries at most), then prints the reply. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT MESSAGE...\n", argv[0]); return 2; }
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (rc != 0) { fprintf(stderr, "%s: %s\n", argv[1], gai_strerror(rc)); return 1; }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) { perror("socket/connect"); return 1; }
  freeaddrinfo(res);
  for (int i = 3; i < argc; i++) {
    size_t len = strlen(argv[i]);
    char expect[1500], reply[1500];
    snprintf(expect, sizeof expect, "ack: %s", argv[i]);
    int done = 0;
    send(fd, argv[i], len, 0);
    while (!done) {
      struct pollfd p = { fd, POLLIN, 0 };
      if (poll(&p, 1, 20) == 0) { printf("still waiting for a reply...\n"); continue; }
      {
        ssize_t r = recv(fd, reply, sizeof reply - 1, 0);
        if (r < 0) break;
        reply[r] = 0;
        /* A late answer to an earlier message is not this one's. */
        if (strcmp(reply, expect) == 0) done = 1;
      }
    }
    if (!done) { fprintf(stderr, "no reply to \"%s\"\n", argv[i]); close(fd); return 1; }
    printf("%s\n", reply);
  }
  close(fd);
  return 0;
}
