/* An HTTP/1.1 server with keep-alive and pipelining, one process, poll().
 * usage: rc2_keepalive PORT   (0: any free port)
 * Prints "listening on 127.0.0.1:PORT". Answers every request on a
 * connection in order (pipelined ones too): GET /bytes/N sends N bytes
 * (byte i = (i*31 + i/4096) & 255), a request with a body (POST/PUT,
 * Content-Length) gets "len=N fnv=HHHHHHHH", any other GET a short page
 * naming its path. "Connection: close" or HTTP/1.0 ends the connection
 * after the reply. Replies are sent whole (blocking sends). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXC 256
#define HEAD 8192

struct conn {
  int fd;
  char buf[HEAD];
  size_t got;
  long body_left;      /* bytes of the current request's body still to read */
  unsigned fnv;
  long body_len;
  int close_after;
};
static struct conn conns[MAXC];
static struct pollfd pfd[MAXC + 1];

static int send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static int send_bytes(int fd, long n) {
  static char chunk[65536];
  for (long off = 0; off < n;) {
    long k = n - off < (long)sizeof chunk ? n - off : (long)sizeof chunk;
    for (long i = 0; i < k; i++) chunk[i] = (char)(((off + i) * 31 + (off + i) / 4096) & 255);
    if (send_all(fd, chunk, (size_t)k) < 0) return -1;
    off += k;
  }
  return 0;
}

static int reply(struct conn *c, const char *status, const char *body, size_t blen) {
  char head[256];
  int hl = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n%s\r\n", status, blen,
                    c->close_after ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
  if (send_all(c->fd, head, (size_t)hl) < 0) return -1;
  return send_all(c->fd, body, blen);
}

static void finish_body(struct conn *c) {
  char body[64];
  int n = snprintf(body, sizeof body, "len=%ld fnv=%08x\n", c->body_len, c->fnv);
  if (reply(c, "200 OK", body, (size_t)n) < 0) c->close_after = 2;
}

/* Handles the complete requests in c->buf; returns -1 when the connection ends. */
static int serve(struct conn *c) {
  for (;;) {
    if (c->body_left > 0) {
      size_t k = c->got < (size_t)c->body_left ? c->got : (size_t)c->body_left;
      for (size_t i = 0; i < k; i++) c->fnv = (c->fnv ^ (unsigned char)c->buf[i]) * 16777619u;
      memmove(c->buf, c->buf + k, c->got - k);
      c->got -= k;
      c->body_left -= (long)k;
      if (c->body_left > 0) return 0;
      finish_body(c);
      if (c->close_after) return -1;
    }
    c->buf[c->got] = 0;
    char *end = strstr(c->buf, "\r\n\r\n");
    if (!end) {
      if (c->got >= HEAD - 1) return -1; /* head too long */
      return 0;
    }
    size_t hlen = (size_t)(end + 4 - c->buf);
    char method[16] = "", path[256] = "", ver[16] = "";
    sscanf(c->buf, "%15s %255s %15s", method, path, ver);
    long clen = 0;
    c->close_after = strcmp(ver, "HTTP/1.1") != 0;
    for (char *l = strstr(c->buf, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n")) {
      if (strncasecmp(l + 2, "Content-Length:", 15) == 0) clen = atol(l + 17);
      if (strncasecmp(l + 2, "Connection:", 11) == 0) {
        char *v = l + 13;
        while (*v == ' ') v++;
        if (strncasecmp(v, "close", 5) == 0) c->close_after = 1;
        if (strncasecmp(v, "keep-alive", 10) == 0) c->close_after = 0;
      }
    }
    memmove(c->buf, c->buf + hlen, c->got - hlen);
    c->got -= hlen;
    if (clen > 0) {
      c->body_left = clen;
      c->body_len = clen;
      c->fnv = 2166136261u;
      continue;
    }
    int r;
    if (strncmp(path, "/bytes/", 7) == 0) {
      long n = atol(path + 7);
      char head[128];
      int hl = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n%s\r\n", n,
                        c->close_after ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
      r = send_all(c->fd, head, (size_t)hl) < 0 ? -1 : send_bytes(c->fd, n);
    } else {
      char body[300];
      int n = snprintf(body, sizeof body, "you asked for %s\n", path);
      r = reply(c, "200 OK", body, (size_t)n);
    }
    if (r < 0 || c->close_after) return -1;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  if (listen(ls, 64) < 0) { perror("listen"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
  fflush(stdout);
  int n = 0;
  for (;;) {
    pfd[0].fd = ls;
    pfd[0].events = n < MAXC ? POLLIN : 0;
    for (int i = 0; i < n; i++) { pfd[i + 1].fd = conns[i].fd; pfd[i + 1].events = POLLIN; }
    if (poll(pfd, (nfds_t)n + 1, -1) < 0) { perror("poll"); return 1; }
    for (int i = n - 1; i >= 0; i--) {
      if (!pfd[i + 1].revents) continue;
      struct conn *c = &conns[i];
      ssize_t k = recv(c->fd, c->buf + c->got, HEAD - 1 - c->got, 0);
      int end = k <= 0;
      if (!end) { c->got += (size_t)k; end = serve(c) < 0; }
      if (end) {
        close(c->fd);
        conns[i] = conns[--n];
      }
    }
    if (pfd[0].revents & POLLIN) {
      int fd = accept(ls, NULL, NULL);
      if (fd < 0) { perror("accept"); continue; }
      memset(&conns[n], 0, sizeof conns[n]);
      conns[n++].fd = fd;
    }
  }
}
