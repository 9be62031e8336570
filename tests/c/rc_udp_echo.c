/* A UDP echo server for real clients (nc -u, python).
 * usage: rc_udp_echo PORT [DATAGRAMS]
 * Echoes each datagram to its sender, upper-cased, and prints its size and
 * sender; exits after DATAGRAMS (default: never) or on a datagram "quit". */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [DATAGRAMS]\n", argv[0]); return 2; }
  int count = argc > 2 ? atoi(argv[2]) : -1;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) { perror("socket"); return 1; }
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  socklen_t al = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &al);
  printf("listening on %d\n", ntohs(a.sin_port));
  fflush(stdout);
  static char buf[65536];
  for (int i = 0; count < 0 || i < count; i++) {
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    ssize_t k = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
    if (k < 0) { printf("recvfrom: %s\n", strerror(errno)); return 1; }
    printf("%zd bytes from %s\n", k, inet_ntoa(peer.sin_addr));
    fflush(stdout);
    if (k == 4 && memcmp(buf, "quit", 4) == 0) break;
    for (ssize_t j = 0; j < k; j++) buf[j] = (char)toupper((unsigned char)buf[j]);
    if (sendto(s, buf, (size_t)k, 0, (struct sockaddr *)&peer, pl) != k) { printf("sendto: %s\n", strerror(errno)); return 1; }
  }
  close(s);
  return 0;
}
