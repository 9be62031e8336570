/* The same client, fixed: it loops until write() has sent everything.
 * usage: fixed_client HOST PORT MESSAGE */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (argc < 4 || getaddrinfo(argv[1], argv[2], &hints, &res)) return 2;
  int fd = socket(res->ai_family, res->ai_socktype, 0);
  if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) { perror("connect"); return 1; }
  size_t len = strlen(argv[3]);
  for (size_t off = 0; off < len;) {
    ssize_t w = write(fd, argv[3] + off, len - off);
    if (w < 0) { perror("write"); return 1; }
    off += (size_t)w;
  }
  shutdown(fd, SHUT_WR);
  char buf[256];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = 0;
  printf("sent %zu bytes, got back %zu: %s\n", len, got, buf);
  return got == len ? 0 : 1;
}
