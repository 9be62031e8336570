/* A minimal HTTP/1.0 server, as a sockets course writes one.
 * usage: http_server PORT [REQUESTS]   (PORT 0: any free port; exits after
 * REQUESTS requests, default: never)
 * Prints the port it listens on, then answers each GET with a small page
 * naming the path asked for, and closes the connection (HTTP/1.0). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) { perror("send"); return -1; }
    p += k; n -= (size_t)k;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [REQUESTS]\n", argv[0]); return 2; }
  int requests = argc > 2 ? atoi(argv[2]) : -1;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  if (ls < 0) { perror("socket"); return 1; }
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(ls, 8) < 0) { perror("listen"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
  fflush(stdout);
  for (int served = 0; requests < 0 || served < requests; served++) {
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int c = accept(ls, (struct sockaddr *)&peer, &pl);
    if (c < 0) { perror("accept"); return 1; }
    /* Read until the blank line that ends the request head. */
    char req[4096];
    size_t got = 0;
    while (got < sizeof req - 1) {
      ssize_t k = recv(c, req + got, sizeof req - 1 - got, 0);
      if (k <= 0) break;
      got += (size_t)k;
      req[got] = 0;
      if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n")) break;
    }
    req[got] = 0;
    char method[16] = "", path[256] = "";
    sscanf(req, "%15s %255s", method, path);
    char body[512];
    int blen = snprintf(body, sizeof body, "<h1>hello from socklab</h1><p>you asked for %s</p>\n", path);
    char head[256];
    int hlen = strcmp(method, "GET") == 0
      ? snprintf(head, sizeof head, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n", blen)
      : snprintf(head, sizeof head, "HTTP/1.0 501 Not Implemented\r\nContent-Length: 0\r\n\r\n");
    printf("%s %s from %s:%d\n", method, path, inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
    fflush(stdout);
    if (send_all(c, head, (size_t)hlen) == 0 && strcmp(method, "GET") == 0) send_all(c, body, (size_t)blen);
    close(c);
  }
  close(ls);
  return 0;
}
