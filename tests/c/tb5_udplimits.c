/* What a UDP course program meets at the edges (UNP 8.9-8.13): the largest
 * datagram is 65507 bytes of payload over IPv4 (65535 less the IP and UDP
 * headers) and 65527 over IPv6; one byte more is EMSGSIZE, and nothing is
 * sent. FIONREAD gives the size of the next datagram, not all that is
 * queued; a zero-length datagram is a datagram (recvfrom returns 0, not
 * EOF, and FIONREAD says 0 for it). Sent to a port nobody has, an
 * unconnected socket's sendto succeeds and no error is ever reported
 * (UNP 8.9: the ICMP error has no socket to go to), while a connected
 * socket's next call says ECONNREFUSED, once. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static char big[70000];

static void try_send(int fd, const struct sockaddr *to, socklen_t len, size_t n) {
  errno = 0;
  ssize_t r = sendto(fd, big, n, 0, to, len);
  printf("  sendto %zu: %zd %s\n", n, r, r < 0 ? strerror(errno) : "ok");
}

static void drain(int fd) {
  for (;;) {
    int q = -1;
    ioctl(fd, FIONREAD, &q);
    errno = 0;
    ssize_t n = recv(fd, big, sizeof big, MSG_DONTWAIT);
    if (n < 0) { printf("  FIONREAD %d, recv: %s\n", q, errno == EAGAIN ? "EAGAIN" : strerror(errno)); return; }
    printf("  FIONREAD %d, recv %zd\n", q, n);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  memset(big, 'u', sizeof big);
  int rfd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(rfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(rfd, (struct sockaddr *)&a, &alen);

  printf("IPv4:\n");
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  try_send(fd, (struct sockaddr *)&a, sizeof a, 65507);
  try_send(fd, (struct sockaddr *)&a, sizeof a, 65508);
  try_send(fd, (struct sockaddr *)&a, sizeof a, 0);
  try_send(fd, (struct sockaddr *)&a, sizeof a, 1000);
  drain(rfd);
  close(fd);

  printf("IPv6:\n");
  int r6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 b;
  memset(&b, 0, sizeof b);
  b.sin6_family = AF_INET6;
  b.sin6_addr = in6addr_loopback;
  bind(r6, (struct sockaddr *)&b, sizeof b);
  socklen_t blen = sizeof b;
  getsockname(r6, (struct sockaddr *)&b, &blen);
  int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
  try_send(fd6, (struct sockaddr *)&b, sizeof b, 65527);
  try_send(fd6, (struct sockaddr *)&b, sizeof b, 65528);
  drain(r6);
  close(fd6);
  close(r6);

  /* A port nobody has: the receiver's socket closed. */
  close(rfd);
  printf("unconnected, to a closed port:\n");
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  try_send(fd, (struct sockaddr *)&a, sizeof a, 10);
  try_send(fd, (struct sockaddr *)&a, sizeof a, 10);
  drain(fd);
  int err;
  socklen_t elen = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
  printf("  SO_ERROR: %s\n", err ? strerror(err) : "0");
  close(fd);
  printf("connected, to a closed port:\n");
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  connect(fd, (struct sockaddr *)&a, sizeof a);
  errno = 0;
  ssize_t n = send(fd, "x", 1, 0);
  printf("  send: %zd\n", n);
  errno = 0;
  n = recv(fd, big, sizeof big, MSG_DONTWAIT);
  printf("  recv: %zd %s\n", n, strerror(errno));
  errno = 0;
  n = recv(fd, big, sizeof big, MSG_DONTWAIT);
  printf("  recv again: %zd %s\n", n, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  n = send(fd, "y", 1, 0);
  printf("  send: %zd\n", n);
  errno = 0;
  n = send(fd, "z", 1, 0);
  printf("  send after the error: %zd %s\n", n, n < 0 ? strerror(errno) : "ok");
  close(fd);
  return 0;
}
