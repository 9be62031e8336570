/* Calls the syscall fuzzer (scripts/fuzz.ts) found crashing the host, each
 * printed with its result; the expected output is native Linux's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s = %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void) {
  struct sockaddr_in in = {0};
  in.sin_family = AF_INET;
  in.sin_port = htons(9);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct sockaddr_in6 in6 = {0};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(9);
  char msg[] = "hello";
  struct iovec iov = {msg, 5};

  int u = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("sendto(unix dgram, sockaddr_in)", sendto(u, msg, 5, 0, (struct sockaddr *)&in, sizeof in));
  show("sendto(unix dgram, sockaddr_in6)", sendto(u, msg, 5, 0, (struct sockaddr *)&in6, sizeof in6));
  struct msghdr m = {0};
  m.msg_name = &in;
  m.msg_namelen = sizeof in;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  show("sendmsg(unix dgram, sockaddr_in)", sendmsg(u, &m, 0));
  struct sockaddr_un un = {0};
  un.sun_family = AF_UNIX;
  show("sendto(unix dgram, family only)", sendto(u, msg, 5, 0, (struct sockaddr *)&un, 2));
  struct sockaddr_in unspec = in;
  unspec.sin_family = AF_UNSPEC;
  show("sendto(unix dgram, AF_UNSPEC)", sendto(u, msg, 5, 0, (struct sockaddr *)&unspec, sizeof unspec));
  unspec.sin_family = 99;
  show("sendto(unix dgram, family 99)", sendto(u, msg, 5, 0, (struct sockaddr *)&unspec, sizeof unspec));
  close(u);

  int sp[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) == 0) {
    show("sendto(connected unix dgram, sockaddr_in)", sendto(sp[0], msg, 5, 0, (struct sockaddr *)&in, sizeof in));
    close(sp[0]);
    close(sp[1]);
  }
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0) {
    show("sendto(unix stream pair, sockaddr_in)", sendto(sp[0], msg, 5, 0, (struct sockaddr *)&in, sizeof in));
    close(sp[0]);
    close(sp[1]);
  }
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  show("sendto(unix stream unconnected, sockaddr_in)", sendto(s, msg, 5, MSG_NOSIGNAL, (struct sockaddr *)&in, sizeof in));
  close(s);

  /* SOCK_RAW: a destination of the other IP family (the fuzzer's sendmsg(0, ...) on a raw socket). */
  in6.sin6_addr = in6addr_loopback;
  int r4 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (r4 >= 0) {
    char echo[8] = {8, 0, 0, 0, 0, 1, 0, 1};
    show("sendto(raw inet, sockaddr_in6)", sendto(r4, echo, 8, 0, (struct sockaddr *)&in6, sizeof in6));
    struct iovec eiov = {echo, 8};
    struct msghdr em = {0};
    em.msg_name = &in6;
    em.msg_namelen = sizeof in6;
    em.msg_iov = &eiov;
    em.msg_iovlen = 1;
    show("sendmsg(raw inet, sockaddr_in6)", sendmsg(r4, &em, 0));
    close(r4);
  }
  int r6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  if (r6 >= 0) {
    char echo6[8] = {(char)128, 0, 0, 0, 0, 1, 0, 1};
    show("sendto(raw inet6, sockaddr_in)", sendto(r6, echo6, 8, 0, (struct sockaddr *)&in, sizeof in));
    close(r6);
  }
  return 0;
}
