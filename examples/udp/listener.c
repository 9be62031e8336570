/* UDP listener: prints each datagram in arrival order until "end" or a
 * second of silence, then how many arrived. Over a lossy link some are
 * missing, some come twice, some out of order: UDP promises none of it.
 * usage: listener PORT */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
  setvbuf(stdout, NULL, _IOLBF, 0);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  struct timeval tv = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int got = 0;
  char buf[256];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n < 0) { printf("listener: silence, giving up\n"); break; }
    buf[n] = 0;
    if (!strcmp(buf, "end")) break;
    printf("%s\n", buf);
    got++;
  }
  printf("listener: %d datagrams arrived\n", got);
  return 0;
}
