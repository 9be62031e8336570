// Descriptors in flight keep their open description alive, and go with
// the message that carries them: a socket passed and never received
// closes when the carrier closes, and its peer sees EOF.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void pass(int s, int fd) {
  struct iovec iov = {"x", 1};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.buf;
  m.msg_controllen = sizeof u.buf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  printf("sendmsg = %zd\n", sendmsg(s, &m, 0));
}

static void probe(const char *when, int fd) {
  char b;
  ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);
  printf("%s: recv = %zd%s\n", when, n, n < 0 && errno == EAGAIN ? " (EAGAIN: the peer is open)" : n == 0 ? " (EOF: the peer closed)" : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int carrier[2], q[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, carrier);
  socketpair(AF_UNIX, SOCK_STREAM, 0, q);
  pass(carrier[0], q[1]);
  close(q[1]);
  probe("in flight", q[0]);
  close(carrier[1]);
  probe("receiver closed unread", q[0]);
  // The same on a datagram carrier whose sender closes last.
  int d[2], r[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
  socketpair(AF_UNIX, SOCK_STREAM, 0, r);
  pass(d[0], r[1]);
  close(r[1]);
  close(d[0]);
  probe("dgram in flight, sender closed", r[0]);
  close(d[1]);
  probe("dgram receiver closed", r[0]);
  close(carrier[0]);
  return 0;
}
