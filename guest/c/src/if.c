/* if_nametoindex and if_indextoname as glibc makes them: a datagram socket
 * of its own (__opensock), SIOCGIFINDEX or SIOCGIFNAME, close. The same
 * calls, so a trace shows what a native one does. */
#include <errno.h>
#include <net/if.h>
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
