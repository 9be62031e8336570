/* IP_PKTINFO and IP_RECVTTL at their edges, compared with Linux: a
 * sendmsg's IP_PKTINFO naming a foreign source (ENETUNREACH), an unknown
 * interface (ENODEV), a group source or a short in_pktinfo (EINVAL); IP_TTL
 * control messages out of range or of an unknown type (EINVAL), a valid one
 * setting the TTL the receiver sees; a source chosen by ipi_spec_dst;
 * recvmsg without a control buffer (MSG_CTRUNC); getsockopt into one byte;
 * if_nametoindex/if_indextoname's failures; an AF_INET6 socket's IP_PKTINFO
 * for an IPv4 datagram; a broadcast's local address. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static int try_send(int s, struct sockaddr_in *to, int type, int len, int ifindex, const char *spec, int ttl) {
  union { struct cmsghdr a; char c[64]; } u;
  memset(&u, 0, sizeof u);
  struct iovec iov = {"x", 1};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_name = to; m.msg_namelen = sizeof *to; m.msg_iov = &iov; m.msg_iovlen = 1;
  m.msg_control = u.c; m.msg_controllen = CMSG_SPACE(len);
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = IPPROTO_IP; c->cmsg_type = type; c->cmsg_len = CMSG_LEN(len);
  if (type == IP_PKTINFO && len >= (int)sizeof(struct in_pktinfo)) {
    struct in_pktinfo pi; memset(&pi, 0, sizeof pi); pi.ipi_ifindex = ifindex; inet_pton(AF_INET, spec, &pi.ipi_spec_dst);
    memcpy(CMSG_DATA(c), &pi, sizeof pi);
  } else if (type == IP_TTL) memcpy(CMSG_DATA(c), &ttl, sizeof ttl);
  errno = 0;
  ssize_t r = sendmsg(s, &m, 0);
  printf("sendmsg type %d len %d ifindex %d spec %s ttl %d: %zd %s\n", type, len, ifindex, spec, ttl, r, r < 0 ? strerror(errno) : "ok");
  return (int)r;
}
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(r, (struct sockaddr *)&a, sizeof a);
  socklen_t al = sizeof a; getsockname(r, (struct sockaddr *)&a, &al);
  int on = 1; setsockopt(r, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  try_send(s, &a, IP_PKTINFO, sizeof(struct in_pktinfo), 0, "10.200.1.1", 0);
  try_send(s, &a, IP_PKTINFO, sizeof(struct in_pktinfo), 9999, "0.0.0.0", 0);
  try_send(s, &a, IP_PKTINFO, sizeof(struct in_pktinfo), 0, "224.0.0.1", 0);
  try_send(s, &a, IP_PKTINFO, 8, 0, "0.0.0.0", 0);
  try_send(s, &a, IP_TTL, sizeof(int), 0, "-", 0);
  try_send(s, &a, IP_TTL, sizeof(int), 0, "-", 256);
  try_send(s, &a, 99, sizeof(int), 0, "-", 0);
  try_send(s, &a, IP_TTL, sizeof(int), 0, "-", 3);
  try_send(s, &a, IP_PKTINFO, sizeof(struct in_pktinfo), 1, "127.0.0.5", 0);
  char buf[8]; union { struct cmsghdr a; char c[64]; } u; struct iovec iov = {buf, sizeof buf};
  for (int i = 0; i < 2; i++) {
    struct msghdr m; memset(&m, 0, sizeof m); struct sockaddr_in f; m.msg_name = &f; m.msg_namelen = sizeof f;
    m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = i ? NULL : u.c; m.msg_controllen = i ? 0 : sizeof u.c;
    ssize_t n = recvmsg(r, &m, 0);
    char src[16]; inet_ntop(AF_INET, &f.sin_addr, src, sizeof src);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    printf("recv %zd from %s flags %#x ttl %d\n", n, src, m.msg_flags, c ? *(int *)CMSG_DATA(c) : -1);
  }
  unsigned char b = 9; socklen_t bl = 1;
  getsockopt(r, IPPROTO_IP, IP_RECVTTL, &b, &bl);
  printf("IP_RECVTTL byte %d len %d\n", b, (int)bl);
  printf("lo %u eth-name-too-long %u\n", if_nametoindex("lo"), if_nametoindex("abcdefghijklmnopq"));
  char nm[IF_NAMESIZE];
  printf("index 1 %s\n", if_indextoname(1, nm));
  char *none = if_indextoname(77, nm);
  printf("index 77 %s (%s)\n", none ? "?" : "none", strerror(errno));
  int on6 = 1;
  /* An AF_INET6 socket hears IPv4 datagrams (v4-mapped) and gives IP_PKTINFO for them. */
  int r6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 a6; memset(&a6, 0, sizeof a6); a6.sin6_family = AF_INET6; a6.sin6_addr = in6addr_any;
  bind(r6, (struct sockaddr *)&a6, sizeof a6);
  socklen_t a6l = sizeof a6; getsockname(r6, (struct sockaddr *)&a6, &a6l);
  setsockopt(r6, IPPROTO_IP, IP_PKTINFO, &on6, sizeof on6);
  struct sockaddr_in to4; memset(&to4, 0, sizeof to4); to4.sin_family = AF_INET; to4.sin_port = a6.sin6_port;
  to4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(s, "v4", 2, 0, (struct sockaddr *)&to4, sizeof to4);
  /* A broadcast on lo: the local address is the interface's, the destination the broadcast one. */
  int b1 = 1;
  setsockopt(s, SOL_SOCKET, SO_BROADCAST, &b1, sizeof b1);
  setsockopt(r, IPPROTO_IP, IP_PKTINFO, &on6, sizeof on6);
  int off = 0;
  setsockopt(r, IPPROTO_IP, IP_RECVTTL, &off, sizeof off);
  struct sockaddr_in bc = a; inet_pton(AF_INET, "127.255.255.255", &bc.sin_addr);
  /* r is bound to 127.0.0.1: a broadcast reaches only wildcard-bound sockets, so a second one listens. */
  int rb = socket(AF_INET, SOCK_DGRAM, 0);
  int ra = 1;
  setsockopt(rb, SOL_SOCKET, SO_REUSEADDR, &ra, sizeof ra);
  struct sockaddr_in any = a; any.sin_addr.s_addr = htonl(INADDR_ANY); any.sin_port = htons(0);
  bind(rb, (struct sockaddr *)&any, sizeof any);
  socklen_t rbl = sizeof any; getsockname(rb, (struct sockaddr *)&any, &rbl);
  setsockopt(rb, IPPROTO_IP, IP_PKTINFO, &on6, sizeof on6);
  bc.sin_port = any.sin_port;
  sendto(s, "bc", 2, 0, (struct sockaddr *)&bc, sizeof bc);
  int fds[2] = {r6, rb};
  for (int i = 0; i < 2; i++) {
    struct msghdr m; memset(&m, 0, sizeof m); struct sockaddr_in6 f; m.msg_name = &f; m.msg_namelen = sizeof f;
    m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.c; m.msg_controllen = sizeof u.c;
    ssize_t n = recvmsg(fds[i], &m, 0);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
      struct in_pktinfo pi; memcpy(&pi, CMSG_DATA(c), sizeof pi);
      char d[16], l[16]; inet_ntop(AF_INET, &pi.ipi_addr, d, sizeof d); inet_ntop(AF_INET, &pi.ipi_spec_dst, l, sizeof l);
      printf("recv %zd: level %d type %d ifindex %d to %s local %s\n", n, c->cmsg_level, c->cmsg_type, pi.ipi_ifindex, d, l);
    }
  }
  return 0;
}
