/* Connects to HOST (an IPv4 address) PORT, sends MESSAGE, reads the echo.
 * usage: svc_client HOST PORT MESSAGE [noread]; exit 0 when the echo
 * matched. noread: close and exit at once after sending. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT MESSAGE\n", argv[0]); return 2; }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[2]));
  inet_pton(AF_INET, argv[1], &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  size_t len = strlen(argv[3]);
  if (write(fd, argv[3], len) != (ssize_t)len) { perror("write"); return 1; }
  if (argc > 4 && !strcmp(argv[4], "noread")) { close(fd); return 0; }
  shutdown(fd, SHUT_WR);
  char buf[512];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = 0;
  printf("echoed: %s\n", buf);
  close(fd);
  return got == len && !memcmp(buf, argv[3], len) ? 0 : 1;
}
