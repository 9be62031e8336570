/* socklab guest SDK: <net/if.h>. Interface names and indexes as the host
 * reports them through SIOCGIFINDEX and SIOCGIFNAME (docs/abi.md): on the
 * virtual network every host has lo (index 1) and eth0 (index 2).
 * struct ifreq has the wasm32 layout (32 bytes: the name, then a union
 * whose largest members are a struct sockaddr and a struct ifmap). */
#ifndef _SOCKLAB_NET_IF_H
#define _SOCKLAB_NET_IF_H
#define _NET_IF_H
#include <sys/socket.h>

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

struct ifmap {
  unsigned long int mem_start;
  unsigned long int mem_end;
  unsigned short int base_addr;
  unsigned char irq;
  unsigned char dma;
  unsigned char port;
};

struct ifreq {
  union { char ifrn_name[IFNAMSIZ]; } ifr_ifrn;
  union {
    struct sockaddr ifru_addr;
    struct sockaddr ifru_dstaddr;
    struct sockaddr ifru_broadaddr;
    struct sockaddr ifru_netmask;
    struct sockaddr ifru_hwaddr;
    short int ifru_flags;
    int ifru_ivalue;
    int ifru_mtu;
    struct ifmap ifru_map;
    char ifru_slave[IFNAMSIZ];
    char ifru_newname[IFNAMSIZ];
    char *ifru_data;
  } ifr_ifru;
};
#define ifr_name ifr_ifrn.ifrn_name
#define ifr_ifindex ifr_ifru.ifru_ivalue
#define ifr_addr ifr_ifru.ifru_addr
#define ifr_flags ifr_ifru.ifru_flags
#define ifr_mtu ifr_ifru.ifru_mtu

#ifdef __cplusplus
extern "C" {
#endif

/* glibc's way: a socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC), one ioctl, close; 0 (ENODEV) or NULL (ENXIO) for no such interface. */
unsigned int if_nametoindex(const char *ifname);
char *if_indextoname(unsigned int ifindex, char *ifname);

#ifdef __cplusplus
}
#endif
#endif
