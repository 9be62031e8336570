/* close() and shutdown() on a connection whose descriptor a fork shares
 * (UNP 4.8 and 6.6): close() only drops the caller's reference, so a child
 * that closes its copy sends nothing and the peer sees no EOF; shutdown()
 * acts on the connection itself, so a child's shutdown(SHUT_WR) ends the
 * stream for the parent's copy too: the peer reads EOF, and the parent's
 * next write is EPIPE (SIGPIPE ignored) though it never called shutdown.
 * The peer can still answer on the half it kept. shutdown() on a socket
 * that is not connected is ENOTCONN, with a bad "how" EINVAL. */
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

static void report(const char *what, ssize_t n, const char *buf) {
  if (n < 0) printf("%s: -1 %s\n", what, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  else printf("%s: %zd '%.*s'\n", what, n, (int)n, buf);
}

static void wait_child(pid_t pid, const char *who) {
  int st;
  waitpid(pid, &st, 0);
  printf("%s exited %d\n", who, WEXITSTATUS(st));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 5);

  /* Not connected yet: nothing to shut down. */
  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  int r = shutdown(t, SHUT_RD);
  printf("shutdown before connect: %d %s\n", r, strerror(errno));
  close(t);
  connect(cfd, (struct sockaddr *)&a, sizeof a);
  int peer = accept(lfd, NULL, NULL);
  r = shutdown(cfd, 7);
  printf("shutdown(fd, 7): %d %s\n", r, strerror(errno));
  char buf[64];

  /* A child closes its copy: the connection stays open. */
  pid_t pid = fork();
  if (pid == 0) {
    close(cfd);
    _exit(0);
  }
  wait_child(pid, "closing child");
  report("peer recv after the child's close", recv(peer, buf, sizeof buf, MSG_DONTWAIT), buf);
  write(cfd, "still here", 10);
  report("peer recv", recv(peer, buf, sizeof buf, 0), buf);

  /* A child shuts the write half down: that is the parent's connection too. */
  pid = fork();
  if (pid == 0) {
    write(cfd, "from child", 10);
    shutdown(cfd, SHUT_WR);
    _exit(0);
  }
  wait_child(pid, "shutting child");
  report("peer recv", recv(peer, buf, sizeof buf, 0), buf);
  report("peer recv at EOF", recv(peer, buf, sizeof buf, 0), buf);
  errno = 0;
  ssize_t n = write(cfd, "parent", 6);
  printf("parent write after the child's shutdown: %zd %s\n", n, strerror(errno));

  /* The other direction still works. */
  write(peer, "answer", 6);
  report("parent recv", recv(cfd, buf, sizeof buf, 0), buf);
  close(peer);
  report("parent recv at EOF", recv(cfd, buf, sizeof buf, 0), buf);
  struct pollfd p = {cfd, POLLIN | POLLOUT, 0};
  r = poll(&p, 1, 0);
  printf("poll: %d%s%s%s%s\n", r, p.revents & POLLIN ? " POLLIN" : "", p.revents & POLLOUT ? " POLLOUT" : "", p.revents & POLLHUP ? " POLLHUP" : "", p.revents & POLLERR ? " POLLERR" : "");
  close(cfd);
  close(lfd);
  return 0;
}
