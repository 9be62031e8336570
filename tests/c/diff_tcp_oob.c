// run:
// run: inline
/* TCP urgent data as Linux has it: send(MSG_OOB) makes the last byte urgent;
 * recv(MSG_OOB) takes that one byte (EINVAL with none, once taken, or with
 * SO_OOBINLINE; never blocks); a read stops at the mark; without
 * SO_OOBINLINE the in-band stream skips the urgent byte, with it the byte is
 * read in place; a newer urgent byte replaces the mark; sockatmark, FIONREAD
 * (bytes up to the mark) and poll's POLLPRI follow. "inline" sets
 * SO_OOBINLINE on the receiver. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#define R(what, call) do { errno = 0; long r_ = (call); printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)
static char b[100];
#define RD(what, call) do { memset(b,0,sizeof b); errno = 0; long r_ = (call); printf("%s: %ld %s [%s]\n", what, r_, r_ < 0 ? strerror(errno) : "ok", r_>0?b:""); } while (0)
static int n;
static void st(int s, const char *w) {
  struct pollfd pf = {s, POLLIN | POLLPRI, 0}; poll(&pf, 1, 0);
  ioctl(s, FIONREAD, &n);
  printf("%s: atmark %d inq %d poll%s%s\n", w, sockatmark(s), n, pf.revents & POLLIN ? " IN" : "", pf.revents & POLLPRI ? " PRI" : "");
}
int main(int argc, char **argv) {
  int inl = argc > 1;
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); a.sin_port = htons(47031);
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(l, (struct sockaddr *)&a, sizeof a); listen(l, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(l, NULL, NULL);
  if (inl) setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one);
  st(s, "idle");
  RD("recv OOB none", recv(s, b, 10, MSG_OOB));
  RD("recv OOB none dontwait", recv(s, b, 10, MSG_OOB|MSG_DONTWAIT));
  R("send abc", send(c, "abc", 3, 0));
  R("send XYZ OOB", send(c, "XYZ", 3, MSG_OOB));
  R("send def", send(c, "def", 3, 0));
  usleep(20000);
  st(s, "after");
  RD("recv OOB peek", recv(s, b, 10, MSG_OOB|MSG_PEEK));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "after read1");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  st(s, "after oob read");
  RD("recv OOB again", recv(s, b, 10, MSG_OOB));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "after read2");
  RD("recv OOB once more", recv(s, b, 10, MSG_OOB));
  /* two urgent sends: the newer replaces the mark */
  R("send 1 OOB", send(c, "1", 1, MSG_OOB));
  R("send mid", send(c, "mid", 3, 0));
  R("send 2 OOB", send(c, "2", 1, MSG_OOB));
  R("send end", send(c, "end", 3, 0));
  usleep(20000);
  st(s, "two marks");
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "two marks read1");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "two marks read2");
  /* OOB with an empty buffer arg */
  R("send Q OOB", send(c, "Q", 1, MSG_OOB));
  usleep(20000);
  RD("recv OOB len 0", recv(s, b, 0, MSG_OOB));
  st(s, "after len0");
  R("send tail", send(c, "tail", 4, 0));
  usleep(20000);
  RD("recv 100", recv(s, b, 100, 0));
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  R("send empty OOB", send(c, "", 0, MSG_OOB));
  /* udp */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  R("udp send OOB", sendto(u, "x", 1, MSG_OOB, (struct sockaddr *)&a, sizeof a));
  R("udp recv OOB", recv(u, b, 1, MSG_OOB|MSG_DONTWAIT));
  R("udp sockatmark", sockatmark(u));
  int us[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, us);
  R("listener recv OOB", recv(l, b, 1, MSG_OOB));
  int t = socket(AF_INET, SOCK_STREAM, 0);
  R("unconnected recv OOB", recv(t, b, 1, MSG_OOB));
  R("unconnected send OOB", send(t, "x", 1, MSG_OOB|MSG_NOSIGNAL));
  close(c);
  usleep(20000);
  RD("recv after close", recv(s, b, 100, 0));
  RD("recv OOB after close", recv(s, b, 100, MSG_OOB));
  return 0;
}
