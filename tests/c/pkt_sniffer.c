/* A textbook packet sniffer: an AF_PACKET SOCK_RAW socket for every
 * protocol (ETH_P_ALL), bound to lo, a recvfrom loop that parses the
 * Ethernet, IPv4, TCP and UDP headers and prints each frame of the test's
 * ports (9000-9009). It stops when nothing arrives for a second
 * (SO_RCVTIMEO). "cooked" as argv[1] uses SOCK_DGRAM (no Ethernet header). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *pkttype(int t) {
  switch (t) {
  case PACKET_HOST: return "host";
  case PACKET_OUTGOING: return "outgoing";
  case PACKET_BROADCAST: return "broadcast";
  case PACKET_MULTICAST: return "multicast";
  default: return "other";
  }
}

int main(int argc, char **argv) {
  int cooked = argc > 1 && strcmp(argv[1], "cooked") == 0;
  int fd = socket(AF_PACKET, cooked ? SOCK_DGRAM : SOCK_RAW, htons(ETH_P_ALL));
  if (fd < 0) {
    printf("socket: %s\n", strerror(errno));
    return 1;
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = if_nametoindex("lo");
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    printf("bind: %s\n", strerror(errno));
    return 1;
  }
  struct timeval tv = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  printf("sniffing on lo\n");
  fflush(stdout);
  unsigned char buf[65536];
  int frames = 0;
  for (;;) {
    struct sockaddr_ll from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) break;
    unsigned char *p = buf;
    unsigned short type = ntohs(from.sll_protocol);
    if (!cooked) {
      struct ethhdr *eth = (struct ethhdr *)buf;
      if (n < (ssize_t)sizeof *eth) continue;
      type = ntohs(eth->h_proto);
      p += sizeof *eth;
    }
    if (type != ETH_P_IP) continue;
    struct iphdr *ip = (struct iphdr *)p;
    unsigned char *l4 = p + ip->ihl * 4;
    char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &ip->saddr, src, sizeof src);
    inet_ntop(AF_INET, &ip->daddr, dst, sizeof dst);
    int total = ntohs(ip->tot_len);
    /* The frame is the whole packet, after the Ethernet header unless cooked. */
    int whole = n == (cooked ? 0 : 14) + total;
    if (ip->protocol == IPPROTO_TCP) {
      struct tcphdr *th = (struct tcphdr *)l4;
      if (ntohs(th->source) / 10 != 900 && ntohs(th->th_dport) / 10 != 900) continue;
      printf("%s if=%d hatype=%d halen=%d whole=%d IP %s:%u > %s:%u TCP%s%s%s%s%s payload=%d\n", pkttype(from.sll_pkttype),
             from.sll_ifindex == (int)if_nametoindex("lo") ? 1 : 0, from.sll_hatype, from.sll_halen, whole,
             src, ntohs(th->source), dst, ntohs(th->dest), th->syn ? " SYN" : "", th->fin ? " FIN" : "", th->rst ? " RST" : "",
             th->psh ? " PSH" : "", (th->th_flags & TH_ACK) ? " ACK" : "", total - ip->ihl * 4 - th->doff * 4);
    } else if (ip->protocol == IPPROTO_UDP) {
      struct udphdr *uh = (struct udphdr *)l4;
      if (ntohs(uh->uh_sport) / 10 != 900 && ntohs(uh->dest) / 10 != 900) continue;
      printf("%s if=%d hatype=%d halen=%d whole=%d IP %s:%u > %s:%u UDP payload=%d\n", pkttype(from.sll_pkttype),
             from.sll_ifindex == (int)if_nametoindex("lo") ? 1 : 0, from.sll_hatype, from.sll_halen, whole,
             src, ntohs(uh->source), dst, ntohs(uh->uh_dport), ntohs(uh->len) - 8);
    } else if (ip->protocol == IPPROTO_ICMP) {
      struct icmphdr *ic = (struct icmphdr *)l4;
      printf("%s IP %s > %s ICMP type %d\n", pkttype(from.sll_pkttype), src, dst, ic->type);
    } else
      continue;
    frames++;
  }
  printf("%d frames\n", frames);
  return 0;
}
