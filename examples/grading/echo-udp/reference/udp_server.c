/* Reference UDP server for the echo-udp assignment (instructor's code).
 * usage: udp_server PORT
 * Answers each datagram with "ack: " and the datagram's bytes, from the
 * port it listens on; exits when no datagram came for 2 s (virtual time
 * costs nothing), so a run ends once the student's client is done. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[1]));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  int served = 0;
  for (;;) {
    struct pollfd p = { fd, POLLIN, 0 };
    int n = poll(&p, 1, 2000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    char buf[1500], reply[1505];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (r < 0) continue;
    memcpy(reply, "ack: ", 5);
    memcpy(reply + 5, buf, (size_t)r);
    sendto(fd, reply, (size_t)r + 5, 0, (struct sockaddr *)&from, fl);
    served++;
  }
  printf("udp_server: answered %d datagrams\n", served);
  close(fd);
  return 0;
}
