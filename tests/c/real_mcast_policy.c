/* Joining a multicast group on --net=real needs --allow-listen to cover the
 * group (tests/real-multicast.test.ts): IP_ADD_MEMBERSHIP and
 * IPV6_ADD_MEMBERSHIP of groups the policy may or may not allow.
 * Usage: real_mcast_policy */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  const char *groups[] = {"239.255.77.1", "239.255.78.1"};
  for (int i = 0; i < 2; i++) {
    struct ip_mreq m;
    inet_pton(AF_INET, groups[i], &m.imr_multiaddr);
    m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    printf("join %s: %s\n", groups[i], setsockopt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) < 0 ? strerror(errno) : "ok");
  }
  int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct ipv6_mreq m6 = {.ipv6mr_interface = 0};
  inet_pton(AF_INET6, "ff05::77:1", &m6.ipv6mr_multiaddr);
  printf("join ff05::77:1: %s\n", setsockopt(s6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m6, sizeof m6) < 0 ? strerror(errno) : "ok");
  return 0;
}
