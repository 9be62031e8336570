// A socket's state decides the errno: calls made on TCP, UDP, AF_UNIX and
// IPv6 sockets in the wrong state (listen on a connected socket, accept on a
// client, bind after connect, I/O after shutdown, a connect to a socket of
// the wrong type...), and what SO_ERROR/SO_ACCEPTCONN say in each. The ones
// diff_errno_socket.c has already (connect on a listener, a second
// nonblocking connect, bind twice, sendto with an address on connected TCP,
// send on an unconnected datagram socket) are not repeated. Compared line
// by line with a native build by tests/errno-diff.test.ts.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "diff_errno.h"

#define SA(p) ((struct sockaddr *)(p))

static struct sockaddr_in lo4(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static struct sockaddr_un upath(const char *p) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, p);
  return a;
}

/* An int option's value (a failure would show as the errno's name, negated, to compare across errno numberings). */
static int getint(int fd, int level, int name) {
  int v = -7;
  socklen_t l = sizeof v;
  if (getsockopt(fd, level, name, &v, &l) < 0) {
    printf("getsockopt-failed -1 %s\n", ename(errno));
    return -1;
  }
  return v;
}

/* A listener on loopback, a client connected to it and the accepted end. */
static void tcp_trio(int *l, int *c, int *a, struct sockaddr_in *la) {
  *l = socket(AF_INET, SOCK_STREAM, 0);
  *la = lo4(0);
  bind(*l, SA(la), sizeof *la);
  socklen_t n = sizeof *la;
  getsockname(*l, SA(la), &n);
  listen(*l, 4);
  *c = socket(AF_INET, SOCK_STREAM, 0);
  connect(*c, SA(la), sizeof *la);
  *a = accept(*l, NULL, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  char buf[16];
  int l, c, a;
  struct sockaddr_in la;

  // TCP: a connected socket, either end, is no listener and cannot be bound or connected again.
  tcp_trio(&l, &c, &a, &la);
  printf("acceptconn-listener %d\n", getint(l, SOL_SOCKET, SO_ACCEPTCONN));
  printf("acceptconn-client %d\n", getint(c, SOL_SOCKET, SO_ACCEPTCONN));
  printf("acceptconn-accepted %d\n", getint(a, SOL_SOCKET, SO_ACCEPTCONN));
  show("tcp-listen-connected", listen(c, 4));
  show("tcp-listen-accepted", listen(a, 4));
  show("tcp-accept-connected", accept(c, NULL, NULL));
  show("tcp-accept-accepted", accept(a, NULL, NULL));
  struct sockaddr_in any = lo4(0);
  show("tcp-bind-connected", bind(c, SA(&any), sizeof any));
  show("tcp-bind-accepted", bind(a, SA(&any), sizeof any));
  show("tcp-bind-listener", bind(l, SA(&any), sizeof any));
  show("tcp-connect-accepted", connect(a, SA(&la), sizeof la));
  show("tcp-listen-listener-again", listen(l, 8));
  printf("acceptconn-listener-again %d\n", getint(l, SOL_SOCKET, SO_ACCEPTCONN));

  // Shutdown: reading past SHUT_RD is end of file, writing past SHUT_WR EPIPE (on either end for the peer).
  show("tcp-shut-rd", shutdown(c, SHUT_RD));
  show("tcp-recv-after-shut-rd", recv(c, buf, sizeof buf, 0));
  show("tcp-recv-after-shut-rd-dontwait", recv(c, buf, sizeof buf, MSG_DONTWAIT));
  show("tcp-send-after-own-shut-rd", send(c, "x", 1, 0));
  show("tcp-recv-accepted", recv(a, buf, sizeof buf, 0));
  show("tcp-shut-wr", shutdown(c, SHUT_WR));
  show("tcp-send-after-shut-wr", send(c, "x", 1, 0));
  show("tcp-send-after-shut-wr-nosignal", send(c, "x", 1, MSG_NOSIGNAL));
  show("tcp-write-after-shut-wr", write(c, "x", 1));
  show("tcp-recv-peer-shut-wr", recv(a, buf, sizeof buf, 0));
  show("tcp-send-to-shut-rd-peer", send(a, "y", 1, 0));
  show("tcp-shutdown-rdwr-again", shutdown(c, SHUT_RDWR));
  show("tcp-getpeername-after-shutdown", getpeername(c, SA(&any), &(socklen_t){sizeof any}));
  show("tcp-listen-shut-down", listen(c, 4));
  // The data sent to c after it shut both ways reset it (tcp_rcv_state_process: data past RCV_SHUTDOWN).
  int e = getint(c, SOL_SOCKET, SO_ERROR);
  printf("tcp-soerror-after-shutdown %s\n", e ? ename(e) : "0");
  close(c), close(a);

  // A listener that was shut down accepts nothing; an unbound socket cannot accept.
  show("tcp-shutdown-listener", shutdown(l, SHUT_RDWR));
  show("tcp-accept-shut-listener", accept(l, NULL, NULL));
  printf("acceptconn-shut-listener %d\n", getint(l, SOL_SOCKET, SO_ACCEPTCONN));
  show("tcp-listen-after-shutdown", listen(l, 4));
  close(l);
  int u = socket(AF_INET, SOCK_STREAM, 0);
  show("tcp-accept-unbound", accept(u, NULL, NULL));
  show("tcp-recv-unbound", recv(u, buf, sizeof buf, 0));
  show("tcp-send-unbound", send(u, "x", 1, 0));
  show("tcp-shutdown-unbound", shutdown(u, SHUT_RD));
  close(u);

  // SO_LINGER with a negative time lingers without a limit: close waits for the peer's ACK, then returns 0.
  tcp_trio(&l, &c, &a, &la);
  struct linger lg = {1, -1};
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  show("tcp-send-lingering", send(c, "abc", 3, 0));
  show("tcp-close-linger-forever", close(c));
  show("tcp-recv-after-linger-close", recv(a, buf, sizeof buf, 0));
  show("tcp-recv-eof-after-linger-close", recv(a, buf, sizeof buf, 0));
  close(a), close(l);

  // A refused nonblocking connect: SO_ERROR says so once, and the socket can try again.
  u = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in dead = lo4(0);
  bind(l, SA(&dead), sizeof dead);
  socklen_t n = sizeof dead;
  getsockname(l, SA(&dead), &n);
  int r = connect(u, SA(&dead), sizeof dead);
  printf("tcp-connect-refused-nonblock %s\n", r == 0 ? "0" : (errno == EINPROGRESS || errno == ECONNREFUSED) ? "pending-or-refused" : ename(errno));
  struct pollfd pf = {u, POLLOUT, 0};
  poll(&pf, 1, -1);
  printf("tcp-refused-revents %s\n", (pf.revents & (POLLERR | POLLHUP)) ? "err" : "no-err");
  printf("tcp-soerror-refused %s\n", ename(getint(u, SOL_SOCKET, SO_ERROR)));
  printf("tcp-soerror-refused-again %d\n", getint(u, SOL_SOCKET, SO_ERROR));
  show("tcp-send-after-refused", send(u, "x", 1, 0));
  show("tcp-recv-after-refused", recv(u, buf, sizeof buf, 0));
  show("tcp-getpeername-after-refused", getpeername(u, SA(&any), &(socklen_t){sizeof any}));
  listen(l, 1);
  r = connect(u, SA(&dead), sizeof dead);
  show("tcp-connect-after-refused", r < 0 && errno == EINPROGRESS ? 0 : r);
  poll(&pf, 1, -1);
  printf("tcp-soerror-after-reconnect %d\n", getint(u, SOL_SOCKET, SO_ERROR));
  show("tcp-connect-after-reconnect", connect(u, SA(&dead), sizeof dead));
  close(u), close(l);

  // UDP: shut down ends of a connected socket; a dissolved association.
  int x = socket(AF_INET, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in xa = lo4(0), ya = lo4(0);
  bind(x, SA(&xa), sizeof xa);
  bind(y, SA(&ya), sizeof ya);
  n = sizeof xa;
  getsockname(x, SA(&xa), &n);
  n = sizeof ya;
  getsockname(y, SA(&ya), &n);
  show("udp-bind-again", bind(x, SA(&any), sizeof any));
  show("udp-connect", connect(x, SA(&ya), sizeof ya));
  show("udp-connect-again-other", connect(x, SA(&xa), sizeof xa));
  show("udp-connect-back", connect(x, SA(&ya), sizeof ya));
  show("udp-accept-connected", accept(x, NULL, NULL));
  show("udp-shut-rd", shutdown(x, SHUT_RD));
  show("udp-recv-after-shut-rd", recv(x, buf, sizeof buf, MSG_DONTWAIT));
  show("udp-send-after-own-shut-rd", send(x, "x", 1, 0));
  show("udp-recv-peer", recv(y, buf, sizeof buf, MSG_DONTWAIT));
  show("udp-shut-wr", shutdown(x, SHUT_WR));
  show("udp-send-after-shut-wr", send(x, "x", 1, 0));
  show("udp-sendto-after-shut-wr", sendto(x, "x", 1, 0, SA(&ya), sizeof ya));
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  show("udp-disconnect", connect(x, &unspec, sizeof unspec));
  show("udp-send-after-disconnect", send(x, "x", 1, 0));
  show("udp-getpeername-after-disconnect", getpeername(x, SA(&any), &(socklen_t){sizeof any}));
  show("udp-shutdown-after-disconnect", shutdown(x, SHUT_RD));
  close(x), close(y);

  // AF_UNIX stream: the same rules through a path, and a socketpair's ends.
  unlink("st.sock");
  int ul = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un ua = upath("st.sock");
  bind(ul, SA(&ua), sizeof ua);
  int uc = socket(AF_UNIX, SOCK_STREAM, 0);
  show("unix-connect-not-listening", connect(uc, SA(&ua), sizeof ua));
  listen(ul, 4);
  show("unix-connect", connect(uc, SA(&ua), sizeof ua));
  int uacc = accept(ul, NULL, NULL);
  show("unix-listen-connected", listen(uc, 4));
  show("unix-listen-accepted", listen(uacc, 4));
  show("unix-accept-connected", accept(uc, NULL, NULL));
  struct sockaddr_un ub = upath("st2.sock");
  unlink("st2.sock");
  show("unix-bind-connected", bind(uc, SA(&ub), sizeof ub));
  // Binding a bound AF_UNIX socket again: unix_bind_bsd makes the node first (EADDRINUSE where the path
  // exists, ENOENT without its directory), then finds the socket bound (EINVAL, and the node is gone again);
  // an abstract name looks at the socket first; an autobind of a bound socket keeps its address (0).
  show("unix-rebind-listener-same-path", bind(ul, SA(&ua), sizeof ua));
  show("unix-rebind-listener-new-path", bind(ul, SA(&ub), sizeof ub));
  show("unix-rebind-left-no-node", unlink("st2.sock"));
  struct sockaddr_un un = upath("nodir/st3.sock");
  show("unix-rebind-listener-no-dir", bind(ul, SA(&un), sizeof un));
  struct sockaddr_un uabs = upath("@st-abs");
  uabs.sun_path[0] = 0;
  socklen_t absl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen("@st-abs"));
  show("unix-rebind-listener-abstract", bind(ul, SA(&uabs), absl));
  show("unix-rebind-listener-autobind", bind(ul, SA(&uabs), offsetof(struct sockaddr_un, sun_path)));
  show("unix-rebind-accepted-same-path", bind(uacc, SA(&ua), sizeof ua));
  show("unix-rebind-accepted-new-path", bind(uacc, SA(&ub), sizeof ub));
  show("unix-connect-connected", connect(uc, SA(&ua), sizeof ua));
  show("unix-shut-rd", shutdown(uc, SHUT_RD));
  show("unix-recv-after-shut-rd", recv(uc, buf, sizeof buf, 0));
  show("unix-send-to-shut-rd-peer", send(uacc, "y", 1, 0));
  show("unix-shut-wr", shutdown(uc, SHUT_WR));
  show("unix-send-after-shut-wr", send(uc, "x", 1, 0));
  show("unix-recv-peer-shut-wr", recv(uacc, buf, sizeof buf, 0));
  close(uc), close(uacc);
  int sp[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
  show("pair-listen", listen(sp[0], 4));
  // A socketpair's ends have no address: one may bind once, and then no more.
  struct sockaddr_un up = upath("st4.sock");
  unlink("st4.sock");
  show("pair-bind", bind(sp[1], SA(&up), sizeof up));
  show("pair-rebind", bind(sp[1], SA(&up), sizeof up));
  unlink("st4.sock");
  show("pair-accept", accept(sp[0], NULL, NULL));
  show("pair-connect", connect(sp[0], SA(&ua), sizeof ua));
  close(sp[1]);
  show("pair-send-peer-closed", send(sp[0], "x", 1, 0));
  show("pair-recv-peer-closed", recv(sp[0], buf, sizeof buf, 0));
  close(sp[0]);

  // AF_UNIX seqpacket and datagram sockets.
  int q = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  show("seq-send-unconnected", send(q, "x", 1, 0));
  show("seq-recv-unconnected", recv(q, buf, sizeof buf, MSG_DONTWAIT));
  show("seq-listen-unbound", listen(q, 4));
  show("seq-accept-unlistened", accept(q, NULL, NULL));
  show("seq-connect-stream-path", connect(q, SA(&ua), sizeof ua));
  close(q);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("dgram-connect-stream-path", connect(d, SA(&ua), sizeof ua));
  show("dgram-sendto-stream-path", sendto(d, "x", 1, 0, SA(&ua), sizeof ua));
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sp);
  show("dgram-pair-shut-rd", shutdown(sp[0], SHUT_RD));
  show("dgram-pair-recv-after-shut-rd", recv(sp[0], buf, sizeof buf, MSG_DONTWAIT));
  show("dgram-pair-send-to-shut-rd-peer", send(sp[1], "y", 1, MSG_DONTWAIT));
  show("dgram-pair-shut-wr", shutdown(sp[0], SHUT_WR));
  show("dgram-pair-send-after-shut-wr", send(sp[0], "x", 1, 0));
  close(sp[1]);
  show("dgram-pair-send-peer-closed", send(sp[0], "x", 1, 0));
  close(sp[0]), close(d);

  // A path that is a symlink exists, dangling or not: unix_bind_bsd's mknod does not follow it (EADDRINUSE,
  // before a bound socket's EINVAL) and makes nothing at its target; connect follows it.
  unlink("st-dangle.sock"), unlink("st-link.sock");
  symlink("st-nowhere", "st-dangle.sock");
  symlink("st.sock", "st-link.sock");
  int us = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un dang = upath("st-dangle.sock"), link = upath("st-link.sock");
  show("unix-bind-dangling-symlink", bind(us, SA(&dang), sizeof dang));
  show("unix-bind-dangling-left-no-target", unlink("st-nowhere"));
  show("unix-rebind-listener-dangling-symlink", bind(ul, SA(&dang), sizeof dang));
  show("unix-rebind-listener-symlink-to-socket", bind(ul, SA(&link), sizeof link));
  show("unix-connect-dangling-symlink", connect(us, SA(&dang), sizeof dang));
  show("unix-bind-symlink-to-socket", bind(us, SA(&link), sizeof link));
  show("unix-connect-symlink-to-socket", connect(us, SA(&link), sizeof link));
  close(us), close(ul);
  unlink("st-dangle.sock"), unlink("st-link.sock");
  unlink("st.sock");
  unlink("st2.sock");

  // IPv6: a V6ONLY socket and IPv4-mapped addresses.
  int v = socket(AF_INET6, SOCK_DGRAM, 0);
  int one = 1;
  setsockopt(v, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  struct sockaddr_in6 m;
  memset(&m, 0, sizeof m);
  m.sin6_family = AF_INET6;
  m.sin6_port = htons(9);
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &m.sin6_addr);
  show("v6only-connect-mapped", connect(v, SA(&m), sizeof m));
  show("v6only-sendto-mapped", sendto(v, "x", 1, 0, SA(&m), sizeof m));
  show("v6only-bind-mapped", bind(v, SA(&m), sizeof m));
  close(v);
  return 0;
}
