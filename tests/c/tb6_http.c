/* A course "tiny web server" assignment and its client, HTTP/1.0 over
 * loopback: an iterative server reads the request until the blank line
 * (however the client's writes split it), parses the request line with
 * sscanf, answers GET and HEAD with a status line, headers and a
 * Content-Length, 404 for an unknown path, 400 for a line that is not a
 * request, 501 for another method, and closes (HTTP/1.0: one request per
 * connection). The client reads the response through a small buffer, header
 * line by header line, takes Content-Length, reads exactly that many bytes
 * of body and then sees EOF. A last request asks the server to stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char INDEX[] = "<html><body>socket programming</body></html>\n";
static const char HELLO[] = "hello, world\n";

/* Reads up to the blank line ending the request's head; returns its length, 0 at EOF first. */
static int read_head(int fd, char *buf, int cap) {
  int len = 0;
  while (len < cap - 1) {
    ssize_t n = read(fd, buf + len, cap - 1 - len);
    if (n <= 0) break;
    len += n;
    buf[len] = 0;
    if (strstr(buf, "\r\n\r\n")) break;
  }
  buf[len] = 0;
  return len;
}

static void respond(int fd, int code, const char *reason, const char *body, int with_body) {
  char head[256];
  int blen = body ? (int)strlen(body) : 0;
  int n = snprintf(head, sizeof head, "HTTP/1.0 %d %s\r\nServer: tiny\r\nContent-Type: text/%s\r\nContent-Length: %d\r\n\r\n", code, reason,
                   body == INDEX ? "html" : "plain", blen);
  write(fd, head, n);
  if (with_body && blen) write(fd, body, blen);
}

/* One request per connection; returns 0 when asked to stop. */
static int serve(int conn) {
  char req[1024], method[16], path[256], version[16];
  int len = read_head(conn, req, sizeof req);
  int fields = sscanf(req, "%15s %255s %15s", method, path, version);
  int go_on = 1;
  if (len == 0 || fields != 3 || strncmp(version, "HTTP/", 5) != 0) {
    respond(conn, 400, "Bad Request", "bad request\n", 1);
  } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
    respond(conn, 501, "Not Implemented", "not implemented\n", 1);
  } else {
    int body = strcmp(method, "GET") == 0;
    if (strcmp(path, "/") == 0) respond(conn, 200, "OK", INDEX, body);
    else if (strcmp(path, "/hello.txt") == 0) respond(conn, 200, "OK", HELLO, body);
    else if (strcmp(path, "/quit") == 0) { respond(conn, 200, "OK", "bye\n", body); go_on = 0; }
    else respond(conn, 404, "Not Found", "not found\n", body);
  }
  close(conn);
  return go_on;
}

/* The client's buffered reader (UNP 3.9's my_read). */
static char rbuf[64];
static int rlen, rpos;
static int getbyte(int fd) {
  if (rpos == rlen) {
    ssize_t n = read(fd, rbuf, sizeof rbuf);
    if (n <= 0) return -1;
    rlen = n;
    rpos = 0;
  }
  return (unsigned char)rbuf[rpos++];
}
static int getline_crlf(int fd, char *line, int cap) {
  int n = 0, c;
  while ((c = getbyte(fd)) >= 0) {
    if (c == '\n') break;
    if (c != '\r' && n < cap - 1) line[n++] = c;
  }
  line[n] = 0;
  return c < 0 && n == 0 ? -1 : n;
}

static void fetch(const struct sockaddr_in *srv, const char *const *parts, int nparts) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (const struct sockaddr *)srv, sizeof *srv) < 0) { perror("connect"); exit(1); }
  /* The request in several writes, as a client that writes its lines one by one does. */
  for (int i = 0; i < nparts; i++) write(fd, parts[i], strlen(parts[i]));
  rlen = rpos = 0;
  char line[256];
  if (getline_crlf(fd, line, sizeof line) < 0) { printf("  no response\n"); close(fd); return; }
  printf("  status: %s\n", line);
  long clen = -1;
  int headers = 0;
  while (getline_crlf(fd, line, sizeof line) > 0) {
    headers++;
    if (strncasecmp(line, "Content-Length:", 15) == 0) clen = strtol(line + 15, NULL, 10);
    else printf("  header: %s\n", line);
  }
  printf("  %d headers, Content-Length %ld\n", headers, clen);
  char body[256];
  long got = 0;
  int c;
  while (got < clen && got < (long)sizeof body - 1 && (c = getbyte(fd)) >= 0) body[got++] = c;
  body[got] = 0;
  if (got) printf("  body (%ld bytes): %s", got, body);
  /* Nothing follows the body: the server closed after it. */
  printf("  after the body: %s\n", getbyte(fd) < 0 ? "EOF" : "more bytes");
  close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 5);
  printf("server on 127.0.0.1 port %s\n", ntohs(a.sin_port) ? "ephemeral" : "0");

  pid_t server = fork();
  if (server == 0) {
    int served = 0;
    for (;;) {
      int conn = accept(lfd, NULL, NULL);
      if (conn < 0) { if (errno == EINTR) continue; _exit(2); }
      served++;
      if (!serve(conn)) break;
    }
    close(lfd);
    _exit(served);
  }
  close(lfd);

  static const char *const get_index[] = {"GET / HTTP/1.0\r\n", "User-Agent: tb6\r\n", "\r\n"};
  static const char *const get_hello[] = {"GET /hello.txt HTTP/1.0\r\nAccept: */*\r\n\r\n"};
  static const char *const head_hello[] = {"HEAD /hello.txt HTTP/1.0\r\n\r\n"};
  static const char *const get_missing[] = {"GET /missing.html HTTP/1.0\r", "\n\r\n"};
  static const char *const brew[] = {"BREW /pot HTTP/1.0\r\n\r\n"};
  static const char *const garbage[] = {"hello\r\n\r\n"};
  static const char *const quit[] = {"GET /quit HTTP/1.0\r\n\r\n"};
  struct { const char *what; const char *const *parts; int n; } reqs[] = {
    {"GET / (three writes)", get_index, 3}, {"GET /hello.txt", get_hello, 1}, {"HEAD /hello.txt", head_hello, 1},
    {"GET /missing.html (split inside the CRLF)", get_missing, 2}, {"BREW /pot", brew, 1}, {"hello", garbage, 1}, {"GET /quit", quit, 1},
  };
  for (unsigned i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    printf("%s\n", reqs[i].what);
    fetch(&a, reqs[i].parts, reqs[i].n);
  }
  int st;
  waitpid(server, &st, 0);
  printf("server served %d connections\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

  /* After the server is gone its port refuses. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int r = connect(fd, (struct sockaddr *)&a, sizeof a);
  printf("connect after the server stopped: %d %s\n", r, r < 0 ? strerror(errno) : "");
  close(fd);
  return 0;
}
