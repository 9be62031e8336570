/* AF_PACKET calls whose trace and errors do not depend on other traffic:
 * socket's protocol and type checks, bind's sockaddr_ll checks, and a
 * socket of protocol 0, which receives nothing (EAGAIN). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

int main(void) {
  char buf[128];
  show("stream", socket(AF_PACKET, SOCK_STREAM, htons(ETH_P_ALL)));
  show("seqpacket", socket(AF_PACKET, SOCK_SEQPACKET, 0));
  int none = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
  show("raw 0", none);
  show("recv none", (int)recvfrom(none, buf, sizeof buf, 0, NULL, NULL));
  close(none);
  int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
  show("dgram ip", fd);
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ARP);
  sll.sll_ifindex = 999;
  show("bind no such ifindex", bind(fd, (struct sockaddr *)&sll, sizeof sll));
  sll.sll_ifindex = if_nametoindex("lo");
  show("bind short", bind(fd, (struct sockaddr *)&sll, 12));
  sll.sll_family = AF_INET;
  show("bind AF_INET", bind(fd, (struct sockaddr *)&sll, sizeof sll));
  sll.sll_family = AF_PACKET;
  socklen_t len = sizeof sll;
  show("getsockname unbound", getsockname(fd, (struct sockaddr *)&sll, &len));
  printf("len %u ifindex %d halen %d\n", (unsigned)len, sll.sll_ifindex, sll.sll_halen);
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ARP);
  sll.sll_ifindex = if_nametoindex("lo");
  show("bind lo", bind(fd, (struct sockaddr *)&sll, sizeof sll));
  len = sizeof sll;
  show("getsockname", getsockname(fd, (struct sockaddr *)&sll, &len));
  printf("len %u ifindex %d hatype %d halen %d proto %04x\n", (unsigned)len, sll.sll_ifindex, sll.sll_hatype, sll.sll_halen, ntohs(sll.sll_protocol));
  len = sizeof sll;
  show("getpeername", getpeername(fd, (struct sockaddr *)&sll, &len));
  close(fd);
  return 0;
}
