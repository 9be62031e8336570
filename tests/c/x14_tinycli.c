/* A client of x14_tiny: GET URI over HTTP/1.0, then everything the server
 * sends until it closes, printed with "\r" shown as "\\r".
 * usage: x14_tinycli HOST PORT URI */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  if (argc < 4) { fprintf(stderr, "usage: x14_tinycli HOST PORT URI\n"); return 2; }
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
  int e = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (e) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(e)); return 1; }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) { perror("connect"); return 1; }
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: x14\r\n\r\n", argv[3], argv[1]);
  write(fd, req, n);
  char buf[4096];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++) buf[i] == '\r' ? fputs("\\r", stdout) : putchar(buf[i]);
  close(fd);
  return 0;
}
