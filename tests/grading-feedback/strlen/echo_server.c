/* A student's echo server with two classic habits: debugging printf()s, and
 * strlen() on received bytes (which are not a C string: a shorter message
 * after a longer one echoes the stale tail of the buffer). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[4096];

int main(int argc, char **argv) {
  int count = atoi(argv[2]);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  listen(lfd, 16);
  printf("DEBUG: listening\n");
  for (int served = 0; served < count; served++) {
    int cfd = accept(lfd, NULL, NULL);
    printf("DEBUG: client %d\n", served + 1);
    ssize_t r;
    while ((r = read(cfd, buf, sizeof buf - 1)) > 0) write(cfd, buf, strlen(buf));
    close(cfd);
  }
  close(lfd);
  return 0;
}
