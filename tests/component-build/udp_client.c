/* UDP echo client for examples/udp/udp_echo.c: sends each MESSAGE to HOST
 * PORT and prints the echo with where it came from; with "connect", connects
 * first and uses send/recv. usage: udp_client HOST PORT [connect] MESSAGE... */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT [connect] MESSAGE...\n", argv[0]); return 2; }
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (rc) { fprintf(stderr, "udp_client: %s\n", gai_strerror(rc)); return 1; }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  int connected = !strcmp(argv[3], "connect");
  if (connected && connect(fd, res->ai_addr, res->ai_addrlen) < 0) { perror("connect"); return 1; }
  for (int i = 3 + connected; i < argc; i++) {
    ssize_t n = connected ? send(fd, argv[i], strlen(argv[i]), 0) : sendto(fd, argv[i], strlen(argv[i]), 0, res->ai_addr, res->ai_addrlen);
    if (n < 0) { perror("send"); return 1; }
    char buf[512];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    n = connected ? recv(fd, buf, sizeof buf, 0) : recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) { perror("recv"); return 1; }
    if (connected) printf("echo: %.*s\n", (int)n, buf);
    else printf("echo: %.*s from %s:%d\n", (int)n, buf, inet_ntoa(from.sin_addr), ntohs(from.sin_port));
  }
  struct sockaddr_in me;
  socklen_t ml = sizeof me;
  getsockname(fd, (struct sockaddr *)&me, &ml);
  printf("client bound to an ephemeral port: %d\n", ntohs(me.sin_port) != 0);
  freeaddrinfo(res);
  close(fd);
  return 0;
}
