/* A UDP server that answers from the address each request was sent to
 * (UNP 22.2's dg_echo with recvfrom_flags, TLPI 59's "which address did
 * the datagram arrive on" exercise): IP_PKTINFO and IP_RECVTTL set on a
 * socket bound to INADDR_ANY, recvmsg with a control buffer, CMSG_FIRSTHDR
 * and CMSG_NXTHDR walked for the destination address, the interface and
 * the TTL. A client's IP_TTL changes what the server sees; a control buffer
 * too small for both messages sets MSG_CTRUNC; the reply goes out with
 * sendmsg and an IP_PKTINFO of its own choosing the source address. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int serve_one(int s, size_t ctlsize) {
  char buf[64];
  struct sockaddr_in from;
  struct iovec iov = {buf, sizeof buf};
  union {
    struct cmsghdr align;
    char ctl[CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))];
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_name = &from;
  m.msg_namelen = sizeof from;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.ctl;
  m.msg_controllen = ctlsize;
  ssize_t n = recvmsg(s, &m, 0);
  if (n < 0) { perror("recvmsg"); return -1; }
  struct in_pktinfo pi;
  int have_pi = 0;
  printf("server: '%.*s'%s\n", (int)n, buf, (m.msg_flags & MSG_CTRUNC) ? " (control truncated)" : "");
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      memcpy(&pi, CMSG_DATA(c), sizeof pi);
      have_pi = 1;
      char dst[INET_ADDRSTRLEN], spec[INET_ADDRSTRLEN], ifname[IF_NAMESIZE];
      inet_ntop(AF_INET, &pi.ipi_addr, dst, sizeof dst);
      inet_ntop(AF_INET, &pi.ipi_spec_dst, spec, sizeof spec);
      printf("  pktinfo: to %s, local %s, interface %s\n", dst, spec, if_indextoname(pi.ipi_ifindex, ifname) ? ifname : "?");
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
      int ttl;
      memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
      printf("  ttl: %d\n", ttl);
    } else {
      printf("  other: level %d type %d\n", c->cmsg_level, c->cmsg_type);
    }
  }
  /* The reply leaves from the address the request came to (a multihomed server's rule). */
  union {
    struct cmsghdr align;
    char ctl[CMSG_SPACE(sizeof(struct in_pktinfo))];
  } out;
  memset(&out, 0, sizeof out);
  char reply[80];
  int rn = snprintf(reply, sizeof reply, "echo %.*s", (int)n, buf);
  struct iovec riov = {reply, (size_t)rn};
  struct msghdr r;
  memset(&r, 0, sizeof r);
  r.msg_name = &from;
  r.msg_namelen = m.msg_namelen;
  r.msg_iov = &riov;
  r.msg_iovlen = 1;
  if (have_pi) {
    r.msg_control = out.ctl;
    r.msg_controllen = sizeof out.ctl;
    struct cmsghdr *c = CMSG_FIRSTHDR(&r);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
    struct in_pktinfo spi;
    memset(&spi, 0, sizeof spi);
    spi.ipi_spec_dst = pi.ipi_addr;
    memcpy(CMSG_DATA(c), &spi, sizeof spi);
  }
  if (sendmsg(s, &r, 0) < 0) perror("sendmsg");
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  bind(s, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &alen);
  int on = 1;
  setsockopt(s, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  int v = -1;
  socklen_t vl = sizeof v;
  getsockopt(s, IPPROTO_IP, IP_PKTINFO, &v, &vl);
  printf("IP_PKTINFO is %d\n", v);

  int sync[2];
  pipe(sync);
  pid_t pid = fork();
  if (pid == 0) {
    close(s);
    close(sync[1]);
    const char *dests[] = {"127.0.0.1", "127.0.0.2", "127.0.0.1"};
    int ttls[] = {64, 7, 64};
    for (int i = 0; i < 3; i++) {
      int c = socket(AF_INET, SOCK_DGRAM, 0);
      if (ttls[i] != 64) setsockopt(c, IPPROTO_IP, IP_TTL, &ttls[i], sizeof ttls[i]);
      struct sockaddr_in to = a;
      inet_pton(AF_INET, dests[i], &to.sin_addr);
      char msg[16];
      int n = snprintf(msg, sizeof msg, "req%d", i);
      sendto(c, msg, n, 0, (struct sockaddr *)&to, sizeof to);
      char buf[80];
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      ssize_t r = recvfrom(c, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
      char src[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &from.sin_addr, src, sizeof src);
      printf("client: '%.*s' from %s\n", (int)r, buf, src);
      close(c);
      char go;
      read(sync[0], &go, 1); /* the server has printed its lines for this one */
    }
    _exit(0);
  }
  close(sync[0]);
  serve_one(s, sizeof(union { struct cmsghdr a; char c[CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))]; }));
  write(sync[1], "g", 1);
  serve_one(s, sizeof(union { struct cmsghdr a; char c[CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))]; }));
  write(sync[1], "g", 1);
  /* Room for the first message only: the kernel sets MSG_CTRUNC and drops the rest. */
  serve_one(s, CMSG_SPACE(sizeof(struct in_pktinfo)));
  write(sync[1], "g", 1);
  int st;
  waitpid(pid, &st, 0);
  /* Switched off again: no control messages. */
  int off = 0;
  setsockopt(s, IPPROTO_IP, IP_PKTINFO, &off, sizeof off);
  setsockopt(s, IPPROTO_IP, IP_RECVTTL, &off, sizeof off);
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = a;
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  sendto(c, "last", 4, 0, (struct sockaddr *)&to, sizeof to);
  serve_one(s, 64);
  close(c);
  close(s);
  printf("done, child status %d\n", WEXITSTATUS(st));
  return 0;
}
