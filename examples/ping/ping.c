// run: localhost 2
/* ping, as a sockets textbook writes it: a raw ICMP socket, an echo request
 * with a checksum, and the replies read back with their IPv4 header.
 * usage: ping HOST [COUNT] */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static unsigned short cksum(const unsigned char *b, int n) {
  unsigned long sum = 0;
  for (int i = 0; i + 1 < n; i += 2) sum += (unsigned)(b[i] << 8 | b[i + 1]);
  if (n & 1) sum += (unsigned)b[n - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (unsigned short)~sum;
}

int main(int argc, char **argv) {
  int count = argc > 2 ? atoi(argv[2]) : 2;
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_RAW;
  hints.ai_protocol = IPPROTO_ICMP;
  int rc = getaddrinfo(argv[1], NULL, &hints, &res);
  if (rc) { printf("getaddrinfo: %s\n", gai_strerror(rc)); return 2; }
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (fd < 0) { printf("socket: %s\n", strerror(errno)); return 1; }
  struct timeval tv = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (int seq = 1; seq <= count; seq++) {
    unsigned char pkt[16] = {8, 0, 0, 0, 0x12, 0x34, 0, (unsigned char)seq, 'p', 'i', 'n', 'g', '!', '!', '!', '!'};
    unsigned short c = cksum(pkt, sizeof pkt);
    pkt[2] = (unsigned char)(c >> 8);
    pkt[3] = (unsigned char)c;
    if (sendto(fd, pkt, sizeof pkt, 0, res->ai_addr, res->ai_addrlen) < 0) { printf("sendto: %s\n", strerror(errno)); return 1; }
    for (;;) {
      unsigned char buf[128];
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
      if (n < 0) { printf("seq %d: %s\n", seq, strerror(errno)); break; }
      int hl = (buf[0] & 0xf) * 4;
      unsigned char *icmp = buf + hl;
      printf("%zd bytes from %s: ip header %d bytes, ttl %d, icmp type %d code %d id 0x%02x%02x seq %d, checksum %s\n",
             n, inet_ntoa(from.sin_addr), hl, buf[8], icmp[0], icmp[1], icmp[4], icmp[5], icmp[7], cksum(icmp, (int)n - hl) == 0 ? "ok" : "bad");
      if (icmp[0] == 0) break;
    }
  }
  freeaddrinfo(res);
  return 0;
}
