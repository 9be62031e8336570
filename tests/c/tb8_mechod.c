/* Comer & Stevens vol. III chapter 13's TCPmechod: a single-process,
 * concurrent echo server. One fd_set, afds, holds the master socket and
 * every active connection; each pass copies it to rfds, select()s with no
 * timeout, accepts when the master socket is ready (adding the new socket
 * to afds), then walks the descriptors and echoes one read's worth on each
 * ready one; a read of 0 closes the connection and clears it from afds.
 * The book's select width is getdtablesize(); here FD_SETSIZE (the soft
 * RLIMIT_NOFILE may exceed what an fd_set holds). The book's server runs
 * forever; this one stops after its fourth connection closes.
 * One client process holds several connections at once and takes them in
 * turns, each write followed by reading its echo; a client ends with
 * shutdown(SHUT_WR) and reads to EOF, so it knows the server has closed
 * its side before anything else happens. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define QLEN 32

static int conn_no[FD_SETSIZE]; /* the order each connection was accepted in: fd numbers are the process's own */

static void errexit(const char *what) {
  printf("%s: %s\n", what, strerror(errno));
  exit(1);
}

/* echo: echo one buffer of data, returning byte count. */
static int echo(int fd) {
  char buf[BUFSIZ];
  int cc = read(fd, buf, sizeof buf);
  if (cc < 0) errexit("echo read");
  if (cc) printf("server: connection %d: %d bytes\n", conn_no[fd], cc);
  if (cc && write(fd, buf, cc) < 0) errexit("echo write");
  return cc;
}

static void server(int msock) {
  struct sockaddr_in fsin;
  fd_set rfds, afds;
  socklen_t alen;
  int fd, nfds = FD_SETSIZE, accepted = 0, closed = 0;
  FD_ZERO(&afds);
  FD_SET(msock, &afds);
  while (closed < 4) {
    memcpy(&rfds, &afds, sizeof(rfds));
    int n = select(nfds, &rfds, (fd_set *)0, (fd_set *)0, (struct timeval *)0);
    if (n < 0) errexit("select");
    if (FD_ISSET(msock, &rfds)) {
      int ssock;
      alen = sizeof(fsin);
      ssock = accept(msock, (struct sockaddr *)&fsin, &alen);
      if (ssock < 0) errexit("accept");
      int before = conn_no[ssock];
      conn_no[ssock] = ++accepted;
      printf("server: select found %d ready; accepted connection %d from %s\n", n, accepted, inet_ntoa(fsin.sin_addr));
      if (before) printf("server: connection %d has the descriptor connection %d had\n", accepted, before);
      FD_SET(ssock, &afds);
    }
    for (fd = 0; fd < nfds; ++fd)
      if (fd != msock && FD_ISSET(fd, &rfds))
        if (echo(fd) == 0) {
          printf("server: connection %d closed\n", conn_no[fd]);
          (void)close(fd);
          FD_CLR(fd, &afds);
          closed++;
        }
  }
  close(msock);
  exit(0);
}

static struct sockaddr_in sv;

static int open_conn(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&sv, sizeof sv) < 0) errexit("connect");
  return s;
}

/* Writes a line on connection `name` and reads its echo back whole. */
static void say(int s, const char *name, const char *line) {
  size_t len = strlen(line), got = 0;
  char buf[256];
  if (write(s, line, len) != (ssize_t)len) errexit("write");
  while (got < len) {
    ssize_t r = read(s, buf + got, len - got);
    if (r <= 0) errexit("read");
    got += r;
  }
  buf[got] = 0;
  printf("client %s: echo \"%.*s\"\n", name, (int)got - 1, buf);
}

/* The client's end: a half-close, then the server's close shows as EOF. */
static void finish(int s, const char *name) {
  char c;
  shutdown(s, SHUT_WR);
  ssize_t r = read(s, &c, 1);
  printf("client %s: after shutdown the server closed (read %ld)\n", name, (long)r);
  close(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int msock = socket(AF_INET, SOCK_STREAM, 0);
  sv.sin_family = AF_INET;
  sv.sin_addr.s_addr = htonl(INADDR_ANY);
  sv.sin_port = 0;
  if (bind(msock, (struct sockaddr *)&sv, sizeof sv) < 0) errexit("bind");
  if (listen(msock, QLEN) < 0) errexit("listen");
  socklen_t len = sizeof sv;
  getsockname(msock, (struct sockaddr *)&sv, &len);
  sv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  pid_t pid = fork();
  if (pid == 0) server(msock);
  close(msock);

  int a = open_conn();
  say(a, "A", "hello from A\n");
  int b = open_conn();
  say(b, "B", "hello from B\n");
  say(a, "A", "A again, while B is open\n");
  int c = open_conn();
  say(c, "C", "C joins\n");
  say(b, "B", "B's second line\n");
  finish(a, "A");
  say(c, "C", "C after A left\n");
  /* A new connection takes the lowest free descriptor in the server: A's. */
  int d = open_conn();
  say(d, "D", "D in A's place\n");
  finish(b, "B");
  finish(d, "D");
  say(c, "C", "C is the last\n");
  finish(c, "C");
  int st;
  waitpid(pid, &st, 0);
  printf("server exit status %d\n", WEXITSTATUS(st));
  /* The server has gone: its port refuses. */
  int e = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(e, (struct sockaddr *)&sv, sizeof sv) < 0) printf("connect after the server ended: %s\n", strerror(errno));
  return 0;
}
