// run:
// run: inline
/* AF_UNIX MSG_OOB as Linux has it (CONFIG_AF_UNIX_OOB, since 5.15): on a
 * SOCK_STREAM socket send(MSG_OOB) queues the last byte as a separate
 * one-byte skb and makes it the urgent byte; recv(MSG_OOB) takes it (EINVAL
 * with none or with SO_OOBINLINE); a read stops before it; without
 * SO_OOBINLINE a read reaching it drops it, with it the byte is read in
 * place; a newer urgent byte turns the old one into plain data; the skb an
 * urgent byte was taken from still ends a read. sockatmark, FIONREAD and
 * POLLPRI follow. Datagram and seqpacket sockets refuse MSG_OOB. "inline"
 * sets SO_OOBINLINE on the receiver. */
#define _GNU_SOURCE
#include <errno.h>
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
  n = -1; ioctl(s, FIONREAD, &n);
  printf("%s: atmark %d inq %d poll%s%s\n", w, sockatmark(s), n, pf.revents & POLLIN ? " IN" : "", pf.revents & POLLPRI ? " PRI" : "");
}
/* The sender's SIOCOUTQ: the truesize of its skbs the reader has not freed (an emptied urgent one still counts). */
static void outq(int c, const char *w) {
  int v = -1;
  ioctl(c, TIOCOUTQ, &v);
  printf("%s: sender outq %d\n", w, v);
}
static int inl;
static void pair(int sv[2]) {
  int one = 1;
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  if (inl) setsockopt(sv[1], SOL_SOCKET, SO_OOBINLINE, &one, sizeof one);
}
int main(int argc, char **argv) {
  inl = argc > 1;
  int sv[2], c, s;
  pair(sv); c = sv[0]; s = sv[1];
  st(s, "idle");
  RD("recv OOB none", recv(s, b, 10, MSG_OOB));
  RD("recv OOB peek none", recv(s, b, 10, MSG_OOB | MSG_PEEK));
  R("send abc", send(c, "abc", 3, 0));
  R("send XYZ OOB", send(c, "XYZ", 3, MSG_OOB));
  R("send def", send(c, "def", 3, 0));
  st(s, "after");
  RD("recv OOB peek", recv(s, b, 10, MSG_OOB | MSG_PEEK));
  RD("peek 100", recv(s, b, 100, MSG_PEEK));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "after read1");
  RD("peek 100", recv(s, b, 100, MSG_PEEK));
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  st(s, "after oob read");
  RD("recv OOB again", recv(s, b, 10, MSG_OOB));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "after read2");
  RD("recv 100 empty", recv(s, b, 100, 0));
  /* two urgent sends: the newer is the urgent byte, the old one plain data */
  R("send 1 OOB", send(c, "1", 1, MSG_OOB));
  R("send mid", send(c, "mid", 3, 0));
  R("send 2 OOB", send(c, "2", 1, MSG_OOB));
  R("send end", send(c, "end", 3, 0));
  st(s, "two marks");
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "two marks read1");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  st(s, "two marks oob");
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "two marks read2");
  /* the urgent byte taken by MSG_OOB before the reader reaches it: its skb still ends a read */
  R("send ab", send(c, "ab", 2, 0));
  R("send C OOB", send(c, "C", 1, MSG_OOB));
  R("send de", send(c, "de", 2, 0));
  outq(c, "taken early sent");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  st(s, "taken early");
  outq(c, "taken early");
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "taken early read1");
  outq(c, "taken early read1");
  RD("recv 100", recv(s, b, 100, 0));
  outq(c, "taken early read2");
  /* an urgent byte alone in the queue, read in-band */
  R("send Q OOB", send(c, "Q", 1, MSG_OOB));
  st(s, "alone");
  RD("peek 100", recv(s, b, 100, MSG_PEEK));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "alone read");
  outq(c, "alone read");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  /* zero-length buffer for MSG_OOB */
  R("send W OOB", send(c, "W", 1, MSG_OOB));
  RD("recv OOB len 0", recv(s, b, 0, MSG_OOB));
  st(s, "after len0");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  RD("recv 100", recv(s, b, 100, 0));
  /* recvmsg reports MSG_OOB in msg_flags */
  R("send V OOB", send(c, "V", 1, MSG_OOB));
  {
    struct iovec iv = {b, 10}; struct msghdr m = {0}; m.msg_iov = &iv; m.msg_iovlen = 1;
    memset(b, 0, sizeof b);
    R("recvmsg OOB", recvmsg(s, &m, MSG_OOB));
    printf("flags %#x [%s]\n", m.msg_flags, b);
  }
  RD("recv 100", recv(s, b, 100, 0));
  /* urgent bytes and SO_OOBINLINE turned on or off afterwards */
  R("send xy OOB", send(c, "xy", 2, MSG_OOB));
  { int v = !inl; setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &v, sizeof v); }
  st(s, "toggled");
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  RD("recv 100", recv(s, b, 100, 0));
  RD("recv 100", recv(s, b, 100, 0));
  { int v = inl; setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &v, sizeof v); }
  /* a zero-length MSG_OOB send, MSG_OOB on the sender's side, to a shut reader */
  R("send empty OOB", send(c, "", 0, MSG_OOB));
  RD("recv OOB sender", recv(c, b, 10, MSG_OOB));
  R("send R OOB", send(c, "R", 1, MSG_OOB));
  R("send S OOB", send(c, "S", 1, MSG_OOB));
  st(s, "RS");
  RD("recv 100", recv(s, b, 100, 0));
  RD("recv OOB", recv(s, b, 10, MSG_OOB));
  RD("recv 100", recv(s, b, 100, 0));
  st(s, "RS read");
  shutdown(s, SHUT_RD);
  R("send to shut OOB", send(c, "z", 1, MSG_OOB | MSG_NOSIGNAL));
  /* the peer closes with an urgent byte unread */
  int s2[2]; pair(s2);
  R("send k OOB", send(s2[0], "jk", 2, MSG_OOB));
  close(s2[0]);
  st(s2[1], "peer closed");
  RD("recv OOB", recv(s2[1], b, 10, MSG_OOB));
  RD("recv 100", recv(s2[1], b, 100, 0));
  RD("recv 100", recv(s2[1], b, 100, 0));
  close(s2[1]);
  /* a full send buffer: the urgent byte's skb waits for room as any other */
  int f[2]; pair(f);
  int sb = 4096;
  setsockopt(f[0], SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb);
  static char big[65536];
  long sent = 0, k;
  while ((k = send(f[0], big, sizeof big, MSG_DONTWAIT)) > 0) sent += k;
  printf("filled: %ld\n", sent);
  R("send full OOB", send(f[0], "!", 1, MSG_OOB));
  RD("recv 100", recv(f[1], b, 100, 0));
  outq(f[0], "full");
  while (recv(f[1], big, sizeof big, 0) > 0) ;
  R("send room OOB", send(f[0], "ab!", 3, MSG_OOB));
  st(f[1], "room");
  RD("recv 100", recv(f[1], b, 100, 0));
  RD("recv OOB", recv(f[1], b, 10, MSG_OOB));
  close(f[0]); close(f[1]);
  /* a listener, datagram and seqpacket sockets */
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  RD("listener recv OOB", recv(l, b, 10, MSG_OOB));
  printf("listener atmark %d\n", sockatmark(l));
  int d[2]; socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, d);
  R("dgram send OOB", send(d[0], "x", 1, MSG_OOB));
  send(d[0], "y", 1, 0);
  RD("dgram recv OOB", recv(d[1], b, 10, MSG_OOB));
  printf("dgram atmark %d\n", sockatmark(d[1]));
  int q[2]; socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, q);
  R("seqpacket send OOB", send(q[0], "x", 1, MSG_OOB));
  send(q[0], "y", 1, 0);
  RD("seqpacket recv OOB", recv(q[1], b, 10, MSG_OOB));
  printf("seqpacket atmark %d\n", sockatmark(q[1]));
  return 0;
}
