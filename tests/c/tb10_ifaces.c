/* UNP 17.6: get_ifi_info over SIOCGIFCONF, growing the buffer until two
 * calls agree, then per interface SIOCGIFFLAGS, SIOCGIFMTU, SIOCGIFNETMASK,
 * SIOCGIFBRDADDR (IFF_BROADCAST) or SIOCGIFDSTADDR (IFF_POINTOPOINT) and
 * SIOCGIFHWADDR; prifinfo prints them. Only the loopback interface is
 * printed and asked about (or the one named by argv[1]): it is the one
 * this machine and socklab's virtual host have alike. Then what goes wrong: an unknown name
 * (ENODEV), an address request on an AF_UNIX socket (ENOTTY), a NULL
 * ifreq (EFAULT), and SIOCGIFNAME/SIOCGIFINDEX on lo. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define IFI_NAME 16
#define IFI_HADDR 8

struct ifi_info {
  char ifi_name[IFI_NAME];
  short ifi_index;
  int ifi_mtu; /* UNP's short holds no 65536 */
  unsigned char ifi_haddr[IFI_HADDR];
  unsigned short ifi_hlen;
  short ifi_flags;
  struct sockaddr *ifi_addr;
  struct sockaddr *ifi_brdaddr;
  struct sockaddr *ifi_dstaddr;
  struct sockaddr *ifi_netmask;
  struct ifi_info *ifi_next;
};

static struct sockaddr *copy_sin(const struct sockaddr *sa) {
  struct sockaddr_in *s = calloc(1, sizeof *s);
  memcpy(s, sa, sizeof *s);
  return (struct sockaddr *)s;
}

static struct ifi_info *get_ifi_info(const char *only) {
  int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
  if (sockfd < 0) { perror("socket"); exit(1); }
  int lastlen = 0, len = 100 * sizeof(struct ifreq);
  char *buf;
  struct ifconf ifc;
  for (;;) {
    buf = malloc(len);
    ifc.ifc_len = len;
    ifc.ifc_buf = buf;
    if (ioctl(sockfd, SIOCGIFCONF, &ifc) < 0) {
      if (errno != EINVAL || lastlen != 0) { perror("ioctl SIOCGIFCONF"); exit(1); }
    } else {
      if (ifc.ifc_len == lastlen) break; /* success, len has not changed */
      lastlen = ifc.ifc_len;
    }
    len += 10 * sizeof(struct ifreq);
    free(buf);
  }
  printf("SIOCGIFCONF: %s\n", ifc.ifc_len >= (int)sizeof(struct ifreq) && ifc.ifc_len % sizeof(struct ifreq) == 0 ? "whole structs" : "?");
  struct ifi_info *head = NULL, **next = &head;
  for (char *ptr = buf; ptr < buf + ifc.ifc_len; ptr += sizeof(struct ifreq)) {
    struct ifreq *ifr = (struct ifreq *)ptr;
    if (ifr->ifr_addr.sa_family != AF_INET || strcmp(ifr->ifr_name, only) != 0) continue;
    struct ifreq ifrcopy = *ifr;
    if (ioctl(sockfd, SIOCGIFFLAGS, &ifrcopy) < 0) { perror("SIOCGIFFLAGS"); exit(1); }
    short flags = ifrcopy.ifr_flags;
    if ((flags & IFF_UP) == 0) continue;
    struct ifi_info *ifi = calloc(1, sizeof *ifi);
    *next = ifi;
    next = &ifi->ifi_next;
    ifi->ifi_flags = flags;
    memcpy(ifi->ifi_name, ifr->ifr_name, IFI_NAME);
    ifi->ifi_name[IFI_NAME - 1] = '\0';
    ifi->ifi_index = if_nametoindex(ifr->ifr_name);
    ifrcopy = *ifr;
    if (ioctl(sockfd, SIOCGIFMTU, &ifrcopy) == 0) ifi->ifi_mtu = ifrcopy.ifr_mtu;
    ifi->ifi_addr = copy_sin(&ifr->ifr_addr);
    ifrcopy = *ifr;
    if (ioctl(sockfd, SIOCGIFNETMASK, &ifrcopy) == 0) ifi->ifi_netmask = copy_sin(&ifrcopy.ifr_netmask);
    if (flags & IFF_BROADCAST) {
      ifrcopy = *ifr;
      if (ioctl(sockfd, SIOCGIFBRDADDR, &ifrcopy) == 0) ifi->ifi_brdaddr = copy_sin(&ifrcopy.ifr_broadaddr);
    }
    if (flags & IFF_POINTOPOINT) {
      ifrcopy = *ifr;
      if (ioctl(sockfd, SIOCGIFDSTADDR, &ifrcopy) == 0) ifi->ifi_dstaddr = copy_sin(&ifrcopy.ifr_dstaddr);
    }
    ifrcopy = *ifr;
    if (ioctl(sockfd, SIOCGIFHWADDR, &ifrcopy) == 0) {
      ifi->ifi_hlen = 6;
      memcpy(ifi->ifi_haddr, ifrcopy.ifr_hwaddr.sa_data, 6);
    }
  }
  free(buf);
  close(sockfd);
  return head;
}

static const char *sa(const struct sockaddr *s) {
  static char b[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &((const struct sockaddr_in *)s)->sin_addr, b, sizeof b);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* prifinfo; another interface than lo by name (tests/ifaces.test.ts: a virtual host's eth0) */
  for (struct ifi_info *ifi = get_ifi_info(argc > 1 ? argv[1] : "lo"); ifi; ifi = ifi->ifi_next) {
    printf("%s: ", ifi->ifi_name);
    if (ifi->ifi_index != 0) printf("(%d) ", ifi->ifi_index);
    printf("<");
    if (ifi->ifi_flags & IFF_UP) printf("UP ");
    if (ifi->ifi_flags & IFF_BROADCAST) printf("BCAST ");
    if (ifi->ifi_flags & IFF_MULTICAST) printf("MCAST ");
    if (ifi->ifi_flags & IFF_LOOPBACK) printf("LOOP ");
    if (ifi->ifi_flags & IFF_POINTOPOINT) printf("P2P ");
    if (ifi->ifi_flags & IFF_RUNNING) printf("RUNNING ");
    printf(">\n");
    if (ifi->ifi_hlen > 0) {
      printf("  hwaddr:");
      for (int i = 0; i < ifi->ifi_hlen; i++) printf("%s%02x", i ? ":" : " ", ifi->ifi_haddr[i]);
      printf("\n");
    }
    if (ifi->ifi_mtu != 0) printf("  MTU: %d\n", ifi->ifi_mtu);
    if (ifi->ifi_addr) printf("  IP addr: %s\n", sa(ifi->ifi_addr));
    if (ifi->ifi_netmask) printf("  netmask: %s\n", sa(ifi->ifi_netmask));
    if (ifi->ifi_brdaddr) printf("  broadcast addr: %s\n", sa(ifi->ifi_brdaddr));
    if (ifi->ifi_dstaddr) printf("  destination addr: %s\n", sa(ifi->ifi_dstaddr));
  }

  /* One struct's room: the first address only (lo's, on Linux and socklab). */
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq one[2];
  struct ifconf ifc = {.ifc_len = sizeof(struct ifreq), .ifc_req = one};
  if (ioctl(s, SIOCGIFCONF, &ifc) < 0) perror("SIOCGIFCONF one");
  printf("one: %d struct, %s %s\n", ifc.ifc_len / (int)sizeof(struct ifreq), one[0].ifr_name, sa(&one[0].ifr_addr));
  ifc.ifc_len = sizeof(struct ifreq) - 1;
  int r = ioctl(s, SIOCGIFCONF, &ifc);
  printf("short: %d, ifc_len %d\n", r, ifc.ifc_len);

  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "nosuch0");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) printf("SIOCGIFFLAGS nosuch0: %s\n", strerror(errno));
  if (ioctl(s, SIOCGIFADDR, &ifr) < 0) printf("SIOCGIFADDR nosuch0: %s\n", strerror(errno));
  if (ioctl(s, SIOCGIFMTU, NULL) < 0) printf("SIOCGIFMTU NULL: %s\n", strerror(errno));
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFADDR, &ifr) == 0) printf("SIOCGIFADDR lo: %s\n", sa(&ifr.ifr_addr));
  if (ioctl(s, SIOCGIFDSTADDR, &ifr) == 0) printf("SIOCGIFDSTADDR lo: %s\n", sa(&ifr.ifr_dstaddr));
  if (ioctl(s, SIOCGIFINDEX, &ifr) == 0) printf("SIOCGIFINDEX lo: %d\n", ifr.ifr_ifindex);
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_ifindex = 1;
  if (ioctl(s, SIOCGIFNAME, &ifr) == 0) printf("SIOCGIFNAME 1: %s\n", ifr.ifr_name);
  if (argc > 1) {
    /* The named interface's address (EADDRNOTAVAIL without one) and hardware address. */
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFADDR, &ifr) < 0) printf("SIOCGIFADDR %s: %s\n", argv[1], strerror(errno));
    else printf("SIOCGIFADDR %s: %s\n", argv[1], sa(&ifr.ifr_addr));
    if (ioctl(s, SIOCGIFHWADDR, &ifr) == 0) {
      const unsigned char *m = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
      printf("SIOCGIFHWADDR %s: %d %02x:%02x:%02x:%02x:%02x:%02x\n", argv[1], ifr.ifr_hwaddr.sa_family, m[0], m[1], m[2], m[3], m[4], m[5]);
    }
  }
  close(s);

  int u = socket(AF_UNIX, SOCK_DGRAM, 0);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(u, SIOCGIFADDR, &ifr) < 0) printf("SIOCGIFADDR on AF_UNIX: %s\n", strerror(errno));
  if (ioctl(u, SIOCGIFFLAGS, &ifr) == 0) printf("SIOCGIFFLAGS on AF_UNIX: %#x\n", (unsigned short)ifr.ifr_flags);
  close(u);
  return 0;
}
