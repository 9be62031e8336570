/* A client for real servers (tests/real-clients3.test.ts), built for
 * socklab and with gcc, whose outputs must agree.
 * usage: rc3_client MODE HOST PORT [ARG]
 *   http HOST PORT PATH VER  GET with HTTP/VER (1.0: reads to EOF; 1.1:
 *                            keep-alive, reads Content-Length bytes, twice)
 *   udp HOST PORT rcvtimeo|select   echoes 5 datagrams, then one the server
 *                            drops (the timeout must end the wait), then "bye"
 *   dgram HOST PORT          echoes datagrams of 0 to 65507 bytes, read into
 *                            100 bytes: MSG_TRUNC's length, recvmsg's flags
 *   reset HOST PORT          sends, the server resets: the recv error
 *   early HOST PORT [sigpipe] the server closes at once: recv's EOF, then
 *                            sends until one fails (EPIPE), or SIGPIPE kills
 *   flood HOST PORT [sndtimeo] sends until a send fails (the server resets;
 *                            with sndtimeo, a server that does not read:
 *                            SO_SNDTIMEO of 300 ms ends it)
 * Every address getaddrinfo gives is tried in order; each failure printed. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static int dial(const char *host, const char *port, int type) {
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = type }, *res, *ai;
  int e = getaddrinfo(host, port, &hints, &res);
  if (e) { printf("getaddrinfo: %s\n", gai_strerror(e)); exit(1); }
  for (ai = res; ai; ai = ai->ai_next) {
    int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s < 0) { printf("socket: %s\n", strerror(errno)); continue; }
    if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
      printf("connected (%s)\n", ai->ai_family == AF_INET6 ? "IPv6" : "IPv4");
      freeaddrinfo(res);
      return s;
    }
    printf("connect (%s): %s\n", ai->ai_family == AF_INET6 ? "IPv6" : "IPv4", strerror(errno));
    close(s);
  }
  freeaddrinfo(res);
  exit(1);
}

static char buf[65536];

/* One HTTP response: status, content length, body bytes and FNV-1a. With clen_mode, stops after the body. */
static int response(int s, int clen_mode) {
  static char head[8192];
  size_t hn = 0;
  char *end = NULL;
  while (!end) {
    ssize_t n = recv(s, head + hn, 1, 0); /* byte by byte: nothing of the body is read here */
    if (n <= 0) { printf("head: %s\n", n ? strerror(errno) : "EOF"); return 1; }
    hn += 1;
    head[hn] = 0;
    if (hn >= 4 && memcmp(head + hn - 4, "\r\n\r\n", 4) == 0) end = head + hn;
    if (hn + 1 >= sizeof head) { printf("head too long\n"); return 1; }
  }
  long clen = -1;
  char *cl = strstr(head, "Content-Length:");
  if (cl) clen = atol(cl + 15);
  printf("%.12s status, content-length %ld\n", head, clen);
  uint32_t h = 2166136261u;
  long body = 0;
  for (;;) {
    size_t want = sizeof buf;
    if (clen_mode && (long)want > clen - body) want = (size_t)(clen - body);
    if (clen_mode && want == 0) break;
    ssize_t n = recv(s, buf, want, 0);
    if (n < 0) { printf("recv: %s\n", strerror(errno)); return 1; }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)buf[i]) * 16777619u;
    body += n;
  }
  printf("body %ld bytes fnv %08x\n", body, h);
  return body == clen ? 0 : 1;
}

static int http(const char *host, const char *port, const char *path, const char *ver) {
  int s = dial(host, port, SOCK_STREAM);
  int keep = strcmp(ver, "1.1") == 0;
  int rc = 0;
  for (int i = 0; i < (keep ? 2 : 1); i++) {
    int n = snprintf(buf, sizeof buf, "GET %s HTTP/%s\r\nHost: %s\r\n\r\n", path, ver, host);
    if (send(s, buf, (size_t)n, 0) != n) { printf("send: %s\n", strerror(errno)); return 1; }
    rc |= response(s, keep);
  }
  close(s);
  return rc;
}

static int udp(const char *host, const char *port, const char *how) {
  int s = dial(host, port, SOCK_DGRAM);
  struct timeval tv = { 0, 300000 };
  if (strcmp(how, "rcvtimeo") == 0 && setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) { printf("setsockopt: %s\n", strerror(errno)); return 1; }
  const char *msgs[] = { "one", "two", "three", "four", "five", "drop", "bye" };
  for (int i = 0; i < 7; i++) {
    if (send(s, msgs[i], strlen(msgs[i]), 0) < 0) { printf("send: %s\n", strerror(errno)); return 1; }
    if (strcmp(how, "select") == 0) {
      fd_set r;
      FD_ZERO(&r);
      FD_SET(s, &r);
      struct timeval t = tv;
      int k = select(s + 1, &r, NULL, NULL, &t);
      if (k <= 0) { printf("%s: select %s\n", msgs[i], k ? strerror(errno) : "timed out"); continue; }
    }
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n < 0) printf("%s: recv %s\n", msgs[i], strerror(errno));
    else printf("%s: echo \"%.*s\"\n", msgs[i], (int)n, buf);
  }
  close(s);
  return 0;
}

static int dgram(const char *host, const char *port) {
  int s = dial(host, port, SOCK_DGRAM);
  static char big[65507];
  const int sizes[] = { 0, 1, 100, 101, 1472, 9000, 65507 };
  for (int i = 0; i < 7; i++) {
    memset(big, 'a' + i, (size_t)sizes[i]);
    for (int k = 0; k < 3; k++)
      if (send(s, big, (size_t)sizes[i], 0) != sizes[i]) { printf("send %d: %s\n", sizes[i], strerror(errno)); return 1; }
    char small[100];
    ssize_t t = recv(s, small, sizeof small, MSG_TRUNC);
    ssize_t p = recv(s, small, sizeof small, MSG_PEEK);
    ssize_t n = recv(s, small, sizeof small, 0);
    struct iovec v = { small, sizeof small };
    struct msghdr mh = { .msg_iov = &v, .msg_iovlen = 1 };
    ssize_t m = recvmsg(s, &mh, 0);
    printf("%d bytes: MSG_TRUNC %zd, peek %zd, recv %zd, recvmsg %zd%s\n", sizes[i], t, p, n, m, mh.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : "");
  }
  send(s, "bye", 3, 0);
  close(s);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s http|udp|reset|early HOST PORT ...\n", argv[0]); return 2; }
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *m = argv[1];
  if (strcmp(m, "http") == 0 && argc > 5) return http(argv[2], argv[3], argv[4], argv[5]);
  if (strcmp(m, "udp") == 0 && argc > 4) return udp(argv[2], argv[3], argv[4]);
  if (strcmp(m, "dgram") == 0) return dgram(argv[2], argv[3]);
  if (strcmp(m, "reset") == 0 || strcmp(m, "early") == 0 || strcmp(m, "flood") == 0) {
    if (!(argc > 4 && strcmp(argv[4], "sigpipe") == 0)) signal(SIGPIPE, SIG_IGN);
    int s = dial(argv[2], argv[3], SOCK_STREAM);
    if (send(s, "hello", 5, 0) != 5) { printf("send: %s\n", strerror(errno)); return 1; }
    if (m[0] == 'f') {
      memset(buf, 'f', sizeof buf);
      if (argc > 4 && strcmp(argv[4], "sndtimeo") == 0) {
        struct timeval tv = { 0, 300000 };
        if (setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) { printf("setsockopt: %s\n", strerror(errno)); return 1; }
        int partial = 0;
        for (int i = 0; i < 10000; i++) {
          ssize_t k = send(s, buf, sizeof buf, 0);
          if (k < 0) { printf("send: %s%s\n", strerror(errno), partial ? " after a short send" : ""); return 4; }
          partial |= k < (ssize_t)sizeof buf;
        }
      }
      for (int i = 0; i < 10000; i++) /* 640 MB: more than any socket buffer holds */
        if (send(s, buf, sizeof buf, 0) < 0) { printf("send: %s\n", strerror(errno)); return 4; }
      printf("sends never failed\n");
      return 0;
    }
    ssize_t n = recv(s, buf, sizeof buf, 0);
    printf("recv: %s\n", n < 0 ? strerror(errno) : n ? "data" : "EOF");
    if (m[0] == 'r') return n < 0 ? 3 : 0;
    memset(buf, 'x', 1000);
    for (int i = 0; i < 1000; i++)
      if (send(s, buf, 1000, 0) < 0) { printf("send: %s\n", strerror(errno)); return 4; }
    printf("sends never failed\n");
    return 0;
  }
  fprintf(stderr, "bad arguments\n");
  return 2;
}
