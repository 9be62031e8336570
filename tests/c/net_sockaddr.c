// run:
/* Socket addresses as Linux checks them: addrlen too short or too long,
 * family mismatches, AF_UNSPEC, getsockname/getpeername/accept/recvfrom
 * truncating to the caller's buffer while reporting the full length,
 * sun_path without a NUL, abstract names. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "test_tmp.h"

static void show(const char *what, int r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }

static struct sockaddr_in v4(const char *ip, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

int main(void) {
  struct sockaddr_in a = v4("127.0.0.1", 0);
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  show("bind v4 addrlen 15", bind(fd, (struct sockaddr *)&a, 15));
  show("bind v4 addrlen 1", bind(fd, (struct sockaddr *)&a, 1));
  show("bind v4 addrlen 0", bind(fd, (struct sockaddr *)&a, 0));
  show("bind v4 addrlen -1", bind(fd, (struct sockaddr *)&a, (socklen_t)-1));
  show("bind v4 addrlen 129", bind(fd, (struct sockaddr *)&a, 129));
  show("bind v6 address on v4 socket", bind(fd, (struct sockaddr *)&a6, sizeof a6));
  struct sockaddr_in un = v4("0.0.0.0", 0);
  un.sin_family = AF_UNSPEC;
  un.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  show("bind AF_UNSPEC non-any on v4 socket", bind(fd, (struct sockaddr *)&un, sizeof un));
  un.sin_addr.s_addr = 0;
  show("bind AF_UNSPEC any on v4 socket", bind(fd, (struct sockaddr *)&un, sizeof un));
  show("bind again", bind(fd, (struct sockaddr *)&a, sizeof a));
  close(fd);

  fd = socket(AF_INET, SOCK_STREAM, 0);
  show("bind v4 addrlen 17", bind(fd, (struct sockaddr *)&a, 17));
  struct sockaddr_in got;
  socklen_t gl = 4;
  memset(&got, 0xAA, sizeof got);
  show("getsockname into 4 bytes", getsockname(fd, (struct sockaddr *)&got, &gl));
  printf("reported length %u, family %d, port untouched %s\n", (unsigned)gl, got.sin_family, ((unsigned char *)&got)[4] == 0xAA ? "yes" : "no");
  gl = 0;
  show("getsockname into 0 bytes", getsockname(fd, (struct sockaddr *)&got, &gl));
  printf("reported length %u\n", (unsigned)gl);
  gl = (socklen_t)-1;
  show("getsockname negative length", getsockname(fd, (struct sockaddr *)&got, &gl));
  show("getsockname NULL length", getsockname(fd, (struct sockaddr *)&got, NULL));
  gl = sizeof got;
  show("getpeername unconnected", getpeername(fd, (struct sockaddr *)&got, &gl));
  close(fd);

  fd = socket(AF_INET6, SOCK_DGRAM, 0);
  show("bind v6 addrlen 23", bind(fd, (struct sockaddr *)&a6, 23));
  show("bind v4 address on v6 socket", bind(fd, (struct sockaddr *)&a, sizeof a));
  show("bind v6 addrlen 24", bind(fd, (struct sockaddr *)&a6, 24));
  gl = sizeof a6 + 10;
  struct sockaddr_in6 g6;
  show("getsockname v6", getsockname(fd, (struct sockaddr *)&g6, &gl));
  printf("v6 length %u family %d\n", (unsigned)gl, g6.sin6_family);
  show("connect v4 address on v6 dgram", connect(fd, (struct sockaddr *)&a, sizeof a));
  close(fd);

  fd = socket(AF_INET, SOCK_DGRAM, 0);
  show("connect v6 address on v4 dgram", connect(fd, (struct sockaddr *)&a6, sizeof a6));
  struct sockaddr_in z = v4("127.0.0.1", 9);
  show("connect v4 dgram addrlen 8", connect(fd, (struct sockaddr *)&z, 8));
  show("connect v4 dgram", connect(fd, (struct sockaddr *)&z, sizeof z));
  struct sockaddr unspec = {AF_UNSPEC};
  show("connect AF_UNSPEC dissolves", connect(fd, &unspec, sizeof unspec));
  gl = sizeof got;
  show("getpeername after AF_UNSPEC", getpeername(fd, (struct sockaddr *)&got, &gl));
  close(fd);

  /* AF_UNIX */
  struct sockaddr_un u;
  memset(&u, 'x', sizeof u);
  u.sun_family = AF_UNIX;
  // The directory, a '/', then 'x' up to sun_path's last byte: a path of 108 bytes without a NUL.
  size_t dl = strlen(tmp_dir());
  memcpy(u.sun_path, tmp_dir(), dl);
  u.sun_path[dl] = '/';
  char full[sizeof u.sun_path + 1];
  memcpy(full, u.sun_path, sizeof u.sun_path);
  full[sizeof u.sun_path] = 0;
  unlink(full);
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  show("unix bind, addrlen past sizeof", bind(fd, (struct sockaddr *)&u, sizeof u + 1));
  show("unix bind, addrlen 1", bind(fd, (struct sockaddr *)&u, 1));
  show("unix bind, wrong family", bind(fd, (struct sockaddr *)&a, sizeof a));
  show("unix bind, 108 bytes no NUL", bind(fd, (struct sockaddr *)&u, sizeof u));
  struct sockaddr_un gu;
  gl = sizeof gu;
  getsockname(fd, (struct sockaddr *)&gu, &gl);
  printf("unix name length %u, path length %zu\n", (unsigned)gl, strnlen(gu.sun_path, sizeof gu.sun_path));
  close(fd);
  unlink(full);

  fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  gl = sizeof gu;
  getsockname(fd, (struct sockaddr *)&gu, &gl);
  printf("unbound unix name length %u\n", (unsigned)gl);
  memset(&u, 0, sizeof u);
  u.sun_family = AF_UNIX;
  memcpy(u.sun_path, "\0socklab-abstract", 17);
  show("abstract bind", bind(fd, (struct sockaddr *)&u, offsetof(struct sockaddr_un, sun_path) + 17));
  gl = sizeof gu;
  getsockname(fd, (struct sockaddr *)&gu, &gl);
  printf("abstract name length %u, name %.16s\n", (unsigned)gl, gu.sun_path + 1);
  int fd2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("abstract bind same name", bind(fd2, (struct sockaddr *)&u, offsetof(struct sockaddr_un, sun_path) + 17));
  show("abstract bind longer name", bind(fd2, (struct sockaddr *)&u, offsetof(struct sockaddr_un, sun_path) + 18));
  close(fd2);
  fd2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("sendto abstract (autobind)", (int)sendto(fd2, "hi", 2, 0, (struct sockaddr *)&u, offsetof(struct sockaddr_un, sun_path) + 17));
  gl = sizeof gu;
  getsockname(fd2, (struct sockaddr *)&gu, &gl);
  printf("autobound name length %u, abstract %s\n", (unsigned)gl, gu.sun_path[0] == 0 ? "yes" : "no");
  char buf[8];
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("received %zd from length %u same as sender %s\n", n, (unsigned)fl, fl == gl && memcmp(&from, &gu, gl) == 0 ? "yes" : "no");
  fl = 3;
  sendto(fd2, "hi", 2, 0, (struct sockaddr *)&u, offsetof(struct sockaddr_un, sun_path) + 17);
  n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom into 3 bytes: %zd, reported length %u\n", n, (unsigned)fl);
  close(fd2);
  close(fd);

  /* accept's address */
  int l = socket(AF_INET, SOCK_STREAM, 0);
  a = v4("127.0.0.1", 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  gl = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &gl);
  listen(l, 4);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  gl = 6;
  memset(&got, 0xAA, sizeof got);
  int s = accept(l, (struct sockaddr *)&got, &gl);
  printf("accept into 6 bytes: %s, length %u, byte 6 untouched %s\n", s < 0 ? strerror(errno) : "ok", (unsigned)gl, ((unsigned char *)&got)[6] == 0xAA ? "yes" : "no");
  gl = sizeof got;
  show("getpeername connected", getpeername(c, (struct sockaddr *)&got, &gl));
  printf("peer is listener: %s\n", got.sin_port == a.sin_port ? "yes" : "no");
  struct sockaddr_in cn;
  gl = sizeof cn;
  getsockname(c, (struct sockaddr *)&cn, &gl);
  printf("client got an ephemeral port in 32768-60999: %s\n", ntohs(cn.sin_port) >= 32768 && ntohs(cn.sin_port) <= 60999 ? "yes" : "no");
  close(s);
  close(c);
  close(l);
  return 0;
}
