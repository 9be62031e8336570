/* if_nametoindex and if_indextoname as glibc makes them: a datagram socket
 * of its own (__opensock), SIOCGIFINDEX or SIOCGIFNAME, close. The same
 * calls, so a trace shows what a native one does. if_nameindex and
 * getifaddrs over the same ioctls (glibc asks netlink, which socklab does
 * not have). */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int opensock(void) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return fd;
}

unsigned int if_nametoindex(const char *ifname) {
  struct ifreq ifr;
  if (strlen(ifname) >= IFNAMSIZ) {
    errno = ENODEV;
    return 0;
  }
  strncpy(ifr.ifr_name, ifname, sizeof ifr.ifr_name);
  int fd = opensock();
  if (fd < 0) return 0;
  if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
    int e = errno;
    close(fd);
    // glibc's if_nametoindex (sysdeps/unix/sysv/linux/if_index.c) reports a kernel without SIOCGIFINDEX this way.
    errno = e == EINVAL ? ENOSYS : e;
    return 0;
  }
  close(fd);
  return (unsigned int)ifr.ifr_ifindex;
}

char *if_indextoname(unsigned int ifindex, char *ifname) {
  int fd = opensock();
  if (fd < 0) return NULL;
  struct ifreq ifr;
  ifr.ifr_ifindex = (int)ifindex;
  int status = ioctl(fd, SIOCGIFNAME, &ifr);
  int e = errno;
  close(fd);
  if (status < 0) {
    errno = e == ENODEV ? ENXIO : e;
    return NULL;
  }
  return strncpy(ifname, ifr.ifr_name, IFNAMSIZ);
}

/* if_nameindex: the interfaces by index, SIOCGIFNAME for 1, 2, ... up to
 * the first index that names none (glibc asks netlink; the virtual
 * network numbers its interfaces without gaps). One allocation, as
 * glibc's: the array, then the names. */
struct if_nameindex *if_nameindex(void) {
  int fd = opensock();
  if (fd < 0) return NULL;
  char names[64][IFNAMSIZ];
  unsigned int n = 0;
  size_t chars = 0;
  for (; n < 64; n++) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_ifindex = (int)(n + 1);
    if (ioctl(fd, SIOCGIFNAME, &ifr) < 0) break;
    memcpy(names[n], ifr.ifr_name, IFNAMSIZ);
    names[n][IFNAMSIZ - 1] = 0;
    chars += strlen(names[n]) + 1;
  }
  int e = errno;
  close(fd);
  if (n == 0 && e != ENODEV) {
    errno = e;
    return NULL;
  }
  struct if_nameindex *idx = malloc((n + 1) * sizeof *idx + chars);
  if (!idx) {
    errno = ENOBUFS;
    return NULL;
  }
  char *p = (char *)(idx + n + 1);
  for (unsigned int i = 0; i < n; i++) {
    idx[i].if_index = i + 1;
    idx[i].if_name = strcpy(p, names[i]);
    p += strlen(names[i]) + 1;
  }
  idx[n].if_index = 0;
  idx[n].if_name = NULL;
  return idx;
}

void if_freenameindex(struct if_nameindex *ptr) {
  free(ptr);
}

/* IFF_LOWER_UP: netlink's flags (what glibc's getifaddrs gives) have it
 * beyond ifr_flags' 16 bits; an interface that is running has its carrier. */
#define IFF_LOWER_UP 0x10000

struct ifaddrs_storage {
  struct ifaddrs ifa;
  struct sockaddr_in addr, netmask, broad;
  char name[IFNAMSIZ];
};

/* getifaddrs over the interface ioctls: SIOCGIFCONF with a NULL buffer for
 * the length, then the list; per address its interface's flags, netmask
 * and broadcast (or point-to-point peer). AF_INET entries only: Linux has
 * no ioctl for IPv6 addresses. One allocation, freed by freeifaddrs. */
int getifaddrs(struct ifaddrs **ifap) {
  *ifap = NULL;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct ifconf ifc;
  ifc.ifc_len = 0;
  ifc.ifc_buf = NULL;
  struct ifreq *reqs = NULL;
  struct ifaddrs_storage *st = NULL;
  int n = 0;
  if (ioctl(fd, SIOCGIFCONF, &ifc) < 0) goto fail;
  if (ifc.ifc_len > 0) {
    reqs = malloc((size_t)ifc.ifc_len);
    if (!reqs) goto nomem;
    ifc.ifc_req = reqs;
    if (ioctl(fd, SIOCGIFCONF, &ifc) < 0) goto fail;
    n = ifc.ifc_len / (int)sizeof(struct ifreq);
  }
  if (n > 0) {
    st = calloc((size_t)n, sizeof *st);
    if (!st) goto nomem;
  }
  for (int i = 0; i < n; i++) {
    struct ifaddrs_storage *s = &st[i];
    struct ifreq ifr;
    memcpy(s->name, reqs[i].ifr_name, IFNAMSIZ);
    s->name[IFNAMSIZ - 1] = 0;
    memcpy(&s->addr, &reqs[i].ifr_addr, sizeof s->addr);
    s->ifa.ifa_name = s->name;
    s->ifa.ifa_addr = (struct sockaddr *)&s->addr;
    s->ifa.ifa_next = i + 1 < n ? &st[i + 1].ifa : NULL;
    memcpy(ifr.ifr_name, s->name, IFNAMSIZ);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) goto fail;
    unsigned int flags = (unsigned short)ifr.ifr_flags;
    s->ifa.ifa_flags = flags & IFF_RUNNING ? flags | IFF_LOWER_UP : flags;
    memcpy(ifr.ifr_name, s->name, IFNAMSIZ);
    if (ioctl(fd, SIOCGIFNETMASK, &ifr) == 0) {
      memcpy(&s->netmask, &ifr.ifr_netmask, sizeof s->netmask);
      s->ifa.ifa_netmask = (struct sockaddr *)&s->netmask;
    }
    unsigned long req = flags & IFF_POINTOPOINT ? SIOCGIFDSTADDR : flags & IFF_BROADCAST ? SIOCGIFBRDADDR : 0;
    memcpy(ifr.ifr_name, s->name, IFNAMSIZ);
    if (req && ioctl(fd, (int)req, &ifr) == 0) {
      memcpy(&s->broad, &ifr.ifr_broadaddr, sizeof s->broad);
      s->ifa.ifa_broadaddr = (struct sockaddr *)&s->broad;
    }
  }
  free(reqs);
  close(fd);
  *ifap = n > 0 ? &st[0].ifa : NULL;
  return 0;
nomem:
  errno = ENOMEM;
fail:;
  int e = errno;
  free(reqs);
  free(st);
  close(fd);
  errno = e;
  return -1;
}

void freeifaddrs(struct ifaddrs *ifa) {
  free(ifa);
}
