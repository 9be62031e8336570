#define _GNU_SOURCE
/* An HTTP/1.1 server for real clients (curl, python's http.client, nc).
 * usage: rc_http_server PORT [CONNECTIONS] [ADDR] [SNDTIMEO_MS]
 *   PORT 0: any free port. Serves CONNECTIONS connections (default: never
 *   stops), each for as many requests as the client sends (keep-alive), on
 *   ADDR (default 0.0.0.0); SNDTIMEO_MS: SO_SNDTIMEO of each connection.
 * GET|HEAD /bytes/N: N bytes, byte i = (i * 31 + i / 4096) & 255.
 * POST ANY: reads Content-Length bytes, answers "got N fnv XXXXXXXX\n".
 * Anything else: 404. Prints one line per request and per connection end,
 * so the test sees what the server saw. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static char buf[16384];
static size_t have; /* bytes of buf holding the next request (pipelining) */

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) { printf("send: %s\n", strerror(errno)); return -1; }
    p += k; n -= (size_t)k;
  }
  return 0;
}

/* Reads into buf until it holds a whole request head; returns its length
 * (up to and including the blank line), 0 on EOF before any byte, -1 on
 * error or a truncated head. */
static long read_head(int c) {
  for (;;) {
    char *end = have ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
    if (end) return end + 4 - buf;
    if (have == sizeof buf) { printf("head too long\n"); return -1; }
    ssize_t k = recv(c, buf + have, sizeof buf - have, 0);
    if (k < 0) { printf("recv: %s\n", strerror(errno)); return -1; }
    if (k == 0) { if (have) printf("eof inside a request head\n"); return have ? -1 : 0; }
    have += (size_t)k;
  }
}

static void consume(size_t n) {
  memmove(buf, buf + n, have - n);
  have -= n;
}

/* Serves one connection; returns when it is to be closed. */
static void serve(int c) {
  int requests = 0;
  for (;;) {
    long hl = read_head(c);
    if (hl <= 0) break;
    char method[16] = "", path[512] = "", version[16] = "";
    if (sscanf(buf, "%15s %511s %15s", method, path, version) != 3) { printf("bad request line\n"); break; }
    /* HTTP/1.1 keeps the connection unless told otherwise; 1.0 the reverse. */
    int keep = strcmp(version, "HTTP/1.1") == 0;
    long long clen = 0;
    for (char *l = strstr(buf, "\r\n") + 2; l < buf + hl - 2; l = strstr(l, "\r\n") + 2) {
      if (strncasecmp(l, "Content-Length:", 15) == 0) clen = atoll(l + 15);
      else if (strncasecmp(l, "Connection:", 11) == 0) {
        const char *v = l + 11;
        while (*v == ' ') v++;
        if (strncasecmp(v, "close", 5) == 0) keep = 0;
        else if (strncasecmp(v, "keep-alive", 10) == 0) keep = 1;
      }
    }
    consume((size_t)hl);
    /* The body: FNV-1a over its bytes, read as they come. */
    uint32_t h = 2166136261u;
    long long left = clen;
    while (left > 0) {
      if (have == 0) {
        ssize_t k = recv(c, buf, sizeof buf, 0);
        if (k < 0) { printf("recv body: %s\n", strerror(errno)); goto done; }
        if (k == 0) { printf("eof inside a body, %lld bytes missing\n", left); goto done; }
        have = (size_t)k;
      }
      size_t n = have < (unsigned long long)left ? have : (size_t)left;
      for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)buf[i]) * 16777619u;
      consume(n);
      left -= (long long)n;
    }
    requests++;
    printf("%s %s %s body %lld\n", method, path, version, clen);
    fflush(stdout);
    char head[512], body[128];
    int head_only = strcmp(method, "HEAD") == 0;
    long long n = -1;
    if ((strcmp(method, "GET") == 0 || head_only) && strncmp(path, "/bytes/", 7) == 0) n = atoll(path + 7);
    const char *conn = keep ? "keep-alive" : "close";
    if (n >= 0) {
      int hlen = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %lld\r\nConnection: %s\r\n\r\n", n, conn);
      if (send_all(c, head, (size_t)hlen) < 0) goto done;
      if (!head_only) {
        static char chunk[65536];
        for (long long off = 0; off < n;) {
          size_t m = n - off < (long long)sizeof chunk ? (size_t)(n - off) : sizeof chunk;
          for (size_t i = 0; i < m; i++) { long long j = off + (long long)i; chunk[i] = (char)((j * 31 + j / 4096) & 255); }
          if (send_all(c, chunk, m) < 0) goto done;
          off += (long long)m;
        }
      }
    } else {
      int blen = strcmp(method, "POST") == 0 ? snprintf(body, sizeof body, "got %lld fnv %08x\n", clen, h) : snprintf(body, sizeof body, "no %s\n", path);
      int hlen = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n", strcmp(method, "POST") == 0 ? "200 OK" : "404 Not Found", blen, conn);
      if (send_all(c, head, (size_t)hlen) < 0 || (!head_only && send_all(c, body, (size_t)blen) < 0)) goto done;
    }
    if (!keep) break;
  }
done:
  printf("connection done after %d requests\n", requests);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [CONNECTIONS] [ADDR]\n", argv[0]); return 2; }
  int conns = argc > 2 ? atoi(argv[2]) : -1;
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  if (ls < 0) { perror("socket"); return 1; }
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
  if (inet_pton(AF_INET, argc > 3 ? argv[3] : "0.0.0.0", &a.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(ls, 8) < 0) { perror("listen"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("listening on %d\n", ntohs(a.sin_port));
  fflush(stdout);
  for (int served = 0; conns < 0 || served < conns; served++) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    if (argc > 4) {
      int ms = atoi(argv[4]);
      struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
      if (setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) { perror("setsockopt"); return 1; }
    }
    have = 0;
    serve(c);
    fflush(stdout);
    close(c);
  }
  close(ls);
  return 0;
}
