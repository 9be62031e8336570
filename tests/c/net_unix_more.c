// run:
/* AF_UNIX beyond the basics: socketpair of each type, SEQPACKET keeping
 * boundaries and discarding the rest of a long message (MSG_TRUNC in
 * recvmsg), a datagram peer's queue limit, EOF and EPIPE after the peer
 * closes, connecting to a socket of another type, send on an unconnected
 * socket, and poll on each end. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include "test_tmp.h"

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }
static void showv(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}
static void pollshow(const char *what, int fd) {
  struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  int n = poll(&p, 1, 0);
  printf("poll %s: %d%s%s%s%s%s\n", what, n, p.revents & POLLIN ? " IN" : "", p.revents & POLLOUT ? " OUT" : "", p.revents & POLLERR ? " ERR" : "",
         p.revents & POLLHUP ? " HUP" : "", p.revents & POLLRDHUP ? " RDHUP" : "");
}
static struct sockaddr_un addr(const char *p) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, p);
  return a;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int sv[2];
  char buf[64];
  show("socketpair SEQPACKET", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  write(sv[0], "first message", 13);
  write(sv[0], "second", 6);
  write(sv[0], "", 0);
  showv("read 5 of a 13-byte message", read(sv[1], buf, 5));
  showv("next read gets the next message", read(sv[1], buf, sizeof buf));
  showv("empty message", read(sv[1], buf, sizeof buf));
  write(sv[0], "0123456789", 10);
  char small[4];
  struct iovec iov = {small, sizeof small};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  ssize_t n = recvmsg(sv[1], &m, 0);
  printf("recvmsg truncated: %zd MSG_TRUNC %s\n", n, m.msg_flags & MSG_TRUNC ? "yes" : "no");
  write(sv[0], "0123456789", 10);
  showv("recv with MSG_TRUNC", recv(sv[1], small, sizeof small, MSG_TRUNC));
  pollshow("seqpacket end, idle", sv[1]);
  show("shutdown(SHUT_WR)", shutdown(sv[0], SHUT_WR));
  pollshow("seqpacket end after peer SHUT_WR", sv[1]);
  showv("read after peer SHUT_WR", read(sv[1], buf, sizeof buf));
  close(sv[0]);
  pollshow("seqpacket end after peer close", sv[1]);
  showv("write after peer close", write(sv[1], "x", 1));
  close(sv[1]);

  show("socketpair STREAM", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  write(sv[0], "ab", 2);
  write(sv[0], "cd", 2);
  showv("stream coalesces", read(sv[1], buf, sizeof buf));
  write(sv[0], "unread", 6);
  close(sv[1]);
  pollshow("stream end after peer closed with our data unread", sv[0]);
  showv("write after peer close", write(sv[0], "x", 1));
  showv("read after peer close", read(sv[0], buf, sizeof buf));
  close(sv[0]);
  show("socketpair STREAM", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  write(sv[1], "unread", 6);
  close(sv[1]);
  showv("read data then EOF", read(sv[0], buf, sizeof buf));
  showv("then EOF", read(sv[0], buf, sizeof buf));
  close(sv[0]);

  show("socketpair DGRAM", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  int sent = 0;
  for (int i = 0; i < 20; i++) if (send(sv[0], "d", 1, MSG_DONTWAIT) == 1) sent++; else break;
  printf("datagrams queued before EAGAIN: %d (%s)\n", sent, strerror(errno));
  pollshow("dgram sender, peer queue full", sv[0]);
  showv("recv one", recv(sv[1], buf, sizeof buf, 0));
  pollshow("dgram sender after one read", sv[0]);
  close(sv[1]);
  showv("send after peer close", send(sv[0], "x", 1, 0));
  pollshow("dgram end after peer close", sv[0]);
  close(sv[0]);
  show("socketpair SOCK_RAW", socketpair(AF_UNIX, SOCK_RAW, 0, sv));
  close(sv[0]);
  close(sv[1]);
  show("socketpair with protocol 1", socketpair(AF_UNIX, SOCK_STREAM, 1, sv));
  close(sv[0]);
  close(sv[1]);
  show("socketpair with protocol 2", socketpair(AF_UNIX, SOCK_STREAM, 2, sv));

  char pbuf[108];
  const char *path = tmp_path(pbuf, sizeof pbuf, "socklab-unix-more.sock");
  unlink(path);
  struct sockaddr_un a = addr(path);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  bind(d, (struct sockaddr *)&a, sizeof a);
  int st = socket(AF_UNIX, SOCK_STREAM, 0);
  show("stream connect to a dgram socket", connect(st, (struct sockaddr *)&a, sizeof a));
  showv("stream send unconnected", send(st, "x", 1, 0));
  showv("stream recv unconnected", recv(st, buf, sizeof buf, MSG_DONTWAIT));
  int sp = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  showv("seqpacket send unconnected", send(sp, "x", 1, 0));
  showv("seqpacket recv unconnected", recv(sp, buf, sizeof buf, MSG_DONTWAIT));
  int d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  showv("dgram send unconnected", send(d2, "x", 1, 0));
  showv("dgram sendto path", sendto(d2, "hello", 5, 0, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  n = recvfrom(d, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("dgram got %zd from an unbound sender, name length %u\n", n, (unsigned)fl);
  show("listen on dgram", listen(d, 1));
  close(d);
  showv("sendto a path whose socket closed", sendto(d2, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
  unlink(path);
  showv("sendto a removed path", sendto(d2, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_un rel = addr("relative.sock");
  unlink("relative.sock");
  close(st);
  close(sp);
  close(d2);
  return 0;
}
