/* An HTTP/1.0 client: fetches http://HOST:PORT/PATH and prints the status
 * line and the body.
 * usage: http_get HOST PORT [PATH] */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s HOST PORT [PATH]\n", argv[0]); return 2; }
  const char *path = argc > 3 ? argv[3] : "/";
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
  int e = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (e) { fprintf(stderr, "getaddrinfo %s: %s\n", argv[1], gai_strerror(e)); return 1; }
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
  if (fd < 0) return 1;
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: socklab-http-get\r\n\r\n", path, argv[1]);
  if (send(fd, req, (size_t)n, 0) != n) { perror("send"); return 1; }
  /* Read the whole response: HTTP/1.0 ends it with the connection. */
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (len == cap) buf = realloc(buf, (cap *= 2) + 1);
    ssize_t k = recv(fd, buf + len, cap - len, 0);
    if (k < 0) { perror("recv"); return 1; }
    if (k == 0) break;
    len += (size_t)k;
  }
  buf[len] = 0;
  close(fd);
  char *eol = strstr(buf, "\r\n");
  char *body = strstr(buf, "\r\n\r\n");
  if (!eol || !body) { fprintf(stderr, "malformed response (%zu bytes)\n", len); return 1; }
  printf("%.*s\n%s", (int)(eol - buf), buf, body + 4);
  return 0;
}
