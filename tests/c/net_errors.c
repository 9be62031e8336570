/* Wrong domain, type, protocol, flags and addresses: socket() and friends
 * must fail with the errno Linux gives. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void sock(const char *what, int d, int t, int p) {
  int fd = socket(d, t, p);
  printf("%s: %s\n", what, fd < 0 ? strerror(errno) : "ok");
  if (fd >= 0) close(fd);
}

int main(void) {
  sock("AF_INET SOCK_STREAM", AF_INET, SOCK_STREAM, 0);
  sock("AF_INET SOCK_DGRAM", AF_INET, SOCK_DGRAM, 0);
  sock("AF_INET6 SOCK_STREAM tcp", AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  sock("AF_UNIX SOCK_SEQPACKET", AF_UNIX, SOCK_SEQPACKET, 0);
  sock("AF_INET SOCK_SEQPACKET", AF_INET, SOCK_SEQPACKET, 0);
  sock("AF_INET SOCK_STREAM udp", AF_INET, SOCK_STREAM, IPPROTO_UDP);
  sock("AF_INET SOCK_DGRAM tcp", AF_INET, SOCK_DGRAM, IPPROTO_TCP);
  sock("AF_UNIX protocol 7", AF_UNIX, SOCK_STREAM, 7);
  sock("family 99", 99, SOCK_STREAM, 0);
  sock("family 12345", 12345, SOCK_STREAM, 0);
  sock("type 99", AF_INET, 99, 0);
  sock("bad type flag", AF_INET, SOCK_STREAM | 0x10000, 0);
  sock("AF_INET SOCK_RDM", AF_INET, SOCK_RDM, 0);

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(0);
  printf("bind short addrlen: %s\n", bind(fd, (struct sockaddr *)&a, 8) < 0 ? strerror(errno) : "ok");
  a.sin_addr.s_addr = inet_addr("192.0.2.99");
  printf("bind foreign address: %s\n", bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ? strerror(errno) : "ok");
  struct sockaddr_un u = {AF_UNIX, "/tmp/x"};
  printf("bind AF_UNIX addr on AF_INET: %s\n", bind(fd, (struct sockaddr *)&u, sizeof u) < 0 ? strerror(errno) : "ok");
  printf("bind NULL addr: %s\n", bind(fd, NULL, sizeof a) < 0 ? strerror(errno) : "ok");
  int v = 1;
  printf("setsockopt bad level: %s\n", setsockopt(fd, 12345, 1, &v, sizeof v) < 0 ? strerror(errno) : "ok");
  printf("setsockopt bad name: %s\n", setsockopt(fd, SOL_SOCKET, 12345, &v, sizeof v) < 0 ? strerror(errno) : "ok");
  printf("setsockopt short len: %s\n", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, 2) < 0 ? strerror(errno) : "ok");
  printf("setsockopt IPV6_V6ONLY on v4: %s\n", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v) < 0 ? strerror(errno) : "ok");
  socklen_t l = sizeof v;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l);
  printf("SO_TYPE=%d len=%u\n", v, (unsigned)l);
  getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l);
  printf("SO_DOMAIN=%d\n", v);
  getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l);
  printf("SO_PROTOCOL=%d\n", v);
  v = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l);
  printf("SO_RCVBUF after setting 4096: %d\n", v);
  printf("getsockopt on stdin: %s\n", getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &l) < 0 ? strerror(errno) : "ok");
  printf("connect on bad fd: %s\n", connect(77, (struct sockaddr *)&a, sizeof a) < 0 ? strerror(errno) : "ok");
  close(fd);
  int sv[2];
  printf("socketpair AF_INET: %s\n", socketpair(AF_INET, SOCK_STREAM, 0, sv) < 0 ? strerror(errno) : "ok");
  return 0;
}
