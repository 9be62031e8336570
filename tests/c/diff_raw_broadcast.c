/* raw_v4_input hands every arriving packet of its protocol to the raw
 * sockets open for it, broadcast and multicast ones included: a UDP
 * datagram to 127.255.255.255 or to a group the host joined reaches a raw
 * IPPROTO_UDP socket as a whole IPv4 packet (header, UDP header, data),
 * besides the UDP sockets on the port; not a raw socket bound to another
 * address, nor a raw ICMP socket. (Raw sockets need root natively.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 7411

static int raw_socket(int proto, const char *bind_ip) {
  int fd = socket(AF_INET, SOCK_RAW, proto);
  if (bind_ip) {
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, bind_ip, &a.sin_addr);
    bind(fd, (struct sockaddr *)&a, sizeof a);
  }
  return fd;
}

/* The UDP packets to PORT the raw socket got: their addresses, TTL, ports and data. */
static void drain_raw(int fd, const char *name) {
  unsigned char p[2048];
  struct pollfd pf = {fd, POLLIN, 0};
  int n = 0;
  while (poll(&pf, 1, 200) > 0) {
    long len = recv(fd, p, sizeof p, 0);
    if (len < 28) continue;
    int ihl = (p[0] & 15) * 4;
    unsigned char *u = p + ihl;
    if (p[9] != 17 || ((u[2] << 8) | u[3]) != PORT) continue;
    char src[16], dst[16];
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    printf("%s: %ld bytes, %s -> %s ttl %d, udp length %d, data \"%.*s\"\n", name, len, src, dst, p[8], (u[4] << 8) | u[5], (int)(len - ihl - 8), (char *)u + 8);
    n++;
  }
  printf("%s: %d UDP packets to the port\n", name, n);
}

static void drain_udp(int fd, const char *name) {
  char b[64];
  long n;
  while ((n = recv(fd, b, sizeof b, MSG_DONTWAIT)) > 0) printf("%s: \"%.*s\"\n", name, (int)n, b);
}

int main(void) {
  int any = raw_socket(IPPROTO_UDP, NULL);
  int bound = raw_socket(IPPROTO_UDP, "127.0.0.1");
  int icmp = raw_socket(IPPROTO_ICMP, NULL);
  int rx = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
  setsockopt(rx, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr.s_addr = htonl(INADDR_ANY)};
  bind(rx, (struct sockaddr *)&a, sizeof a);

  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(tx, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = htons(7410), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(tx, (struct sockaddr *)&src, sizeof src);
  struct sockaddr_in bc = {.sin_family = AF_INET, .sin_port = htons(PORT)};
  inet_pton(AF_INET, "127.255.255.255", &bc.sin_addr);
  if (sendto(tx, "broadcast", 9, 0, (struct sockaddr *)&bc, sizeof bc) < 0) perror("sendto broadcast");
  drain_raw(any, "raw udp, unbound");
  drain_raw(bound, "raw udp, bound to 127.0.0.1");
  drain_raw(icmp, "raw icmp");
  drain_udp(rx, "udp socket");

  /* A group joined on loopback; the datagram goes out of lo (IP_MULTICAST_IF) and loops back. */
  struct ip_mreq m;
  inet_pton(AF_INET, "239.1.2.3", &m.imr_multiaddr);
  inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
  if (setsockopt(rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) < 0) perror("IP_ADD_MEMBERSHIP");
  struct in_addr lo;
  inet_pton(AF_INET, "127.0.0.1", &lo);
  setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo);
  struct sockaddr_in g = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr = m.imr_multiaddr};
  if (sendto(tx, "group", 5, 0, (struct sockaddr *)&g, sizeof g) < 0) perror("sendto group");
  drain_raw(any, "raw udp, unbound");
  drain_raw(bound, "raw udp, bound to 127.0.0.1");
  drain_raw(icmp, "raw icmp");
  drain_udp(rx, "udp socket");
  return 0;
}
