/* SO_LINGER {1, 0}: close() aborts the connection with a RST. The peer's
 * poll sees it, its read says ECONNRESET (or its first write does), and the
 * writes after that get EPIPE: by default SIGPIPE kills the writer; with
 * MSG_NOSIGNAL or SIGPIPE ignored it is just the error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int lfd;
static struct sockaddr_in sin;

static void result(const char *what, ssize_t r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %zd\n", what, r);
}

static void revents(const char *what, int fd) {
  struct pollfd p = {fd, POLLIN | POLLOUT | 0x2000, 0};
  int n = poll(&p, 1, 1000);
  printf("%s: poll %d%s%s%s%s%s\n", what, n, p.revents & POLLIN ? " IN" : "", p.revents & POLLOUT ? " OUT" : "", p.revents & POLLERR ? " ERR" : "",
         p.revents & POLLHUP ? " HUP" : "", p.revents & 0x2000 ? " RDHUP" : "");
}

/* A connection whose server end is closed at once with SO_LINGER {1, 0}; the client end, after the RST. */
static int aborted(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (struct sockaddr *)&sin, sizeof sin);
  int c = accept(lfd, NULL, NULL);
  struct linger lg = {1, 0};
  result("setsockopt SO_LINGER {1, 0}", setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  struct linger back;
  socklen_t bl = sizeof back;
  getsockopt(c, SOL_SOCKET, SO_LINGER, &back, &bl);
  printf("getsockopt SO_LINGER: {%d, %d} len %u\n", back.l_onoff, back.l_linger, (unsigned)bl);
  close(c);
  /* Wait for the RST (poll: ERR and HUP, readable). */
  struct pollfd p = {s, POLLIN, 0};
  poll(&p, 1, 1000);
  return s;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sin, sizeof sin);
  listen(lfd, 5);
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);
  char buf[16];

  /* 1: read first. */
  int s = aborted();
  revents("after the RST", s);
  result("read", read(s, buf, sizeof buf));
  revents("after read reported it", s);
  result("read again", read(s, buf, sizeof buf));
  int err = -1;
  socklen_t el = sizeof err;
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
  printf("SO_ERROR: %d\n", err);
  /* The default SIGPIPE action ends the writer: in a child, so the parent can tell. */
  pid_t pid = fork();
  if (pid == 0) {
    write(s, "x", 1);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("write with SIGPIPE at its default: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  result("send MSG_NOSIGNAL", send(s, "x", 1, MSG_NOSIGNAL));
  close(s);

  /* 2: write first: the pending error is the write's, ECONNRESET without a signal; then EPIPE. */
  s = aborted();
  pid = fork();
  if (pid == 0) {
    result("write first", write(s, "x", 1));
    _exit(0);
  }
  waitpid(pid, &st, 0);
  printf("child writing first: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  result("send MSG_NOSIGNAL after", send(s, "x", 1, MSG_NOSIGNAL));
  signal(SIGPIPE, SIG_IGN);
  result("write with SIGPIPE ignored", write(s, "x", 1));
  result("read", read(s, buf, sizeof buf));
  result("shutdown", shutdown(s, SHUT_RDWR));
  close(s);

  /* 3: the RST reaches a blocked reader. */
  s = socket(AF_INET, SOCK_STREAM, 0);
  connect(s, (struct sockaddr *)&sin, sizeof sin);
  int c = accept(lfd, NULL, NULL);
  pid = fork();
  if (pid == 0) {
    /* Unread data makes close() send a RST too, linger or not. */
    char one;
    read(c, &one, 1);
    close(c);
    _exit(0);
  }
  close(c);
  write(s, "ab", 2);
  result("blocked read, peer closes with unread data", read(s, buf, sizeof buf));
  waitpid(pid, &st, 0);
  close(s);
  close(lfd);
  return 0;
}
