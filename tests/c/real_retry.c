/* connect() again on the same socket after each refusal, as clients waiting
 * for a server do; Linux allows it (the failed socket is unconnected again).
 * usage: real_retry PORT TIMES: prints how often it was refused, then exits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PORT TIMES\n", argv[0]); return 2; }
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int times = atoi(argv[2]), refused = 0;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  while (refused < times) {
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) { printf("connected\n"); return 1; }
    if (errno != ECONNREFUSED) { perror("connect"); return 1; }
    refused++;
    usleep(1000);
  }
  printf("refused %d times\n", refused);
  return 0;
}
