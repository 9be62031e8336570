/* A UDP server on 127.0.0.1. usage: rc2_udp PORT MODE
 * Prints "listening on 127.0.0.1:PORT".
 * MODE echo: sends each datagram back to its sender (size preserved, up to 65507 bytes), forever.
 * MODE slow: reads one datagram, prints "first N", then waits for a TCP client on the
 * port the listening line names after "go" (the go signal: the reader falls behind while a client floods it), then drains what is queued without blocking and prints
 * "queued N datagrams, B bytes", and exits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PORT echo|slow\n", argv[0]); return 2; }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  socklen_t al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  /* slow: the go signal's listener (any free TCP port), ready before the first datagram can come. */
  int ls = -1;
  struct sockaddr_in g = { .sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (strcmp(argv[2], "slow") == 0) {
    ls = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(ls, (struct sockaddr *)&g, sizeof g) < 0 || listen(ls, 1) < 0) { perror("tcp listen"); return 1; }
    socklen_t gl = sizeof g;
    getsockname(ls, (struct sockaddr *)&g, &gl);
  }
  printf("listening on 127.0.0.1:%d go %d\n", ntohs(a.sin_port), ntohs(g.sin_port));
  fflush(stdout);
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  if (strcmp(argv[2], "echo") == 0) {
    for (;;) {
      pl = sizeof peer;
      ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
      if (n < 0) { perror("recvfrom"); return 1; }
      if (sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&peer, pl) < 0) perror("sendto");
    }
  }
  ssize_t n = recv(s, buf, sizeof buf, 0);
  printf("first %zd\n", n);
  fflush(stdout);
  int go = accept(ls, NULL, NULL);
  if (go < 0) { perror("accept"); return 1; }
  close(go);
  long count = 0, bytes = 0;
  for (;;) {
    n = recv(s, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN) perror("recv");
      break;
    }
    count++;
    bytes += n;
  }
  printf("queued %ld datagrams, %ld bytes\n", count, bytes);
  return 0;
}
