/* Membership changes that make a host send IGMPv3/MLDv2 reports, and ones
 * that do not (tests/mcast-reports.test.ts reads the pcap): joins on eth0
 * (two groups at once: one report), on lo, of the all-hosts and all-nodes
 * groups and an interface-local one (never reported), a second member of a
 * group (no report), a drop that leaves a member behind (no report), an
 * IPV6_LEAVE_GROUP, and leaves by close() and by exit. Sleeps are on the
 * virtual clock. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void v4(int fd, int name, const char *group, const char *iface) {
  struct ip_mreq m;
  inet_pton(AF_INET, group, &m.imr_multiaddr);
  inet_pton(AF_INET, iface, &m.imr_interface);
  int r = setsockopt(fd, IPPROTO_IP, name, &m, sizeof m);
  printf("%s %s on %s: %s\n", name == IP_ADD_MEMBERSHIP ? "join" : "drop", group, iface, r < 0 ? strerror(errno) : "ok");
}
static void v6(int fd, int name, const char *group, int index) {
  struct ipv6_mreq m;
  inet_pton(AF_INET6, group, &m.ipv6mr_multiaddr);
  m.ipv6mr_interface = index;
  int r = setsockopt(fd, IPPROTO_IPV6, name, &m, sizeof m);
  printf("%s %s on %d: %s\n", name == IPV6_JOIN_GROUP ? "join" : "leave", group, index, r < 0 ? strerror(errno) : "ok");
}
static void pause_s(int s) {
  struct timespec t = {s, 0};
  nanosleep(&t, NULL);
}

int main(void) {
  int s1 = socket(AF_INET, SOCK_DGRAM, 0), s2 = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
  v4(s1, IP_ADD_MEMBERSHIP, "239.1.2.3", "0.0.0.0");
  v4(s1, IP_ADD_MEMBERSHIP, "239.1.2.5", "0.0.0.0");
  v4(s1, IP_ADD_MEMBERSHIP, "224.0.0.1", "0.0.0.0");
  v4(s1, IP_ADD_MEMBERSHIP, "239.1.2.4", "127.0.0.1");
  v4(s2, IP_ADD_MEMBERSHIP, "239.1.2.3", "0.0.0.0");
  v6(s6, IPV6_JOIN_GROUP, "ff05::1:3", 0);
  v6(s6, IPV6_JOIN_GROUP, "ff02::1", 0);
  v6(s6, IPV6_JOIN_GROUP, "ff01::5", 0);
  pause_s(3);
  v4(s1, IP_DROP_MEMBERSHIP, "239.1.2.3", "0.0.0.0");
  v6(s6, IPV6_LEAVE_GROUP, "ff05::1:3", 0);
  close(s2);
  printf("closed the other member of 239.1.2.3\n");
  pause_s(3);
  printf("exit\n");
  return 0;
}
