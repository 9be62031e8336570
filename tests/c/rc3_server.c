/* A poll(2) server for real clients (tests/real-clients3.test.ts), built for
 * socklab and with gcc, whose outputs must agree.
 * usage: rc3_server PORT echo|http N
 *   echo: sends back what each connection sends; at its EOF, closes it.
 *   http: answers every complete GET (pipelined or in pieces) with
 *         "path=PATH\n" and Content-Length, keep-alive; closes at EOF.
 * Binds 127.0.0.1:PORT (0: any), prints the port, serves until N connections
 * have ended, then prints the totals and the most connections open at once. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXC 512
#define RBUF 16384

static struct pollfd fds[MAXC + 1];
static char rbuf[MAXC + 1][RBUF];
static size_t rlen[MAXC + 1];
static long long in_bytes, out_bytes, requests;

static int sendall(int s, const char *p, size_t n) {
  while (n) {
    ssize_t k = send(s, p, n, 0);
    if (k < 0) { if (errno == EINTR) continue; printf("send: %s\n", strerror(errno)); return -1; }
    p += k;
    n -= (size_t)k;
    out_bytes += k;
  }
  return 0;
}

/* Answers the complete requests at the front of connection i's buffer. */
static int serve_http(int i) {
  char *end;
  rbuf[i][rlen[i]] = 0;
  while ((end = strstr(rbuf[i], "\r\n\r\n"))) {
    char path[256] = "?", out[512], body[300];
    sscanf(rbuf[i], "GET %255s", path);
    int bn = snprintf(body, sizeof body, "path=%s\n", path);
    int n = snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", bn, body);
    if (sendall(fds[i].fd, out, (size_t)n) < 0) return -1;
    requests++;
    size_t used = (size_t)(end + 4 - rbuf[i]);
    memmove(rbuf[i], rbuf[i] + used, rlen[i] - used + 1);
    rlen[i] -= used;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s PORT echo|http N\n", argv[0]); return 2; }
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  int http = strcmp(argv[2], "http") == 0, want = atoi(argv[3]);
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 256) < 0 || getsockname(l, (struct sockaddr *)&a, &al) < 0) { perror("listen"); return 1; }
  printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
  for (int i = 1; i <= MAXC; i++) fds[i].fd = -1;
  fds[0] = (struct pollfd){ .fd = l, .events = POLLIN };
  int done = 0, open = 0, most = 0;
  static char buf[RBUF];
  while (done < want) {
    if (poll(fds, MAXC + 1, -1) < 0) { perror("poll"); return 1; }
    if (fds[0].revents & POLLIN) {
      int c = accept(l, NULL, NULL);
      if (c < 0) { printf("accept: %s\n", strerror(errno)); return 1; }
      int i = 1;
      while (i <= MAXC && fds[i].fd >= 0) i++;
      if (i > MAXC) { printf("too many connections\n"); return 1; }
      fds[i] = (struct pollfd){ .fd = c, .events = POLLIN };
      rlen[i] = 0;
      if (++open > most) most = open;
    }
    for (int i = 1; i <= MAXC; i++) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      ssize_t n = recv(fds[i].fd, http ? rbuf[i] + rlen[i] : buf, http ? RBUF - 1 - rlen[i] : RBUF, 0);
      int end = n <= 0;
      if (n < 0) printf("recv: %s\n", strerror(errno));
      if (n > 0) {
        in_bytes += n;
        if (http) { rlen[i] += (size_t)n; end = serve_http(i) < 0 || rlen[i] == RBUF - 1; }
        else end = sendall(fds[i].fd, buf, (size_t)n) < 0;
      }
      if (end) {
        close(fds[i].fd);
        fds[i].fd = -1;
        open--;
        done++;
      }
    }
  }
  printf("served %d connections, in %lld bytes, out %lld bytes, %lld requests\n", done, in_bytes, out_bytes, requests);
  printf("peak %d open\n", most);
  return 0;
}
