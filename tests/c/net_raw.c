// run:
/* Raw IP sockets on loopback (the native run needs root, as ping's raw
 * socket does): protocol checks, an ICMP echo answered by the host with
 * the IPv4 header on receive, IP_HDRINCL defaults, a hand-built IPv4
 * header with IP_HDRINCL, and ICMPv6 echo without an IP header. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, long r) { printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok"); }
static unsigned short csum(const void *p, int n) {
  const unsigned char *b = p;
  unsigned long s = 0;
  for (int i = 0; i + 1 < n; i += 2) s += (b[i] << 8) | b[i + 1];
  if (n & 1) s += b[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (unsigned short)~s;
}
static int geti(int fd, int level, int name) {
  int v = -1;
  socklen_t l = sizeof v;
  getsockopt(fd, level, name, &v, &l);
  return v;
}
/* Waits for an echo reply with our id; returns the received length or -1. */
static long reply(int fd, int id, int v6, unsigned char *buf, int cap) {
  for (int tries = 0; tries < 20; tries++) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) return -1;
    long n = recv(fd, buf, cap, 0);
    if (n < 0) return -1;
    int off = v6 ? 0 : (buf[0] & 0xf) * 4;
    int type = buf[off];
    int rid = (buf[off + 4] << 8) | buf[off + 5];
    if (type == (v6 ? 129 : 0) && rid == id) return n;
  }
  return -1;
}

int main(void) {
  errno = 0;
  int bad = socket(AF_INET, SOCK_RAW, 0);
  show("raw with protocol 0", bad);
  show("raw with protocol 256", socket(AF_INET, SOCK_RAW, 256));
  int r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  show("raw ICMP", r);
  printf("SO_TYPE %d SO_PROTOCOL %d IP_HDRINCL %d\n", geti(r, SOL_SOCKET, SO_TYPE), geti(r, SOL_SOCKET, SO_PROTOCOL), geti(r, IPPROTO_IP, IP_HDRINCL));
  int rr = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  printf("IPPROTO_RAW has IP_HDRINCL %d\n", geti(rr, IPPROTO_IP, IP_HDRINCL));

  unsigned char msg[16] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', 'p', 'i', 'n', 'g'};
  unsigned short c = csum(msg, sizeof msg);
  msg[2] = c >> 8;
  msg[3] = c & 0xff;
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  long n = sendto(r, msg, sizeof msg, 0, (struct sockaddr *)&to, sizeof to);
  printf("sent echo request: %ld\n", n);
  unsigned char buf[256];
  n = reply(r, 0x1234, 0, buf, sizeof buf);
  printf("echo reply: %ld bytes, IPv4 header %d bytes, protocol %d, payload kept %s\n", n, (buf[0] & 0xf) * 4, buf[9], n > 0 && memcmp(buf + 28, "pingping", 8) == 0 ? "yes" : "no");

  /* IP_HDRINCL: our own header (Linux fills in the checksum and total length) */
  unsigned char pkt[20 + 16];
  memset(pkt, 0, 20);
  pkt[0] = 0x45;
  pkt[8] = 64;
  pkt[9] = IPPROTO_ICMP;
  memcpy(pkt + 12, &to.sin_addr, 4);
  memcpy(pkt + 16, &to.sin_addr, 4);
  memcpy(pkt + 20, msg, 16);
  pkt[20 + 5] = 0x35; /* another id */
  pkt[22] = pkt[23] = 0;
  c = csum(pkt + 20, 16);
  pkt[22] = c >> 8;
  pkt[23] = c & 0xff;
  n = sendto(rr, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to);
  printf("sent with IP_HDRINCL: %ld\n", n);
  n = reply(r, 0x1235, 0, buf, sizeof buf);
  printf("its echo reply: %ld bytes\n", n);
  close(rr);
  close(r);

  int r6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  show("raw ICMPv6", r6);
  unsigned char m6[12] = {128, 0, 0, 0, 0x56, 0x78, 0, 1, 'v', 's', 'i', 'x'};
  struct sockaddr_in6 t6;
  memset(&t6, 0, sizeof t6);
  t6.sin6_family = AF_INET6;
  t6.sin6_addr = in6addr_loopback;
  n = sendto(r6, m6, sizeof m6, 0, (struct sockaddr *)&t6, sizeof t6);
  printf("sent ICMPv6 echo request: %ld\n", n);
  n = reply(r6, 0x5678, 1, buf, sizeof buf);
  printf("ICMPv6 echo reply: %ld bytes (no IP header), payload kept %s\n", n, n > 0 && memcmp(buf + 8, "vsix", 4) == 0 ? "yes" : "no");
  close(r6);
  return 0;
}
