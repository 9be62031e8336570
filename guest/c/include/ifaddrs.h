/* socklab guest SDK: <ifaddrs.h>. getifaddrs lists the host's interfaces
 * from the interface ioctls (SIOCGIFCONF, then SIOCGIFFLAGS,
 * SIOCGIFNETMASK, SIOCGIFBRDADDR/SIOCGIFDSTADDR per address): one AF_INET
 * entry per IPv4 address, in the kernel's order (docs/abi.md). */
#ifndef _IFADDRS_H
#define _IFADDRS_H
#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ifaddrs {
  struct ifaddrs *ifa_next;
  char *ifa_name;
  unsigned int ifa_flags;
  struct sockaddr *ifa_addr;
  struct sockaddr *ifa_netmask;
  union {
    struct sockaddr *ifu_broadaddr;
    struct sockaddr *ifu_dstaddr;
  } ifa_ifu;
  void *ifa_data;
};
#define ifa_broadaddr ifa_ifu.ifu_broadaddr
#define ifa_dstaddr ifa_ifu.ifu_dstaddr

int getifaddrs(struct ifaddrs **ifap);
void freeifaddrs(struct ifaddrs *ifa);

#ifdef __cplusplus
}
#endif
#endif
