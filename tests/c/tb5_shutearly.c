/* shutdown() where course programs put it by mistake, against what UNP 6.6
 * says of it. Called before connect() it fails with ENOTCONN, yet Linux
 * keeps what it asked for: after connect, a SHUT_WR socket's write is
 * EPIPE (its close still sends the FIN the peer reads as EOF) and a SHUT_RD
 * socket's recv returns 0 when nothing is queued (bytes that come are still
 * read). And SHUT_RDWR on a connection whose peer then writes: UNP says
 * the data is acknowledged and thrown away (the BSD behaviour); Linux, in
 * FIN_WAIT2 with reading shut, answers it with a RST (RFC 1122), so the
 * closer's recv says ECONNRESET and the writer's next write EPIPE. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, ssize_t n, const char *buf) {
  if (n < 0) printf("  %s: -1 %s\n", what, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  else printf("  %s: %zd '%.*s'\n", what, n, (int)n, buf);
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
  char buf[32];
  static const char *names[] = {"SHUT_RD", "SHUT_WR"};

  for (int how = SHUT_RD; how <= SHUT_WR; how++) {
    printf("%s before connect:\n", names[how]);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    int r = shutdown(fd, how);
    printf("  shutdown: %d %s\n", r, strerror(errno));
    r = connect(fd, (struct sockaddr *)&a, sizeof a);
    printf("  connect: %d\n", r);
    int peer = accept(lfd, NULL, NULL);
    errno = 0;
    show("write", write(fd, "x", 1), "x");
    show("recv, nothing sent", recv(fd, buf, sizeof buf, MSG_DONTWAIT), buf);
    write(peer, "yz", 2);
    show("recv after the peer wrote", recv(fd, buf, sizeof buf, 0), buf);
    show("peer recv", recv(peer, buf, sizeof buf, MSG_DONTWAIT), buf);
    close(fd);
    show("peer recv after close", recv(peer, buf, sizeof buf, 0), buf);
    close(peer);
  }

  printf("SHUT_RDWR, then the peer writes:\n");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  connect(fd, (struct sockaddr *)&a, sizeof a);
  int peer = accept(lfd, NULL, NULL);
  printf("  shutdown: %d\n", shutdown(fd, SHUT_RDWR));
  show("peer recv", recv(peer, buf, sizeof buf, 0), buf);
  show("peer write", write(peer, "late", 4), "late");
  show("recv", recv(fd, buf, sizeof buf, 0), buf);
  show("recv again", recv(fd, buf, sizeof buf, 0), buf);
  show("peer write again", write(peer, "later", 5), "later");
  show("peer recv", recv(peer, buf, sizeof buf, 0), buf);
  int err;
  socklen_t elen = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
  printf("  SO_ERROR: %s\n", err ? strerror(err) : "0");
  close(peer);
  close(fd);
  close(lfd);
  return 0;
}
