/* An ICMP message to a broadcast address (loopback's 127.255.255.255): a
 * raw socket needs SO_BROADCAST to send it (EACCES otherwise); the packet
 * loops back and raw_v4_input hands it to every raw IPPROTO_ICMP socket of
 * the host, the sender's own included, but not to one bound to another
 * address, nor to a raw socket of another protocol. The host answers no
 * echo request to a broadcast address (icmp_echo_ignore_broadcasts, on by
 * default), while a unicast one gets its reply. (Raw sockets need root
 * natively.) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int raw_socket(int proto, const char *bind_ip) {
  int fd = socket(AF_INET, SOCK_RAW, proto);
  if (bind_ip) {
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, bind_ip, &a.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) printf("bind %s: %s\n", bind_ip, strerror(errno));
  }
  return fd;
}

static unsigned short cksum(unsigned char *b, int n) {
  unsigned long s = 0;
  for (int i = 0; i + 1 < n; i += 2) s += (b[i] << 8) | b[i + 1];
  if (n & 1) s += b[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

/* The ICMP packets the raw socket got whose identifier is ours: addresses, TTL, type, sequence and data. */
static void drain(int fd, const char *name) {
  unsigned char p[2048];
  struct pollfd pf = {fd, POLLIN, 0};
  int n = 0;
  while (poll(&pf, 1, 200) > 0) {
    long len = recv(fd, p, sizeof p, 0);
    if (len < 28 || p[9] != 1) continue;
    int ihl = (p[0] & 15) * 4;
    unsigned char *m = p + ihl;
    if (((m[4] << 8) | m[5]) != 0x5a5a) continue;
    char src[16], dst[16];
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    printf("%s: %ld bytes, %s -> %s ttl %d, icmp type %d seq %d, checksum %s, data \"%.*s\"\n", name, len, src, dst, p[8], m[0], (m[6] << 8) | m[7],
           cksum(m, len - ihl) == 0 ? "ok" : "bad", (int)(len - ihl - 8), (char *)m + 8);
    n++;
  }
  printf("%s: %d packets\n", name, n);
}

/* An echo request with identifier 0x5a5a from fd to ip. */
static void echo(int fd, const char *ip, int seq, const char *data) {
  unsigned char m[64] = {8, 0, 0, 0, 0x5a, 0x5a, 0, (unsigned char)seq};
  int n = 8 + strlen(data);
  memcpy(m + 8, data, strlen(data));
  unsigned short c = cksum(m, n);
  m[2] = c >> 8;
  m[3] = c & 0xff;
  struct sockaddr_in a = {.sin_family = AF_INET};
  inet_pton(AF_INET, ip, &a.sin_addr);
  errno = 0;
  long r = sendto(fd, m, n, 0, (struct sockaddr *)&a, sizeof a);
  printf("echo to %s: %ld %s\n", ip, r, r < 0 ? strerror(errno) : "ok");
}

int main(void) {
  int tx = raw_socket(IPPROTO_ICMP, NULL);
  if (tx < 0) return perror("raw socket"), 1;
  int other = raw_socket(IPPROTO_ICMP, NULL);
  int bound = raw_socket(IPPROTO_ICMP, "127.0.0.1");
  int bcast = raw_socket(IPPROTO_ICMP, "127.255.255.255");
  int udp = raw_socket(IPPROTO_UDP, NULL);
  int one = 1;

  echo(tx, "127.255.255.255", 1, "no SO_BROADCAST");
  drain(other, "other raw icmp");
  setsockopt(tx, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  echo(tx, "127.255.255.255", 2, "broadcast");
  drain(tx, "sender");
  drain(other, "other raw icmp");
  drain(bound, "raw icmp bound to 127.0.0.1");
  drain(bcast, "raw icmp bound to 127.255.255.255");
  drain(udp, "raw udp");

  /* A unicast echo for contrast: the request and the host's reply. */
  echo(tx, "127.0.0.1", 3, "unicast");
  drain(other, "other raw icmp");
  drain(bound, "raw icmp bound to 127.0.0.1");
  drain(bcast, "raw icmp bound to 127.255.255.255");
  return 0;
}
