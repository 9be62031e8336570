/* A UDP datagram to a closed port: the ICMP port unreachable that comes
 * back reaches a raw ICMP socket (with its IPv4 header) as well as the
 * connected UDP socket (ECONNREFUSED). The error quotes the offending
 * packet: its IPv4 header and UDP header, then as much data as fits in
 * 576 bytes. (The native run needs root, as a raw socket does.) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char pkt[2000];

static void read_icmp(int raw, const char *what) {
  struct pollfd pf = {raw, POLLIN, 0};
  for (;;) {
    if (poll(&pf, 1, 1000) <= 0) {
      printf("%s: nothing on the raw socket\n", what);
      return;
    }
    long n = recv(raw, pkt, sizeof pkt, 0);
    int ihl = (pkt[0] & 15) * 4;
    unsigned char *icmp = pkt + ihl;
    if (n < ihl + 8 || icmp[0] != 3) continue; /* not a destination unreachable */
    unsigned char *q = icmp + 8;
    int qihl = (q[0] & 15) * 4;
    printf("%s: %ld bytes, tos 0x%02x, type %d code %d, quotes protocol %d to port %d, %ld bytes of the datagram quoted\n", what, n, pkt[1], icmp[0], icmp[1], q[9],
           (q[qihl + 2] << 8) | q[qihl + 3], n - ihl - 8 - qihl);
    return;
  }
}

int main(void) {
  int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (raw < 0) return perror("raw socket"), 1;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(47051); /* nobody listens */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  connect(u, (struct sockaddr *)&a, sizeof a);
  send(u, "knock", 5, 0);
  read_icmp(raw, "small datagram");
  char buf[16];
  errno = 0;
  long r = recv(u, buf, sizeof buf, MSG_DONTWAIT);
  printf("connected UDP socket: %ld %s\n", r, strerror(errno));

  static char big[1000];
  int v = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(v, big, sizeof big, 0, (struct sockaddr *)&a, sizeof a);
  read_icmp(raw, "1000-byte datagram");
  errno = 0;
  r = recv(v, buf, sizeof buf, MSG_DONTWAIT);
  printf("unconnected UDP socket: %ld %s\n", r, strerror(errno));
  return 0;
}
