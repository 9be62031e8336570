/* IP_MULTICAST_ALL on an AF_INET6 socket: a dual-stack socket has its own
 * IPv4 flag, 0 (inet6_create leaves inet->mc_all unset), beside
 * IPV6_MULTICAST_ALL (1). So an IPv4 group datagram that reaches the host
 * (another socket joined the group on lo) goes to the member, not to an
 * AF_INET6 socket bound to the same port, until that one turns
 * IP_MULTICAST_ALL on; an AF_INET socket's flag starts at 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock(int family, int port) {
  int on = 1, fd = socket(family, SOCK_DGRAM, 0);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  memset(&a6, 0, sizeof a6), memset(&a4, 0, sizeof a4);
  a6.sin6_family = AF_INET6, a6.sin6_port = htons(port);
  a4.sin_family = AF_INET, a4.sin_port = htons(port);
  int r = family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof a6) : bind(fd, (struct sockaddr *)&a4, sizeof a4);
  if (r < 0) printf("bind: %s\n", strerror(errno));
  return fd;
}

static void flag(int fd, int level, int name, const char *what) {
  int v = -7;
  socklen_t l = sizeof v;
  getsockopt(fd, level, name, &v, &l);
  printf("%s: %d\n", what, v);
}

static void drain(int fd, const char *who) {
  char b[64];
  for (;;) {
    ssize_t n = recv(fd, b, sizeof b - 1, MSG_DONTWAIT);
    if (n < 0) {
      printf("%s: nothing more\n", who);
      return;
    }
    b[n] = 0;
    printf("%s: \"%s\"\n", who, b);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* m joins the group; its port is everyone's. */
  int m = sock(AF_INET, 0);
  struct sockaddr_in ma;
  socklen_t ml = sizeof ma;
  getsockname(m, (struct sockaddr *)&ma, &ml);
  int port = ntohs(ma.sin_port);
  int v4 = sock(AF_INET, port), d6 = sock(AF_INET6, port), d6all = sock(AF_INET6, port);
  flag(v4, IPPROTO_IP, IP_MULTICAST_ALL, "AF_INET IP_MULTICAST_ALL");
  flag(d6, IPPROTO_IP, IP_MULTICAST_ALL, "AF_INET6 IP_MULTICAST_ALL");
  flag(d6, IPPROTO_IPV6, IPV6_MULTICAST_ALL, "AF_INET6 IPV6_MULTICAST_ALL");
  struct ip_mreq mr;
  inet_pton(AF_INET, "239.1.2.3", &mr.imr_multiaddr);
  inet_pton(AF_INET, "127.0.0.1", &mr.imr_interface);
  printf("join: %d\n", setsockopt(m, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr));
  int one = 1, zero = 0;
  printf("IP_MULTICAST_ALL 1 on d6all: %d\n", setsockopt(d6all, IPPROTO_IP, IP_MULTICAST_ALL, &one, sizeof one));
  /* IPV6_MULTICAST_ALL is for IPv6 groups: turning it off changes nothing here. */
  printf("IPV6_MULTICAST_ALL 0 on d6all: %d\n", setsockopt(d6all, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero, sizeof zero));
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &mr.imr_interface, sizeof mr.imr_interface);
  struct sockaddr_in g = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = mr.imr_multiaddr};
  printf("send: %zd\n", sendto(s, "group", 5, 0, (struct sockaddr *)&g, sizeof g));
  struct pollfd pf = {m, POLLIN, 0};
  printf("member readable: %d\n", poll(&pf, 1, 5000));
  drain(m, "member");
  drain(v4, "AF_INET, not a member");
  drain(d6, "AF_INET6, not a member");
  drain(d6all, "AF_INET6 with IP_MULTICAST_ALL");
  close(s), close(m), close(v4), close(d6), close(d6all);
  return 0;
}
