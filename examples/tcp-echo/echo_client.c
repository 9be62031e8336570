/* A TCP echo client: resolves HOST, connects (trying each address as
 * getaddrinfo returns them), sends MESSAGE, reads the echo, and closes.
 * usage: echo_client HOST PORT MESSAGE */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT MESSAGE\n", argv[0]); return 2; }
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct addrinfo hints = {0}, *res, *ai;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (rc != 0) { fprintf(stderr, "getaddrinfo %s: %s\n", argv[1], gai_strerror(rc)); return 1; }
  int fd = -1;
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    perror("connect");
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) { fprintf(stderr, "could not connect to %s port %s\n", argv[1], argv[2]); return 1; }

  size_t len = strlen(argv[3]);
  for (size_t off = 0; off < len;) {
    ssize_t w = write(fd, argv[3] + off, len - off);
    if (w < 0) { perror("write"); return 1; }
    off += (size_t)w;
  }
  shutdown(fd, SHUT_WR);
  char buf[4096];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = 0;
  printf("echoed: %s\n", buf);
  close(fd);
  return got == len ? 0 : 1;
}
