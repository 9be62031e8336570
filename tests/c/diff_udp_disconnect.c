/* connect(AF_UNSPEC) on UDP dissolves the association (__udp_disconnect):
 * getpeername says ENOTCONN, send without an address EDESTADDRREQ, the
 * local address goes back to the wildcard unless bind() named one, and a
 * port bind() did not name is given back (getsockname shows port 0). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define R(what, call) do { errno = 0; long r_ = (call); printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)

static void names(int fd, const char *what) {
  struct sockaddr_in a;
  socklen_t l = sizeof a;
  memset(&a, 0, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &l);
  printf("%s: local %s port %s", what, inet_ntoa(a.sin_addr), a.sin_port ? "set" : "0");
  l = sizeof a;
  errno = 0;
  int r = getpeername(fd, (struct sockaddr *)&a, &l);
  printf(", getpeername %s\n", r < 0 ? strerror(errno) : "ok");
}

int main(void) {
  struct sockaddr_in srv = {0};
  srv.sin_family = AF_INET;
  srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  srv.sin_port = htons(47001);
  int v = socket(AF_INET, SOCK_DGRAM, 0);
  R("bind server", bind(v, (struct sockaddr *)&srv, sizeof srv));
  struct sockaddr un;
  memset(&un, 0, sizeof un);
  un.sa_family = AF_UNSPEC;
  char b[16];

  /* autobound by connect: address and port both go */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  R("connect", connect(u, (struct sockaddr *)&srv, sizeof srv));
  names(u, "connected");
  R("send", send(u, "one", 3, 0));
  R("disconnect", connect(u, &un, sizeof un));
  names(u, "disconnected");
  R("send without address", send(u, "x", 1, 0));
  R("write without address", write(u, "x", 1));
  R("disconnect again", connect(u, &un, sizeof un));
  R("disconnect with a 1-byte address", connect(u, &un, 1));
  R("sendto still works", sendto(u, "two", 3, 0, (struct sockaddr *)&srv, sizeof srv));
  names(u, "after sendto");
  R("server recv", recv(v, b, sizeof b, 0));
  R("server recv", recv(v, b, sizeof b, 0));

  /* a connected socket takes datagrams only from its peer; after the disconnect from anyone */
  int w = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in wa = srv;
  wa.sin_port = htons(47002);
  R("bind wildcard:47002", (wa.sin_addr.s_addr = htonl(INADDR_ANY), bind(w, (struct sockaddr *)&wa, sizeof wa)));
  struct sockaddr_in other = srv;
  other.sin_port = htons(47009);
  R("connect to 47009", connect(w, (struct sockaddr *)&other, sizeof other));
  names(w, "fixed port connected");
  wa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  R("server sends to it", sendto(v, "filtered", 8, 0, (struct sockaddr *)&wa, sizeof wa));
  R("recv (filtered)", recv(w, b, sizeof b, MSG_DONTWAIT));
  R("disconnect", connect(w, &un, sizeof un));
  names(w, "fixed port disconnected");
  R("server sends again", sendto(v, "open", 4, 0, (struct sockaddr *)&wa, sizeof wa));
  R("recv", recv(w, b, sizeof b, 0));

  /* bound to an address with port 0: the address stays, the port goes */
  int x = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in xa = srv;
  xa.sin_port = 0;
  R("bind 127.0.0.1:0", bind(x, (struct sockaddr *)&xa, sizeof xa));
  R("connect", connect(x, (struct sockaddr *)&srv, sizeof srv));
  R("disconnect", connect(x, &un, sizeof un));
  names(x, "address bound, disconnected");
  R("sendto binds a port again", sendto(x, "three", 5, 0, (struct sockaddr *)&srv, sizeof srv));
  names(x, "after sendto");
  R("server recv", recv(v, b, sizeof b, 0));
  return 0;
}
