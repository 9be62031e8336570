/* getifaddrs(3)'s man page example (family, address, netmask, flags per
 * entry) and if_nameindex(3)'s, limited to the loopback interface's IPv4
 * entry and index 1: the part this machine and socklab's virtual host
 * have alike (glibc also lists AF_PACKET and AF_INET6 entries). With the
 * argument "all", every entry and interface (tests/ifaces.test.ts). */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *addr(const struct sockaddr *s, char *b) {
  if (!s) return "(none)";
  return inet_ntop(AF_INET, &((const struct sockaddr_in *)s)->sin_addr, b, INET_ADDRSTRLEN);
}

int main(int argc, char **argv) {
  int all = argc > 1 && strcmp(argv[1], "all") == 0;
  struct ifaddrs *ifaddr;
  if (getifaddrs(&ifaddr) == -1) {
    perror("getifaddrs");
    exit(EXIT_FAILURE);
  }
  int n = 0;
  for (struct ifaddrs *ifa = ifaddr; ifa != NULL; ifa = ifa->ifa_next, n++) {
    if (!all && (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET || strcmp(ifa->ifa_name, "lo") != 0)) continue;
    if (ifa->ifa_addr == NULL) continue;
    int family = ifa->ifa_addr->sa_family;
    if (family != AF_INET) {
      printf("%-8s family %d\n", ifa->ifa_name, family);
      continue;
    }
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
    printf("%-8s %s (%d)\n", ifa->ifa_name, family == AF_INET ? "AF_INET" : "???", family);
    printf("\t\taddress: <%s> netmask: <%s> broadcast: <%s>\n", addr(ifa->ifa_addr, a), addr(ifa->ifa_netmask, m),
           ifa->ifa_flags & IFF_BROADCAST ? addr(ifa->ifa_broadaddr, b) : "-");
    printf("\t\tflags: %#x%s%s%s%s%s\n", ifa->ifa_flags, ifa->ifa_flags & IFF_UP ? " UP" : "", ifa->ifa_flags & IFF_LOOPBACK ? " LOOPBACK" : "",
           ifa->ifa_flags & IFF_BROADCAST ? " BROADCAST" : "", ifa->ifa_flags & IFF_MULTICAST ? " MULTICAST" : "", ifa->ifa_flags & IFF_RUNNING ? " RUNNING" : "");
  }
  printf("entries: %s\n", n > 0 ? "some" : "none");
  freeifaddrs(ifaddr);

  struct if_nameindex *if_ni = if_nameindex();
  if (if_ni == NULL) {
    perror("if_nameindex");
    exit(EXIT_FAILURE);
  }
  int count = 0;
  for (struct if_nameindex *i = if_ni; !(i->if_index == 0 && i->if_name == NULL); i++, count++)
    if (all || i->if_index == 1) printf("%u: %s\n", i->if_index, i->if_name);
  printf("interfaces: %s\n", count >= 2 ? "two or more" : "fewer than two");
  if_freenameindex(if_ni);
  char name[IF_NAMESIZE];
  printf("if_indextoname(1): %s, if_nametoindex(\"lo\"): %u\n", if_indextoname(1, name), if_nametoindex("lo"));
  return 0;
}
