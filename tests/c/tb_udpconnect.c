/* connect() on UDP sockets (UNP 8.11-8.12): a client bound to its own
 * address, connected to a server so that send/recv suffice and only the
 * server's datagrams come in, then connected elsewhere and disconnected
 * with AF_UNSPEC (its port, bound as 0, goes back); a TCP client that
 * binds before connecting. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

static int port_of(int fd, int peer) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  if ((peer ? getpeername(fd, (struct sockaddr *)&a, &len) : getsockname(fd, (struct sockaddr *)&a, &len)) < 0) return -errno;
  return ntohs(a.sin_port);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int srv = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa = loopback(0);
  bind(srv, (struct sockaddr *)&sa, sizeof sa);
  sa = loopback(port_of(srv, 0));
  int other = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in oa = loopback(0);
  bind(other, (struct sockaddr *)&oa, sizeof oa);
  oa = loopback(port_of(other, 0));

  int cli = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in any;
  memset(&any, 0, sizeof any);
  any.sin_family = AF_INET;
  bind(cli, (struct sockaddr *)&any, sizeof any);
  connect(cli, (struct sockaddr *)&sa, sizeof sa);
  struct sockaddr_in ca = loopback(port_of(cli, 0));
  send(cli, "ping", 4, 0);
  char buf[32];
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  ssize_t n = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
  printf("server got %zd from the client: %s\n", n, from.sin_port == ca.sin_port ? "yes" : "no");
  /* Another socket's datagram to the connected client is not for it. */
  sendto(other, "stranger", 8, 0, (struct sockaddr *)&ca, sizeof ca);
  sendto(srv, "pong", 4, 0, (struct sockaddr *)&ca, sizeof ca);
  n = recv(cli, buf, sizeof buf, 0);
  printf("client recv %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
  n = recv(cli, buf, sizeof buf, MSG_DONTWAIT);
  printf("then %zd %s (the stranger's datagram was dropped)\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : strerror(errno));
  /* Connected again, elsewhere; then disconnected: unconnected sockets take anyone's datagrams again. */
  connect(cli, (struct sockaddr *)&oa, sizeof oa);
  printf("connected to the other socket: %s\n", port_of(cli, 1) == ntohs(oa.sin_port) ? "yes" : "no");
  struct sockaddr unspec;
  memset(&unspec, 0, sizeof unspec);
  unspec.sa_family = AF_UNSPEC;
  int r = connect(cli, &unspec, sizeof unspec);
  int peer = port_of(cli, 1);
  /* bind() asked for port 0, so nothing holds the port: the disconnect gives it back. */
  printf("disconnect %d, getpeername %s, local port now %d\n", r, peer == -ENOTCONN ? "ENOTCONN" : "connected", port_of(cli, 0));
  close(cli);

  /* A TCP client that picks its local address before connecting. */
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in la = loopback(0);
  bind(l, (struct sockaddr *)&la, sizeof la);
  listen(l, 1);
  la = loopback(port_of(l, 0));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in mine = loopback(0);
  bind(c, (struct sockaddr *)&mine, sizeof mine);
  int before = port_of(c, 0);
  connect(c, (struct sockaddr *)&la, sizeof la);
  int s = accept(l, NULL, NULL);
  printf("tcp client kept its bound port: %s\n", port_of(c, 0) == before && port_of(s, 1) == before ? "yes" : "no");
  close(s);
  close(c);
  close(l);
  close(other);
  close(srv);
  return 0;
}
