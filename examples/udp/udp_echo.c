/* UDP echo server: binds PORT on every IPv4 address (0: any free port),
 * prints the port, then sends each of COUNT datagrams back to whoever sent
 * it (recvfrom/sendto: no connection, the address comes with each one).
 * usage: udp_echo PORT COUNT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PORT COUNT\n", argv[0]); return 2; }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_ANY) };
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  socklen_t al = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &al);
  printf("udp echo on port %d\n", ntohs(a.sin_port));
  fflush(stdout);
  for (int i = 0; i < atoi(argv[2]); i++) {
    static char buf[65536]; /* static: wasm32 guests get a 64 KiB stack, not Linux's 8 MiB */
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) { perror("recvfrom"); return 1; }
    printf("%zd bytes from %s:%d\n", n, inet_ntoa(from.sin_addr), ntohs(from.sin_port));
    if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl) < 0) { perror("sendto"); return 1; }
  }
  close(fd);
  return 0;
}
