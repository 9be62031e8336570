/* UNP 14.8, "Sockets and Standard I/O": str_echo written with stdio,
 * fdopen(sockfd, "r") for input and fdopen(sockfd, "w") for output (two
 * streams: one "r+" stream would need an fflush or fseek between a read
 * and a write, and fseek fails on a socket), fgets and fputs. As the book
 * shows, the output stream is fully buffered (a socket is not a terminal),
 * so the client gets no echo while it sends its lines; the echoes come all
 * at once when the server's child reaches EOF and exit() flushes the
 * buffer. The fix the book names: setvbuf(fpout, NULL, _IOLBF, 0), after
 * which each line comes back at once. Then the other pitfall of two
 * streams on one descriptor: fclose() of the first closes the socket, and
 * the second fclose()'s close() fails with EBADF. Last, getline() from the
 * "r" stream and dprintf() straight to the descriptor (no FILE to flush),
 * and fdopen's own check of the descriptor: EINVAL for a read stream on a
 * descriptor open only for writing, EBADF for none.
 * The server forks a child per connection (tcpserv02) and waits for it;
 * what a child saw comes back to the client driver in its exit status,
 * which the server passes on through a pipe. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXLINE 4096

static int variant;

/* UNP's str_echo, stdio version, with the variants this program compares. */
static int str_echo(int sockfd) {
  char line[MAXLINE];
  FILE *fpin, *fpout;
  fpin = fdopen(sockfd, "r");
  fpout = fdopen(sockfd, "w");
  if (!fpin || !fpout) return 10;
  if (variant == 1) setvbuf(fpout, NULL, _IOLBF, 0);
  if (variant == 2) {
    char *l = NULL;
    size_t cap = 0;
    ssize_t len;
    int n = 0;
    while ((len = getline(&l, &cap, fpin)) != -1) dprintf(sockfd, "line %d, %zd bytes: %s", ++n, len, l);
    free(l);
    return n;
  }
  while (fgets(line, MAXLINE, fpin) != NULL) fputs(line, fpout);
  if (variant == 0) return 0; /* exit() flushes fpout */
  /* fpout first: its buffer is flushed, then the descriptor closed; fpin's fclose finds it gone. */
  int r1 = fclose(fpout);
  int r2 = fclose(fpin);
  int e = errno;
  return (r1 == 0 ? 1 : 0) | (r2 == EOF ? 2 : 0) | (e == EBADF ? 4 : 0);
}

static void server(int listenfd, int report) {
  for (variant = 0; variant < 3; variant++) {
    int connfd = accept(listenfd, NULL, NULL);
    pid_t pid = fork();
    if (pid == 0) {
      close(listenfd);
      exit(str_echo(connfd));
    }
    close(connfd);
    int st;
    waitpid(pid, &st, 0);
    unsigned char code = WEXITSTATUS(st);
    write(report, &code, 1);
  }
  exit(0);
}

static struct sockaddr_in servaddr;

static int tcp_connect(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&servaddr, sizeof servaddr) < 0) {
    printf("connect: %s\n", strerror(errno));
    exit(1);
  }
  return s;
}

/* Reads until `n` newlines have come (or EOF). */
static size_t read_lines(int s, char *buf, size_t size, int n) {
  size_t got = 0;
  while (got < size - 1) {
    ssize_t r = read(s, buf + got, size - 1 - got);
    if (r <= 0) break;
    got += r;
    buf[got] = 0;
    int lines = 0;
    for (char *p = buf; (p = strchr(p, '\n')); p++) lines++;
    if (lines >= n) break;
  }
  buf[got] = 0;
  return got;
}

static const char *lines[] = {"hello, world\n", "and hi\n", "hello??\n"};

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
  bind(listenfd, (struct sockaddr *)&servaddr, sizeof servaddr);
  listen(listenfd, 5);
  socklen_t len = sizeof servaddr;
  getsockname(listenfd, (struct sockaddr *)&servaddr, &len);
  servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rep[2];
  pipe(rep);
  pid_t srv = fork();
  if (srv == 0) {
    close(rep[0]);
    server(listenfd, rep[1]);
  }
  close(rep[1]);
  close(listenfd);
  char buf[MAXLINE];
  unsigned char code;

  /* 1: fully buffered: nothing comes back until the client's EOF. */
  int s = tcp_connect();
  for (int i = 0; i < 3; i++) {
    write(s, lines[i], strlen(lines[i]));
    ssize_t r = recv(s, buf, sizeof buf, MSG_DONTWAIT);
    printf("sent %s", lines[i]);
    printf("  echo so far: %s\n", r < 0 && errno == EAGAIN ? "none (EAGAIN)" : "something");
  }
  shutdown(s, SHUT_WR);
  size_t n = read_lines(s, buf, sizeof buf, 99);
  printf("after shutdown(SHUT_WR): %zu bytes, then EOF:\n%s", n, buf);
  close(s);
  read(rep[0], &code, 1);
  printf("child exit status %d\n", code);

  /* 2: line buffered: each line echoed as it comes. */
  s = tcp_connect();
  for (int i = 0; i < 3; i++) {
    write(s, lines[i], strlen(lines[i]));
    n = read_lines(s, buf, sizeof buf, 1);
    printf("sent %s  echo: %s", lines[i], buf);
  }
  shutdown(s, SHUT_WR);
  n = read_lines(s, buf, sizeof buf, 1);
  printf("after shutdown(SHUT_WR): %zu bytes\n", n);
  close(s);
  read(rep[0], &code, 1);
  printf("child: fclose(fpout) %s, fclose(fpin) %s, errno %s\n", code & 1 ? "0" : "failed", code & 2 ? "EOF" : "0",
         code & 4 ? "EBADF" : "something else");

  /* 3: getline and dprintf; a last line without its newline is still a line to getline. */
  s = tcp_connect();
  const char *req = "first\nsecond, longer\nno newline at the end";
  write(s, req, strlen(req));
  shutdown(s, SHUT_WR);
  n = read_lines(s, buf, sizeof buf, 99);
  printf("getline/dprintf: %zu bytes:\n%s\n", n, buf);
  close(s);
  read(rep[0], &code, 1);
  printf("child counted %d lines\n", code);
  /* fdopen checks the descriptor first (glibc asks F_GETFL): a read stream on a pipe's write end, on no descriptor. */
  int p[2];
  pipe(p);
  errno = 0;
  FILE *f = fdopen(p[1], "r");
  printf("fdopen(write end, \"r\"): %s, %s\n", f ? "a stream" : "NULL", strerror(errno));
  close(p[1]);
  errno = 0;
  f = fdopen(p[1], "r");
  printf("fdopen(closed descriptor, \"r\"): %s, %s\n", f ? "a stream" : "NULL", strerror(errno));
  close(p[0]);
  int st;
  waitpid(srv, &st, 0);
  printf("server exit status %d\n", WEXITSTATUS(st));
  return 0;
}
