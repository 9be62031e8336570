/* A slow iterative server with a tiny backlog: listen(fd, 4), then one
 * client at a time: read what it sends, echo it, close. A burst of clients
 * overflows the backlog; on Linux their SYNs are dropped and retried until
 * accept() makes room, so every one is served in the end.
 * usage: real_burst PORT CLIENTS */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int n = atoi(argv[2]), one = 1;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4) < 0) { perror("listen"); return 1; }
  printf("listening\n");
  fflush(stdout);
  for (int i = 0; i < n; i++) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    char buf[64];
    ssize_t k = read(c, buf, sizeof buf);
    if (k > 0) write(c, buf, (size_t)k);
    close(c);
  }
  printf("served %d\n", n);
  return 0;
}
