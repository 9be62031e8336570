/* ICMP_FILTER (raw(7), linux/icmp.h) on raw IPPROTO_ICMP sockets: a set
 * bit n drops arriving ICMP messages of type n (n < 32); higher types pass
 * whatever the mask; a message too short for the 8-byte ICMP header reaches
 * no raw ICMP socket at all. Each socket has its own mask: here an echo
 * request to 127.0.0.1 and its reply reach the unfiltered socket, the
 * filtered one only what it lets through. (Raw sockets need root natively;
 * only messages carrying this program's identifier are shown.) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif
#define ID 0x51c8

static unsigned short cksum(unsigned char *b, int n) {
  unsigned long s = 0;
  for (int i = 0; i + 1 < n; i += 2) s += (b[i] << 8) | b[i + 1];
  if (n & 1) s += b[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

static void sendicmp(int fd, int type, int seq, int len) {
  unsigned char m[8] = {type, 0, 0, 0, ID >> 8, ID & 0xff, 0, seq};
  unsigned short c = cksum(m, len);
  m[2] = c >> 8, m[3] = c & 0xff;
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  errno = 0;
  ssize_t n = sendto(fd, m, len, 0, (struct sockaddr *)&to, sizeof to);
  printf("send type %d seq %d (%d bytes): %zd %s\n", type, seq, len, n, n < 0 ? strerror(errno) : "ok");
}

/* The messages queued on fd that carry our identifier (or are too short to carry one), without waiting. */
static void drain(int fd, const char *who) {
  unsigned char p[2048];
  int n = 0;
  for (;;) {
    ssize_t r = recv(fd, p, sizeof p, MSG_DONTWAIT);
    if (r < 0) break;
    int ihl = (p[0] & 15) * 4;
    unsigned char *icmp = p + ihl;
    if (r - ihl < 8) {
      printf("%s: %zd-byte message\n", who, r - ihl);
      n++;
      continue;
    }
    if (((icmp[4] << 8) | icmp[5]) != ID) continue;
    printf("%s: type %d seq %d\n", who, icmp[0], icmp[7]);
    n++;
  }
  printf("%s: %d messages\n", who, n);
}

static void filter(int fd, unsigned mask) {
  printf("filter %#x: %d\n", mask, setsockopt(fd, 255, ICMP_FILTER, &mask, sizeof mask));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int a = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), b = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  /* Echo requests (8) dropped on a: it sees the reply (0) only. */
  filter(a, 1u << 8);
  sendicmp(b, 8, 1, 8);
  drain(a, "a");
  drain(b, "b");
  /* Both dropped; a type past 31 passes. */
  filter(a, 1u << 8 | 1u << 0);
  sendicmp(b, 8, 2, 8);
  sendicmp(b, 200, 3, 8);
  drain(a, "a");
  drain(b, "b");
  /* Every type below 32 dropped on a; b drops timestamp requests (13). */
  filter(a, 0xffffffff);
  filter(b, 1u << 13);
  sendicmp(b, 13, 4, 8);
  sendicmp(b, 8, 5, 8);
  drain(a, "a");
  drain(b, "b");
  /* Too short for an ICMP header: no raw socket takes it, filtered or not. */
  filter(b, 0);
  sendicmp(b, 8, 6, 4);
  drain(a, "a");
  drain(b, "b");
  /* Part of a mask: one byte of four sets the low byte only (types 0-7 pass again on a). */
  unsigned char low = 0;
  printf("filter one byte: %d\n", setsockopt(a, 255, ICMP_FILTER, &low, 1));
  unsigned got = 0;
  socklen_t gl = sizeof got;
  getsockopt(a, 255, ICMP_FILTER, &got, &gl);
  printf("filter now %#x (%d bytes)\n", got, (int)gl);
  sendicmp(b, 8, 7, 8);
  drain(a, "a");
  drain(b, "b");
  close(a), close(b);
  return 0;
}
