/* How a course server is told to stop when its worker sits in accept() or
 * recvfrom(): close() in another process only drops that process's
 * reference, but shutdown() acts on the shared socket. shutdown(SHUT_RD) of
 * a listener (inet_shutdown -> tcp_disconnect) wakes the blocked accept with
 * EINVAL, resets the connections still queued, and stops listening; a port
 * that bind() chose (port 0) is given back, so listen() again takes another
 * one, while a port bind() named stays. SHUT_WR leaves a listener as it
 * is. On an unconnected UDP socket shutdown(SHUT_RD) says ENOTCONN, yet it
 * still wakes the blocked recvfrom, which returns 0. A worker's output is
 * printed by the parent after it has exited, so the order never depends on
 * the scheduler. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r, int err) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(err));
  else printf("%s: %d\n", what, r);
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  return ntohs(a.sin_port);
}

static int try_connect(int port) {
  struct sockaddr_in a = loopback(port);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int r = connect(fd, (struct sockaddr *)&a, sizeof a);
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);

  printf("a worker blocked in accept(), its listener bound to port 0\n");
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = loopback(0);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  listen(lfd, 5);
  int port = port_of(lfd);
  int out[2];
  pipe(out);
  pid_t worker = fork();
  if (worker == 0) {
    close(out[0]);
    char log[256];
    int len = 0, served = 0;
    for (;;) {
      int c = accept(lfd, NULL, NULL);
      if (c < 0) {
        len += snprintf(log + len, sizeof log - len, "  worker: accept: %s, after %d connection(s)\n", strerror(errno), served);
        break;
      }
      char buf[16];
      ssize_t n = read(c, buf, sizeof buf);
      write(c, buf, n);
      close(c);
      served++;
    }
    write(out[1], log, len);
    _exit(served);
  }
  close(out[1]);
  struct sockaddr_in srv = loopback(port);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&srv, sizeof srv);
  write(c, "job", 3);
  char buf[256];
  ssize_t n = read(c, buf, sizeof buf);
  printf("  the worker served '%.*s'\n", (int)n, buf);
  close(c);
  int r = shutdown(lfd, SHUT_RD);
  int e = errno;
  int st;
  waitpid(worker, &st, 0);
  n = read(out[0], buf, sizeof buf);
  printf("%.*s", (int)(n > 0 ? n : 0), buf);
  close(out[0]);
  show("  shutdown(listener, SHUT_RD)", r, e);
  printf("  worker exited with %d\n", WEXITSTATUS(st));
  printf("  getsockname still shows the %s port\n", port_of(lfd) == port ? "same" : "another");
  r = try_connect(port);
  show("  connect to that port", r, errno);
  r = listen(lfd, 5);
  show("  listen() again", r, errno);
  int port2 = port_of(lfd);
  printf("  now on %s port\n", port2 == port ? "the same" : port2 ? "another ephemeral" : "no");
  r = try_connect(port2);
  show("  connect to the new port", r, errno);
  close(lfd);

  printf("a listener bound to a port it named, with a connection queued\n");
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  bind(probe, (struct sockaddr *)&a, sizeof a);
  int named = port_of(probe);
  close(probe);
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  srv = loopback(named);
  r = bind(lfd, (struct sockaddr *)&srv, sizeof srv);
  show("  bind", r, errno);
  listen(lfd, 5);
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&srv, sizeof srv);
  r = shutdown(lfd, SHUT_WR);
  show("  shutdown(listener, SHUT_WR)", r, errno);
  struct pollfd p = {lfd, POLLIN, 0};
  r = poll(&p, 1, 0);
  printf("  still listening: poll %d, revents %s\n", r, p.revents == POLLIN ? "POLLIN" : "other");
  r = shutdown(lfd, SHUT_RD);
  show("  shutdown(listener, SHUT_RD)", r, errno);
  n = read(c, buf, sizeof buf);
  show("  the queued client's read", n, errno);
  close(c);
  r = accept(lfd, NULL, NULL);
  show("  accept", r, errno);
  p.revents = 0;
  p.events = POLLIN | POLLOUT;
  r = poll(&p, 1, 0);
  printf("  poll %d, revents %s%s%s\n", r, p.revents & POLLOUT ? "POLLOUT " : "", p.revents & POLLIN ? "POLLIN " : "", p.revents & POLLHUP ? "POLLHUP" : "");
  r = listen(lfd, 5);
  show("  listen() again", r, errno);
  printf("  on %s port\n", port_of(lfd) == named ? "the same" : "another");
  r = try_connect(named);
  show("  connect", r, errno);
  close(lfd);

  printf("a UDP worker blocked in recvfrom()\n");
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  bind(u, (struct sockaddr *)&a, sizeof a);
  pipe(out);
  worker = fork();
  if (worker == 0) {
    close(out[0]);
    char log[128];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t k = recvfrom(u, log, sizeof log, 0, (struct sockaddr *)&from, &flen);
    int len = snprintf(log, sizeof log, "  worker: recvfrom %zd%s%s\n", k, k < 0 ? " " : "", k < 0 ? strerror(errno) : "");
    write(out[1], log, len);
    _exit(0);
  }
  close(out[1]);
  r = shutdown(u, SHUT_RD);
  e = errno;
  waitpid(worker, &st, 0);
  n = read(out[0], buf, sizeof buf);
  printf("%.*s", (int)(n > 0 ? n : 0), buf);
  show("  shutdown(udp, SHUT_RD)", r, e);
  p.fd = u;
  p.events = POLLIN | POLLOUT;
  p.revents = 0;
  r = poll(&p, 1, 0);
  printf("  poll %d, revents %s%s%s\n", r, p.revents & POLLIN ? "POLLIN " : "", p.revents & POLLOUT ? "POLLOUT " : "", p.revents & POLLHUP ? "POLLHUP" : "");
  r = recv(u, buf, sizeof buf, MSG_DONTWAIT);
  show("  recv", r, errno);
  close(u);
  return 0;
}
