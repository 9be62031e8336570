/* An HTTP client for real servers: one GET, then reads to EOF.
 * usage: rc_http_client ADDR PORT PATH [MODE MS]
 *   MODE rcvtimeo: SO_RCVTIMEO of MS milliseconds on the socket;
 *   MODE poll: poll(POLLIN, MS) before each recv.
 * Prints what happened (connect errors, the recv error or timeout that ended
 * it, the bytes and FNV-1a of all that came and of the body after the blank
 * line) and exits 0 only on a clean EOF. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s ADDR PORT PATH [rcvtimeo|poll MS]\n", argv[0]); return 2; }
  const char *mode = argc > 5 ? argv[4] : "";
  int ms = argc > 5 ? atoi(argv[5]) : 0;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) { perror("socket"); return 1; }
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2])) };
  if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
  if (strcmp(mode, "rcvtimeo") == 0) {
    struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
    if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) { perror("setsockopt"); return 1; }
  }
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { printf("connect: %s\n", strerror(errno)); return 1; }
  printf("connected\n");
  fflush(stdout);
  char req[600];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", argv[3], argv[1]);
  if (send(s, req, (size_t)n, MSG_NOSIGNAL) != n) { printf("send: %s\n", strerror(errno)); return 1; }
  static char buf[65536];
  unsigned long long total = 0;
  uint32_t h = 2166136261u, hb = 2166136261u;
  unsigned long long body = 0;
  int crlf = 0; /* how much of "\r\n\r\n" the head has matched; 4: in the body */
  int status = 0;
  for (;;) {
    if (strcmp(mode, "poll") == 0) {
      struct pollfd p = { .fd = s, .events = POLLIN };
      int r = poll(&p, 1, ms);
      if (r < 0) { printf("poll: %s\n", strerror(errno)); status = 1; break; }
      if (r == 0) { printf("poll: timed out\n"); status = 3; break; }
    }
    ssize_t k = recv(s, buf, sizeof buf, 0);
    if (k < 0) { printf("recv: %s\n", strerror(errno)); status = 1; break; }
    if (k == 0) break;
    for (ssize_t i = 0; i < k; i++) {
      unsigned char c = (unsigned char)buf[i];
      h = (h ^ c) * 16777619u;
      if (crlf == 4) { hb = (hb ^ c) * 16777619u; body++; }
      else crlf = c == "\r\n\r\n"[crlf] ? crlf + 1 : c == '\r' ? 1 : 0;
    }
    total += (unsigned long long)k;
  }
  printf("received %llu bytes fnv %08x, body %llu bytes fnv %08x\n", total, h, body, hb);
  close(s);
  return status;
}
