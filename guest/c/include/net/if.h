/* socklab guest SDK: <net/if.h>. Interface names and indexes as the host
 * reports them through SIOCGIFINDEX and SIOCGIFNAME (docs/abi.md): on the
 * virtual network every host has lo (index 1) and eth0 (index 2).
 * struct ifconf is wasm32's (8 bytes: ifc_len, then the buffer pointer).
 * struct ifreq has the wasm32 layout (32 bytes: the name, then a union
 * whose largest members are a struct sockaddr and a struct ifmap). */
#ifndef _SOCKLAB_NET_IF_H
#define _SOCKLAB_NET_IF_H
#define _NET_IF_H
#include <sys/socket.h>

#define IF_NAMESIZE 16

/* Interface flags (ifr_flags, ifa_flags): Linux's values. */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_DEBUG 0x4
#define IFF_LOOPBACK 0x8
#define IFF_POINTOPOINT 0x10
#define IFF_NOTRAILERS 0x20
#define IFF_RUNNING 0x40
#define IFF_NOARP 0x80
#define IFF_PROMISC 0x100
#define IFF_ALLMULTI 0x200
#define IFF_MASTER 0x400
#define IFF_SLAVE 0x800
#define IFF_MULTICAST 0x1000
#define IFF_PORTSEL 0x2000
#define IFF_AUTOMEDIA 0x4000
#define IFF_DYNAMIC 0x8000

struct if_nameindex {
  unsigned int if_index;
  char *if_name;
};
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
#define ifr_dstaddr ifr_ifru.ifru_dstaddr
#define ifr_broadaddr ifr_ifru.ifru_broadaddr
#define ifr_netmask ifr_ifru.ifru_netmask
#define ifr_hwaddr ifr_ifru.ifru_hwaddr
#define ifr_flags ifr_ifru.ifru_flags
#define ifr_metric ifr_ifru.ifru_ivalue
#define ifr_mtu ifr_ifru.ifru_mtu
#define ifr_map ifr_ifru.ifru_map
#define ifr_slave ifr_ifru.ifru_slave
#define ifr_data ifr_ifru.ifru_data
#define ifr_newname ifr_ifru.ifru_newname
#define ifr_bandwidth ifr_ifru.ifru_ivalue
#define ifr_qlen ifr_ifru.ifru_ivalue

struct ifconf {
  int ifc_len;
  union {
    char *ifcu_buf;
    struct ifreq *ifcu_req;
  } ifc_ifcu;
};
#define ifc_buf ifc_ifcu.ifcu_buf
#define ifc_req ifc_ifcu.ifcu_req

#ifdef __cplusplus
extern "C" {
#endif

/* glibc's way: a socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC), one ioctl, close; 0 (ENODEV) or NULL (ENXIO) for no such interface. */
unsigned int if_nametoindex(const char *ifname);
char *if_indextoname(unsigned int ifindex, char *ifname);
/* Every interface, by index, ending with {0, NULL}; NULL with errno on failure. */
struct if_nameindex *if_nameindex(void);
void if_freenameindex(struct if_nameindex *ptr);

#ifdef __cplusplus
}
#endif
#endif
