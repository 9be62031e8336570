/* UDP talker: sends COUNT numbered datagrams to HOST PORT, one per 10 ms.
 * usage: talker HOST PORT COUNT */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT COUNT\n", argv[0]); return 2; }
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (rc) { fprintf(stderr, "talker: %s\n", gai_strerror(rc)); return 1; }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  int n = atoi(argv[3]);
  for (int i = 1; i <= n; i++) {
    char msg[32];
    int len = snprintf(msg, sizeof msg, "datagram %d", i);
    if (sendto(fd, msg, (size_t)len, 0, res->ai_addr, res->ai_addrlen) < 0) perror("sendto");
    usleep(10000);
  }
  sendto(fd, "end", 3, 0, res->ai_addr, res->ai_addrlen);
  printf("talker: sent %d datagrams\n", n);
  freeaddrinfo(res);
  close(fd);
  return 0;
}
