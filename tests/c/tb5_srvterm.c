/* UNP 5.12-5.13, the server process ends while its client waits: the
 * client (str_cli without select) is blocked reading its input, so it does
 * not see the server's FIN; its next write still succeeds (the bytes go
 * out, the peer's stack answers them with a RST), and its read then finds
 * the FIN first: 0, "server terminated prematurely". A second write, to a
 * socket that has had its RST, raises SIGPIPE; the handler returns and
 * write says EPIPE. The error was the RST's and that write took it: poll
 * then reports POLLIN|POLLOUT|POLLHUP without POLLERR, SO_ERROR is 0, read
 * is still EOF, and send(MSG_NOSIGNAL) is EPIPE with no signal.
 * A pipe stands for the client's terminal, so nothing waits on time. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;
static void on_pipe(int signo) { (void)signo; sigpipes++; }

static void str_echo(int fd) {
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0) write(fd, buf, n);
  /* "kill" the server child after its first line: exit closes the socket (FIN). */
  exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_pipe;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, NULL);

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

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  connect(fd, (struct sockaddr *)&a, sizeof a);
  int conn = accept(lfd, NULL, NULL);
  pid_t child = fork();
  if (child == 0) {
    close(lfd);
    close(fd);
    str_echo(conn);
  }
  close(conn);

  /* The client's "terminal": a pipe its lines come from. */
  int tty[2];
  pipe(tty);
  write(tty[1], "hello\nanother line\nthird\n", 25);
  close(tty[1]);
  char line[64], reply[64];
  ssize_t n = read(tty[0], line, 6);
  write(fd, line, n);
  n = read(fd, reply, sizeof reply);
  printf("echo: %zd '%.*s'\n", n, (int)(n > 0 ? n - 1 : 0), reply);
  int st;
  waitpid(child, &st, 0);
  printf("server child exited %d\n", WEXITSTATUS(st));

  /* The server's FIN is in; the client only looks at its terminal. */
  n = read(tty[0], line, 13);
  errno = 0;
  ssize_t w = write(fd, line, n);
  printf("write after the FIN: %zd %s\n", w, w < 0 ? strerror(errno) : "ok");
  n = read(fd, reply, sizeof reply);
  printf("read: %zd%s\n", n, n == 0 ? " (str_cli: server terminated prematurely)" : "");
  n = read(tty[0], line, 6);
  errno = 0;
  w = write(fd, line, n);
  printf("write after the RST: %zd %s, SIGPIPE caught %d\n", w, w < 0 ? strerror(errno) : "ok", (int)sigpipes);

  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  int r = poll(&p, 1, 0);
  printf("poll: %d%s%s%s%s\n", r, p.revents & POLLIN ? " POLLIN" : "", p.revents & POLLOUT ? " POLLOUT" : "", p.revents & POLLERR ? " POLLERR" : "", p.revents & POLLHUP ? " POLLHUP" : "");
  int err;
  socklen_t elen = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
  printf("SO_ERROR: %s\n", err ? strerror(err) : "0");
  n = read(fd, reply, sizeof reply);
  printf("read again: %zd\n", n);
  errno = 0;
  w = send(fd, "x", 1, MSG_NOSIGNAL);
  printf("send(MSG_NOSIGNAL): %zd %s, SIGPIPE caught %d\n", w, strerror(errno), (int)sigpipes);
  close(fd);
  close(lfd);
  return 0;
}
