// strace decoding torture (tests/strace-diff.test.ts): socket, socketpair, bind, connect, listen, accept4,
// getsockname/getpeername with short and odd buffers, shutdown, each with odd and bad arguments.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef __wasi__
#define BADP ((void *)(uintptr_t)0xfffffff0u)
#else
#define BADP ((void *)(uintptr_t)1)
#endif
#define SA(p) ((struct sockaddr *)(p))

static void try_socket(int d, int t, int p) {
  int fd = socket(d, t, p);
  if (fd >= 0) close(fd);
}

int main(void) {
  int domains[] = {AF_INET, AF_INET6, AF_UNIX};
  int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM | SOCK_NONBLOCK, SOCK_DGRAM | SOCK_CLOEXEC,
                 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, SOCK_RDM, 0, 11, SOCK_STREAM | 0x100};
  for (unsigned i = 0; i < 3; i++)
    for (unsigned j = 0; j < sizeof types / sizeof *types; j++) try_socket(domains[i], types[j], 0);
  try_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  try_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP);
  try_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  try_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP);
  try_socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  try_socket(AF_INET6, SOCK_DGRAM, IPPROTO_SCTP);
  try_socket(AF_INET, SOCK_STREAM, 200);
  try_socket(AF_UNIX, SOCK_STREAM, 1);
  try_socket(AF_UNIX, SOCK_STREAM, PF_UNIX);
  try_socket(AF_UNSPEC, SOCK_STREAM, 0);
  try_socket(5 /* AF_APPLETALK */, SOCK_DGRAM, 0);
  try_socket(45, SOCK_STREAM, 0);
  try_socket(46, SOCK_STREAM, 0);
  try_socket(-1, SOCK_STREAM, 0);
  try_socket(AF_INET, -1, 0);
  try_socket(AF_INET, SOCK_STREAM, -1);

  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0 && (close(sv[0]), close(sv[1]));
  socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0 && (close(sv[0]), close(sv[1]));
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0 && (close(sv[0]), close(sv[1]));
  socketpair(AF_INET, SOCK_STREAM, 0, sv);
  socketpair(AF_UNIX, SOCK_STREAM, 5, sv);
  socketpair(AF_UNIX, SOCK_STREAM, 0, BADP);
  socketpair(AF_UNIX, 99, 0, sv);

  // bind/connect: short lengths, AF_UNSPEC, unnamed/abstract AF_UNIX, v4-mapped IPv6, scope id, flowinfo.
  int u4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a4;
  memset(&a4, 0, sizeof a4);
  a4.sin_family = AF_INET;
  a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(u4, SA(&a4), 8);
  bind(u4, SA(&a4), 0);
  bind(u4, SA(&a4), 100);
  bind(u4, BADP, 16);
  bind(u4, NULL, 16);
  a4.sin_family = AF_INET6;
  bind(u4, SA(&a4), sizeof a4);
  a4.sin_family = AF_INET;
  bind(u4, SA(&a4), sizeof a4);
  struct sockaddr un;
  memset(&un, 0, sizeof un);
  un.sa_family = AF_UNSPEC;
  connect(u4, &un, sizeof un);
  connect(u4, &un, 2);
  a4.sin_port = htons(9);
  connect(u4, SA(&a4), sizeof a4);
  connect(u4, &un, sizeof un);
  close(u4);

  int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a6;
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &a6.sin6_addr);
  a6.sin6_port = htons(9);
  connect(u6, SA(&a6), sizeof a6);
  a6.sin6_flowinfo = htonl(0x12345);
  connect(u6, SA(&a6), sizeof a6);
  a6.sin6_addr = in6addr_loopback;
  // Its source became v4-mapped: no IPv6 peer (EAFNOSUPPORT, ip6_dst_lookup_tail); a fresh socket may.
  connect(u6, SA(&a6), sizeof a6);
  close(u6);
  u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  a6.sin6_scope_id = 1;
  connect(u6, SA(&a6), sizeof a6);
  a6.sin6_scope_id = 0;
  connect(u6, SA(&a6), 24);
  connect(u6, SA(&a6), 23);
  connect(u6, SA(&a6), 16);
  close(u6);

  int us = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un sun;
  memset(&sun, 0, sizeof sun);
  sun.sun_family = AF_UNIX;
  bind(us, SA(&sun), sizeof(sa_family_t));  // autobind
  struct sockaddr_un got;
  socklen_t gl = sizeof got;
  getsockname(us, SA(&got), &gl);
  close(us);
  us = socket(AF_UNIX, SOCK_DGRAM, 0);
  snprintf(sun.sun_path + 1, sizeof sun.sun_path - 1, "socklab-dec-%07d", (int)getpid() % 10000000);
  bind(us, SA(&sun), offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun.sun_path + 1));
  gl = 4;
  getsockname(us, SA(&got), &gl);
  gl = 0;
  getsockname(us, SA(&got), &gl);
  gl = sizeof got;
  getsockname(us, BADP, &gl);
  getsockname(us, SA(&got), BADP);
  gl = -1;
  getsockname(us, SA(&got), &gl);
  close(us);
  us = socket(AF_UNIX, SOCK_STREAM, 0);
  memset(&sun, 0, sizeof sun);
  sun.sun_family = AF_UNIX;
  strcpy(sun.sun_path, "dec.sock");
  unlink("dec.sock");
  bind(us, SA(&sun), sizeof sun);
  listen(us, 0);
  listen(us, -5);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c, SA(&sun), offsetof(struct sockaddr_un, sun_path) + 9);
  gl = 3;
  getpeername(c, SA(&got), &gl);
  gl = sizeof got;
  getpeername(c, SA(&got), &gl);
  gl = sizeof got;
  int a = accept4(us, SA(&got), &gl, SOCK_NONBLOCK | SOCK_CLOEXEC);
  gl = 2;
  getpeername(a, SA(&got), &gl);
  accept4(us, NULL, NULL, 0x40);
  fcntl(us, F_SETFL, O_NONBLOCK);
  accept4(us, SA(&got), BADP, 0);
  accept4(us, NULL, NULL, SOCK_NONBLOCK);
  accept4(us, NULL, NULL, SOCK_CLOEXEC);
  shutdown(c, SHUT_RD);
  shutdown(c, SHUT_WR);
  shutdown(c, SHUT_RDWR);
  shutdown(c, 3);
  shutdown(c, -1);
  shutdown(us, SHUT_RDWR);
  shutdown(1, SHUT_RD);
  shutdown(999, SHUT_RD);
  close(a);
  close(c);
  close(us);
  unlink("dec.sock");

  // TCP: getsockname with the exact, short and long buffers.
  int t = socket(AF_INET6, SOCK_STREAM, 0);
  memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6;
  a6.sin6_addr = in6addr_loopback;
  bind(t, SA(&a6), sizeof a6);
  struct sockaddr_storage ss;
  socklen_t sl = 16;
  getsockname(t, SA(&ss), &sl);
  sl = sizeof ss;
  getsockname(t, SA(&ss), &sl);
  getpeername(t, SA(&ss), &sl);
  listen(t, 1);
  connect(t, SA(&a6), sizeof a6);
  close(t);
  return 0;
}
