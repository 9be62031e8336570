/* ICMP to a LAN's broadcast address across virtual hosts (no native
 * reference: tests/raw-icmp-broadcast.test.ts asserts what Linux does).
 *   raw_icmp_lan listen          a raw IPPROTO_ICMP socket: prints the ICMP
 *                                packets carrying "hello" it sees
 *                                until 300 ms pass without one
 *   raw_icmp_lan raw DST...      echo requests from a raw socket with
 *                                SO_BROADCAST to each DST (seq 1, 2, ...),
 *                                then what its own raw socket saw
 *   raw_icmp_lan ping DST        an unprivileged ping socket to DST:
 *                                EACCES without SO_BROADCAST, sent with it,
 *                                then the replies it got */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned short cksum(unsigned char *b, int n) {
  unsigned long s = 0;
  for (int i = 0; i + 1 < n; i += 2) s += (b[i] << 8) | b[i + 1];
  if (n & 1) s += b[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

static void drain(int fd, const char *name) {
  unsigned char p[2048];
  struct pollfd pf = {fd, POLLIN, 0};
  int n = 0;
  while (poll(&pf, 1, 300) > 0) {
    long len = recv(fd, p, sizeof p, 0);
    if (len < 28 || p[9] != 1) continue;
    unsigned char *m = p + (p[0] & 15) * 4;
    if (len - (m - p) < 13 || memcmp(m + 8, "hello", 5)) continue;
    char src[16], dst[16];
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    printf("%s: %s -> %s icmp type %d seq %d\n", name, src, dst, m[0], (m[6] << 8) | m[7]);
    n++;
  }
  printf("%s: %d packets\n", name, n);
}

static long echo(int fd, const char *ip, int seq) {
  unsigned char m[16] = {8, 0, 0, 0, 0x5a, 0x5a, 0, (unsigned char)seq, 'h', 'e', 'l', 'l', 'o'};
  unsigned short c = cksum(m, 13);
  m[2] = c >> 8;
  m[3] = c & 0xff;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, ip, &a.sin_addr);
  return sendto(fd, m, 13, 0, (struct sockaddr *)&a, sizeof a);
}

int main(int argc, char **argv) {
  int one = 1;
  if (argc >= 2 && !strcmp(argv[1], "listen")) {
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    drain(fd, "listen");
    return 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "raw")) {
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    for (int i = 2; i < argc; i++) {
      long r = echo(fd, argv[i], i - 1);
      printf("raw: echo to %s: %ld %s\n", argv[i], r, r < 0 ? strerror(errno) : "ok");
    }
    drain(fd, "raw");
    return 0;
  }
  if (argc >= 3 && !strcmp(argv[1], "ping")) {
    int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    long r = echo(fd, argv[2], 1);
    printf("ping: without SO_BROADCAST: %ld %s\n", r, r < 0 ? strerror(errno) : "ok");
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    r = echo(fd, argv[2], 2);
    printf("ping: with SO_BROADCAST: %ld %s\n", r, r < 0 ? strerror(errno) : "ok");
    unsigned char b[100];
    struct pollfd pf = {fd, POLLIN, 0};
    int n = 0;
    while (poll(&pf, 1, 300) > 0 && recv(fd, b, sizeof b, 0) > 0) n++;
    printf("ping: %d replies\n", n);
    return 0;
  }
  return 2;
}
