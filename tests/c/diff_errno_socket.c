// Bad input to socket, socketpair, bind, listen, accept/accept4, connect,
// getsockname/getpeername and shutdown: each case gets Linux's errno.
// Compared line by line with a native build by tests/errno-diff.test.ts.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "diff_errno.h"

static struct sockaddr_in lo4(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int portof(int fd) {
  struct sockaddr_in a;
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin_port);
}

#define SA(p) ((struct sockaddr *)(p))

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  bad_fds();
#define EACH_BAD(label, expr) EACH_BAD_OF(4, label, expr)

  // socket(): domain, type, protocol and flags.
  showfd("socket-inet-stream", socket(AF_INET, SOCK_STREAM, 0));
  showfd("socket-inet-stream-flags", socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  showfd("socket-unspec", socket(AF_UNSPEC, SOCK_STREAM, 0));
  showfd("socket-family99", socket(99, SOCK_STREAM, 0));
  showfd("socket-family-neg", socket(-1, SOCK_STREAM, 0));
  showfd("socket-family-big", socket(1000, SOCK_STREAM, 0));
  showfd("socket-inet-type0", socket(AF_INET, 0, 0));
  showfd("socket-inet-type99", socket(AF_INET, 99, 0));
  showfd("socket-inet-type-neg", socket(AF_INET, -1, 0));
  showfd("socket-inet-seqpacket", socket(AF_INET, SOCK_SEQPACKET, 0));
  showfd("socket-inet-rdm", socket(AF_INET, SOCK_RDM, 0));
  // Not here: SOCK_RAW and SOCK_PACKET, whose answer depends on CAP_NET_RAW (EPERM without it).
  showfd("socket-inet6-seqpacket", socket(AF_INET6, SOCK_SEQPACKET, 0));
  showfd("socket-inet-badflag", socket(AF_INET, SOCK_STREAM | 0x10000, 0));
  showfd("socket-inet-badflag2", socket(AF_INET, SOCK_STREAM | 0x40000000, 0));
  showfd("socket-stream-udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
  showfd("socket-dgram-tcp", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
  showfd("socket-dgram-proto99", socket(AF_INET, SOCK_DGRAM, 99));
  showfd("socket-stream-proto-neg", socket(AF_INET, SOCK_STREAM, -1));
  showfd("socket-inet6-stream-udp", socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP));
  showfd("socket-unix-raw", socket(AF_UNIX, SOCK_RAW, 0));
  showfd("socket-unix-rdm", socket(AF_UNIX, SOCK_RDM, 0));
  showfd("socket-unix-proto1", socket(AF_UNIX, SOCK_STREAM, 1));
  showfd("socket-unix-badflag", socket(AF_UNIX, SOCK_STREAM | 0x10000, 0));

  // socketpair().
  int sv[2] = {-1, -1};
  show("socketpair-unix", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  close(sv[0]);
  close(sv[1]);
  show("socketpair-inet-stream", socketpair(AF_INET, SOCK_STREAM, 0, sv));
  show("socketpair-inet-dgram", socketpair(AF_INET, SOCK_DGRAM, 0, sv));
  show("socketpair-inet6", socketpair(AF_INET6, SOCK_STREAM, 0, sv));
  show("socketpair-family99", socketpair(99, SOCK_STREAM, 0, sv));
  show("socketpair-unix-proto1", socketpair(AF_UNIX, SOCK_STREAM, 1, sv));
  show("socketpair-unix-raw", socketpair(AF_UNIX, SOCK_RAW, 0, sv));
  show("socketpair-unix-badflag", socketpair(AF_UNIX, SOCK_STREAM | 0x10000, 0, sv));
  show("socketpair-null", socketpair(AF_UNIX, SOCK_STREAM, 0, NULL));
  show("socketpair-badp", socketpair(AF_UNIX, SOCK_STREAM, 0, BADP));
  show("socketpair-inet-badp", socketpair(AF_INET, SOCK_STREAM, 0, BADP));
  show("socketpair-family99-null", socketpair(99, SOCK_STREAM, 0, NULL));
  show("socketpair-badflag-null", socketpair(AF_UNIX, SOCK_STREAM | 0x10000, 0, NULL));

  // bind().
  struct sockaddr_in a = lo4(0);
  EACH_BAD("bind", bind(fd, SA(&a), sizeof a));
  int t = socket(AF_INET, SOCK_STREAM, 0);
  show("bind-len0", bind(t, SA(&a), 0));
  show("bind-len-short", bind(t, SA(&a), 15));
  show("bind-len-neg", bind(t, SA(&a), (socklen_t)-1));
  show("bind-len-big", bind(t, SA(&a), 200));
  show("bind-null", bind(t, NULL, sizeof a));
  show("bind-badp", bind(t, BADP, sizeof a));
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  show("bind-inet6-addr-on-inet", bind(t, SA(&a6), sizeof a6));
  struct sockaddr_in fam = a;
  fam.sin_family = AF_UNIX;
  show("bind-family-unix-on-inet", bind(t, SA(&fam), sizeof fam));
  fam.sin_family = AF_UNSPEC;
  show("bind-unspec-loopback", bind(t, SA(&fam), sizeof fam));
  a.sin_addr.s_addr = inet_addr("192.0.2.99");
  show("bind-foreign-addr", bind(t, SA(&a), sizeof a));
  a = lo4(0);
  show("bind-ok", bind(t, SA(&a), sizeof a));
  show("bind-twice", bind(t, SA(&a), sizeof a));
  int t2 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in used = lo4(portof(t));
  show("bind-in-use", bind(t2, SA(&used), sizeof used));
  close(t2);
  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  show("bind6-inet-addr", bind(s6, SA(&a), sizeof a6));
  show("bind6-len-short", bind(s6, SA(&a6), 20));
  show("bind6-len-rfc2133", bind(s6, SA(&a6), 24));
  close(s6);
  int u = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  show("bindunix-len1", bind(u, SA(&un), 1));
  show("bindunix-len0", bind(u, SA(&un), 0));
  un.sun_family = AF_INET;
  strcpy(un.sun_path, "sock-x");
  show("bindunix-family-inet", bind(u, SA(&un), sizeof un));
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, "/no-such-dir/sock");
  show("bindunix-noent", bind(u, SA(&un), sizeof un));
  show("bindunix-len-big", bind(u, SA(&un), sizeof un + 1));
  close(u);

  // listen().
  EACH_BAD("listen", listen(fd, 5));
  int d = socket(AF_INET, SOCK_DGRAM, 0);
  show("listen-udp", listen(d, 5));
  int ud = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("listen-unix-dgram", listen(ud, 5));
  close(ud);
  show("listen-neg-backlog", listen(t, -1));
  show("listen-again", listen(t, 5));
  int nb = socket(AF_INET, SOCK_STREAM, 0);
  show("listen-unbound", listen(nb, 5));
  close(nb);

  // accept() and accept4().
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  EACH_BAD("accept", accept(fd, SA(&peer), &pl));
  show("accept-udp", accept(d, SA(&peer), &pl));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  show("accept-unlistened", accept(c, SA(&peer), &pl));
  show("accept4-badflag", accept4(t, SA(&peer), &pl, 0x1));
  show("accept4-badflag-badfd", accept4(-1, SA(&peer), &pl, 0x1));
  fcntl(t, F_SETFL, O_NONBLOCK);
  show("accept-nonblock-empty", accept(t, SA(&peer), &pl));
  show("accept4-nonblock-empty", accept4(t, NULL, NULL, SOCK_NONBLOCK));

  // connect().
  struct sockaddr_in srv = lo4(portof(t));
  EACH_BAD("connect", connect(fd, SA(&srv), sizeof srv));
  show("connect-len0", connect(c, SA(&srv), 0));
  show("connect-len-short", connect(c, SA(&srv), 8));
  show("connect-len-neg", connect(c, SA(&srv), (socklen_t)-1));
  show("connect-null", connect(c, NULL, sizeof srv));
  show("connect-badp", connect(c, BADP, sizeof srv));
  show("connect-inet6-addr-on-inet", connect(c, SA(&a6), sizeof a6));
  fam = srv;
  fam.sin_family = AF_UNIX;
  show("connect-family-unix-on-inet", connect(c, SA(&fam), sizeof fam));
  show("connect-listening", connect(t, SA(&srv), sizeof srv));
  int cl = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in any = lo4(0);
  bind(cl, SA(&any), sizeof any);
  struct sockaddr_in refused = lo4(portof(cl));
  show("connect-refused", connect(c, SA(&refused), sizeof refused));
  close(c);
  c = socket(AF_INET, SOCK_STREAM, 0);
  show("connect-ok", connect(c, SA(&srv), sizeof srv));
  show("connect-again", connect(c, SA(&srv), sizeof srv));
  show("connect-other-when-connected", connect(c, SA(&refused), sizeof refused));
  int acc = accept(t, NULL, NULL);
  printf("accept-ok %s\n", acc >= 0 ? "fd" : ename(errno));
  // A non-blocking connect on loopback: EINPROGRESS although the handshake is done at once; the next
  // connect reports the completed connection (0), the one after that EISCONN.
  int nc = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("connect-nonblock", connect(nc, SA(&srv), sizeof srv));
  show("connect-nonblock-again", connect(nc, SA(&srv), sizeof srv));
  show("connect-nonblock-third", connect(nc, SA(&srv), sizeof srv));
  showfd("accept-nonblock-connected", accept(t, NULL, NULL));
  close(nc);

  // getsockname() and getpeername().
  pl = sizeof peer;
  EACH_BAD("getsockname", getsockname(fd, SA(&peer), &pl));
  EACH_BAD("getpeername", getpeername(fd, SA(&peer), &pl));
  show("getpeername-unconnected", getpeername(cl, SA(&peer), &pl));
  show("getpeername-listening", getpeername(t, SA(&peer), &pl));
  show("getpeername-udp-unconnected", getpeername(d, SA(&peer), &pl));
  show("getsockname-null-len", getsockname(c, SA(&peer), NULL));
  show("getsockname-badp-len", getsockname(c, SA(&peer), BADP));
  pl = sizeof peer;
  show("getsockname-badp-addr", getsockname(c, BADP, &pl));
  pl = (socklen_t)-1;
  show("getsockname-len-neg", getsockname(c, SA(&peer), &pl));
  pl = 0;
  show("getsockname-len0", getsockname(c, SA(&peer), &pl));
  printf("getsockname-len0-len %u\n", (unsigned)pl);
  pl = 4;
  show("getpeername-len4", getpeername(c, SA(&peer), &pl));
  printf("getpeername-len4-len %u family-bytes-untouched %d\n", (unsigned)pl, peer.sin_port != 0 || 1);
  pl = sizeof peer;
  show("getpeername-null-addr", getpeername(c, NULL, &pl));
  pl = 0;
  show("getsockname-null-addr-len0", getsockname(c, NULL, &pl));
  printf("getsockname-null-addr-len0-len %u\n", (unsigned)pl);

  // accept's address buffers: the connection is taken, then copying the address fails.
  int c2 = socket(AF_INET, SOCK_STREAM, 0);
  connect(c2, SA(&srv), sizeof srv);
  show("accept-badp-len", accept(t, SA(&peer), BADP));
  int c3 = socket(AF_INET, SOCK_STREAM, 0);
  connect(c3, SA(&srv), sizeof srv);
  pl = (socklen_t)-1;
  show("accept-len-neg", accept(t, SA(&peer), &pl));
  show("accept-after-lost", accept(t, NULL, NULL));
  close(c2);
  close(c3);
  // An address and no length: Linux still waits for a connection (EAGAIN on this non-blocking
  // listener), then takes it and fails copying the address out (EFAULT), and the connection is lost.
  show("accept-null-len-empty", accept(t, SA(&peer), NULL));
  int c4 = socket(AF_INET, SOCK_STREAM, 0);
  connect(c4, SA(&srv), sizeof srv);
  show("accept-null-len", accept(t, SA(&peer), NULL));
  show("accept-after-null-len", accept(t, NULL, NULL));
  close(c4);
  // A length and no address: the connection is accepted (strace prints the length as a pointer).
  int c5 = socket(AF_INET, SOCK_STREAM, 0);
  connect(c5, SA(&srv), sizeof srv);
  pl = sizeof peer;
  showfd("accept-null-addr", accept(t, NULL, &pl));
  printf("accept-null-addr-len %u\n", (unsigned)pl);
  show("accept-null-addr-empty", accept(t, NULL, &pl));
  show("accept4-null-addr-empty", accept4(t, NULL, &pl, SOCK_CLOEXEC));
  close(c5);
  // The same on a blocking listener: the call sleeps until a child connects, then says EFAULT.
  int bl = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in ba = lo4(0);
  bind(bl, SA(&ba), sizeof ba);
  listen(bl, 5);
  struct sockaddr_in bsrv = lo4(portof(bl));
  // The child connects once the parent has written to a pipe, just before its accept: under socklab
  // the parent runs on into the accept and sleeps there (natively either order gives EFAULT).
  int go[2];
  pipe(go);
  pid_t kid = fork();
  if (kid == 0) {
    char g;
    read(go[0], &g, 1);
    int k = socket(AF_INET, SOCK_STREAM, 0);
    _exit(connect(k, SA(&bsrv), sizeof bsrv) == 0 ? 0 : 1);
  }
  write(go[1], "g", 1);
  show("accept-null-len-blocking", accept(bl, SA(&peer), NULL));
  int st = -1;
  waitpid(kid, &st, 0);
  printf("accept-null-len-child-connected %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  fcntl(bl, F_SETFL, O_NONBLOCK);
  show("accept-after-null-len-blocking", accept(bl, NULL, NULL));
  close(bl);
  close(go[0]);
  close(go[1]);

  // shutdown().
  EACH_BAD("shutdown", shutdown(fd, SHUT_RDWR));
  show("shutdown-how3", shutdown(c, 3));
  show("shutdown-how-neg", shutdown(c, -1));
  show("shutdown-how3-badfd", shutdown(-1, 3));
  show("shutdown-unconnected", shutdown(cl, SHUT_RDWR));
  show("shutdown-udp-unconnected", shutdown(d, SHUT_WR));
  show("shutdown-listening-wr", shutdown(t, SHUT_WR));
  show("shutdown-ok", shutdown(c, SHUT_WR));
  show("shutdown-twice", shutdown(c, SHUT_WR));
  show("shutdown-rd-after-wr", shutdown(c, SHUT_RD));
  show("accept-after-listen-shut-wr", accept(t, NULL, NULL));
  show("shutdown-listening-rd", shutdown(t, SHUT_RD));
  return 0;
}
