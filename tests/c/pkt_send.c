/* Sending on an AF_PACKET socket. "ping": a hand-made Ethernet + IPv4 +
 * ICMP echo request frame on lo to 127.0.0.1 (SOCK_RAW), then what the same
 * socket sees of it and of the host's echo reply. "arp IFNAME": an ARP
 * request broadcast on that interface (SOCK_DGRAM, the destination in
 * sockaddr_ll). "listen": prints the ARP frames arriving on eth0. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static unsigned short csum(const void *p, int n) {
  const unsigned char *b = p;
  unsigned long s = 0;
  for (int i = 0; i + 1 < n; i += 2) s += (b[i] << 8) | b[i + 1];
  if (n & 1) s += b[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return htons(~s & 0xffff);
}

static void timeout(int fd) {
  struct timeval tv = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "ping";
  unsigned char f[128];
  if (strcmp(mode, "ping") == 0) {
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = (int)if_nametoindex("lo")};
    bind(fd, (struct sockaddr *)&sll, sizeof sll);
    timeout(fd);
    memset(f, 0, sizeof f);
    struct ether_header *eh = (struct ether_header *)f;
    eh->ether_type = htons(ETHERTYPE_IP);
    struct iphdr *ip = (struct iphdr *)(f + 14);
    ip->version = 4;
    ip->ihl = 5;
    ip->tot_len = htons(20 + 8 + 4);
    ip->id = htons(7);
    ip->ttl = 64;
    ip->protocol = IPPROTO_ICMP;
    ip->saddr = ip->daddr = htonl(INADDR_LOOPBACK);
    ip->check = csum(ip, 20);
    struct icmphdr *ic = (struct icmphdr *)(f + 34);
    ic->type = ICMP_ECHO;
    ic->un.echo.id = htons(0x4242);
    ic->un.echo.sequence = htons(1);
    memcpy(f + 42, "abcd", 4);
    ic->checksum = csum(ic, 12);
    ssize_t n = send(fd, f, 46, 0);
    printf("sent %zd\n", n);
    struct sockaddr_ll from;
    socklen_t fl;
    unsigned char buf[256];
    while (fl = sizeof from, (n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl)) > 0) {
      struct iphdr *rip = (struct iphdr *)(buf + 14);
      struct icmphdr *ric = (struct icmphdr *)(buf + 14 + rip->ihl * 4);
      if (ntohs(from.sll_protocol) != ETH_P_IP || rip->protocol != IPPROTO_ICMP || ntohs(ric->un.echo.id) != 0x4242) continue;
      printf("pkttype %d len %zd icmp type %d seq %d\n", from.sll_pkttype, n, ric->type, ntohs(ric->un.echo.sequence));
    }
    return 0;
  }
  if (strcmp(mode, "arp") == 0) {
    int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP));
    struct ether_arp a;
    memset(&a, 0, sizeof a);
    a.arp_hrd = htons(ARPHRD_ETHER);
    a.arp_pro = htons(ETHERTYPE_IP);
    a.arp_hln = ETH_ALEN;
    a.arp_pln = 4;
    a.arp_op = htons(ARPOP_REQUEST);
    inet_pton(AF_INET, "192.168.7.2", a.arp_tpa);
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = (int)if_nametoindex(argc > 2 ? argv[2] : "eth0"), .sll_halen = ETH_ALEN};
    memset(to.sll_addr, 0xff, ETH_ALEN);
    ssize_t n = sendto(fd, &a, sizeof a, 0, (struct sockaddr *)&to, sizeof to);
    printf("arp sent %zd\n", n);
    return 0;
  }
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
  timeout(fd);
  struct sockaddr_ll from;
  socklen_t fl;
  unsigned char buf[256];
  ssize_t n;
  while (fl = sizeof from, (n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl)) > 0) {
    struct ether_arp *a = (struct ether_arp *)(buf + 14);
    char tpa[16];
    inet_ntop(AF_INET, a->arp_tpa, tpa, sizeof tpa);
    printf("arp pkttype %d if %d len %zd dst %02x:%02x src %02x:%02x:%02x:%02x:%02x:%02x op %d who-has %s\n", from.sll_pkttype, from.sll_ifindex, n, buf[0], buf[5], from.sll_addr[0],
           from.sll_addr[1], from.sll_addr[2], from.sll_addr[3], from.sll_addr[4], from.sll_addr[5], ntohs(a->arp_op), tpa);
  }
  printf("listen done\n");
  return 0;
}
