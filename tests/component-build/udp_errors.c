/* UDP sockets in one process, one line per check, for building both ways
 * (socklab's ABI and --target=component) and natively, and comparing: two
 * sockets on loopback talk, then every error path Linux has a distinct errno
 * for. usage: udp_errors PORT [noicmp] (PORT and PORT + 1 free; nobody on
 * PORT + 2; noicmp leaves out the ICMP check, for runtimes that cannot report it) */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void say(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static struct sockaddr_in at(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static char big[65536];

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int port = argc > 1 ? atoi(argv[1]) : 7000;
  struct sockaddr_in a = at(port), b = at(port + 1), none = at(port + 2), from;
  socklen_t fl;
  char buf[64];
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  int t = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int type = 0;
  socklen_t tl = sizeof type;
  getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &tl);
  printf("SO_TYPE is SOCK_DGRAM: %d\n", type == SOCK_DGRAM);
  say("bind", bind(s, (struct sockaddr *)&a, sizeof a));
  say("bind again", bind(s, (struct sockaddr *)&a, sizeof a));
  say("bind t", bind(t, (struct sockaddr *)&b, sizeof b));
  int x = socket(AF_INET, SOCK_DGRAM, 0);
  say("bind address in use", bind(x, (struct sockaddr *)&a, sizeof a));
  close(x);
  say("listen", listen(s, 1));
  say("accept", accept(s, NULL, NULL));
  say("recv nothing yet, non-blocking", recv(t, buf, sizeof buf, 0));
  say("recv nothing yet, MSG_DONTWAIT", recv(s, buf, sizeof buf, MSG_DONTWAIT));
  say("send unconnected", send(s, "x", 1, 0));
  say("write unconnected", write(s, "x", 1));
  say("send 65508 bytes unconnected", send(s, big, 65508, 0));
  say("sendto MSG_OOB", sendto(s, "x", 1, MSG_OOB, (struct sockaddr *)&b, sizeof b));
  say("sendto port 0", sendto(s, "x", 1, 0, (struct sockaddr *)&(struct sockaddr_in){AF_INET, 0, {htonl(INADDR_LOOPBACK)}}, sizeof a));
  struct sockaddr_in6 six = {0};
  six.sin6_family = AF_INET6;
  say("sendto an IPv6 address", sendto(s, "x", 1, 0, (struct sockaddr *)&six, sizeof six));
  say("sendto a short address", sendto(s, "x", 1, 0, (struct sockaddr *)&b, 8));
  say("sendto 65507 bytes", sendto(s, big, 65507, 0, (struct sockaddr *)&b, sizeof b));
  say("sendto 65508 bytes", sendto(s, big, 65508, 0, (struct sockaddr *)&b, sizeof b));
  struct pollfd p = {t, POLLIN, 0};
  say("poll", poll(&p, 1, 5000));
  printf("revents POLLIN: %d\n", p.revents == POLLIN);
  fl = sizeof from;
  say("recvfrom the big one", recvfrom(t, big, sizeof big, 0, (struct sockaddr *)&from, &fl));
  printf("from s: %d, len %d\n", from.sin_port == a.sin_port && from.sin_addr.s_addr == a.sin_addr.s_addr, (int)fl);
  say("sendto", sendto(s, "hello", 5, 0, (struct sockaddr *)&b, sizeof b));
  say("sendto", sendto(s, "world!", 6, 0, (struct sockaddr *)&b, sizeof b));
  p.revents = 0;
  say("poll", poll(&p, 1, 5000));
  say("recv MSG_PEEK", recv(t, buf, sizeof buf, MSG_PEEK));
  say("recv 3 of 5 MSG_PEEK|MSG_TRUNC", recv(t, buf, 3, MSG_PEEK | MSG_TRUNC));
  say("recv 3 of 5", recv(t, buf, 3, 0));
  printf("got %.3s\n", buf);
  struct iovec iov[2] = {{buf, 2}, {buf + 8, 8}};
  struct msghdr m = {0};
  m.msg_name = &from;
  m.msg_namelen = sizeof from;
  m.msg_iov = iov;
  m.msg_iovlen = 2;
  /* "world!" may still be on its way over a real network (the shim). */
  p.revents = 0;
  poll(&p, 1, 5000);
  say("recvmsg", recvmsg(t, &m, 0));
  printf("scattered %.2s|%.4s, name from s: %d, namelen %d, MSG_TRUNC %d\n", buf, buf + 8, from.sin_port == a.sin_port, (int)m.msg_namelen, !!(m.msg_flags & MSG_TRUNC));
  say("recv empty again", recv(t, buf, sizeof buf, 0));
  struct iovec out[3] = {{"gat", 3}, {"", 0}, {"her", 3}};
  struct msghdr om = {0};
  om.msg_name = &b;
  om.msg_namelen = sizeof b;
  om.msg_iov = out;
  om.msg_iovlen = 3;
  say("sendmsg gathered", sendmsg(s, &om, 0));
  m.msg_iovlen = 1;
  iov[0].iov_len = sizeof buf;
  m.msg_namelen = sizeof from;
  p.revents = 0;
  poll(&p, 1, 5000);
  say("recvmsg", recvmsg(t, &m, 0));
  printf("got %.6s, MSG_TRUNC %d\n", buf, !!(m.msg_flags & MSG_TRUNC));
  /* connect: a peer to send to without an address, and a filter on what arrives. */
  say("getpeername unconnected", getpeername(t, (struct sockaddr *)&from, &fl));
  say("connect", connect(t, (struct sockaddr *)&a, sizeof a));
  fl = sizeof from;
  say("getpeername", getpeername(t, (struct sockaddr *)&from, &fl));
  printf("peer is s: %d\n", from.sin_port == a.sin_port);
  say("send connected", send(t, "ping", 4, 0));
  say("write connected", write(t, "pong", 4));
  struct iovec wv[2] = {{"pe", 2}, {"er", 2}};
  say("writev connected", writev(t, wv, 2));
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  say("a stranger sends to t", sendto(u, "stranger", 8, 0, (struct sockaddr *)&b, sizeof b));
  say("sendto its own peer", sendto(t, "peer", 4, 0, (struct sockaddr *)&a, sizeof a));
  for (int i = 0; i < 4; i++) {
    fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("s got %.*s from t: %d\n", (int)n, buf, from.sin_port == b.sin_port);
  }
  say("send back", sendto(s, "back", 4, 0, (struct sockaddr *)&b, sizeof b));
  p.revents = 0;
  poll(&p, 1, 5000);
  say("send back again", sendto(s, "readv", 5, 0, (struct sockaddr *)&b, sizeof b));
  p.revents = 0;
  poll(&p, 1, 5000);
  say("read connected", read(t, buf, sizeof buf));
  printf("got %.4s (the stranger's datagram was not for it)\n", buf);
  struct iovec rv[2] = {{buf, 3}, {buf + 8, 8}};
  /* Over a real network (the shim) the second datagram may still be on its way: t is non-blocking. */
  p.revents = 0;
  poll(&p, 1, 5000);
  say("readv connected", readv(t, rv, 2));
  printf("got %.3s|%.2s\n", buf, buf + 8);
  struct sockaddr unspec = {AF_UNSPEC};
  say("disconnect", connect(t, &unspec, sizeof unspec));
  say("getpeername after disconnect", getpeername(t, (struct sockaddr *)&from, &fl));
  say("send after disconnect", send(t, "x", 1, 0));
  /* An unbound socket binds on its first send, as Linux does. */
  struct sockaddr_in me;
  socklen_t ml = sizeof me;
  getsockname(u, (struct sockaddr *)&me, &ml);
  printf("u autobound on its first send: %d\n", me.sin_port != 0);
  int v = socket(AF_INET, SOCK_DGRAM, 0);
  ml = sizeof me;
  getsockname(v, (struct sockaddr *)&me, &ml);
  printf("unbound name is 0.0.0.0:%d\n", ntohs(me.sin_port));
  p.fd = v, p.events = POLLIN | POLLOUT, p.revents = 0;
  say("poll unbound", poll(&p, 1, 0));
  printf("revents POLLOUT: %d\n", p.revents == POLLOUT);
  say("recv unbound, MSG_DONTWAIT", recv(v, buf, sizeof buf, MSG_DONTWAIT));
  say("connect unbound", connect(v, (struct sockaddr *)&a, sizeof a));
  ml = sizeof me;
  getsockname(v, (struct sockaddr *)&me, &ml);
  printf("v autobound on connect: %d\n", me.sin_port != 0);
  /* Options. */
  int ttl = 7, got = 0;
  socklen_t gl = sizeof got;
  say("IP_TTL 7", setsockopt(v, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
  say("getsockopt IP_TTL", getsockopt(v, IPPROTO_IP, IP_TTL, &got, &gl));
  printf("IP_TTL is %d\n", got);
  ttl = 0;
  say("IP_TTL 0", setsockopt(v, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
  int sz = 65536;
  say("SO_RCVBUF", setsockopt(v, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz));
  say("SO_SNDBUF", setsockopt(v, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz));
  gl = sizeof got;
  say("getsockopt SO_RCVBUF", getsockopt(v, SOL_SOCKET, SO_RCVBUF, &got, &gl) < 0 ? -1 : got >= 65536);
  say("TCP_NODELAY on UDP", setsockopt(v, IPPROTO_TCP, 1, &sz, sizeof sz));
  /* shutdown: Linux marks even an unconnected socket (and says ENOTCONN). */
  say("shutdown unconnected", shutdown(u, SHUT_RDWR));
  say("recv after shutdown", recv(u, buf, sizeof buf, 0));
  say("sendto after shutdown", sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
  say("shutdown connected", shutdown(v, SHUT_WR));
  say("send after SHUT_WR", send(v, "x", 1, 0));
  /* A connected socket learns from ICMP that nobody listens. */
  int w = socket(AF_INET, SOCK_DGRAM, 0);
  if (argc < 3 || strcmp(argv[2], "noicmp")) {
    say("connect to nobody", connect(w, (struct sockaddr *)&none, sizeof none));
    say("send to nobody", send(w, "x", 1, 0));
    p.fd = w, p.events = POLLIN, p.revents = 0;
    say("poll", poll(&p, 1, 5000));
    say("recv refused", recv(w, buf, sizeof buf, 0));
  }
  /* IPv6: a datagram to itself on ::1, its source, and IPv6's larger limit. */
  int six6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 l6 = {0}, f6;
  l6.sin6_family = AF_INET6;
  l6.sin6_addr = in6addr_loopback;
  l6.sin6_port = htons((unsigned short)port);
  say("bind ::1", bind(six6, (struct sockaddr *)&l6, sizeof l6));
  say("sendto 65528 bytes on IPv6", sendto(six6, big, 65528, 0, (struct sockaddr *)&l6, sizeof l6));
  say("sendto itself", sendto(six6, "six", 3, 0, (struct sockaddr *)&l6, sizeof l6));
  socklen_t f6l = sizeof f6;
  say("recvfrom itself", recvfrom(six6, buf, sizeof buf, 0, (struct sockaddr *)&f6, &f6l));
  printf("from itself: %d, len %d\n", f6.sin6_family == AF_INET6 && !memcmp(&f6.sin6_addr, &in6addr_loopback, 16) && f6.sin6_port == l6.sin6_port, (int)f6l);
  int hops = 9;
  say("IPV6_UNICAST_HOPS 9", setsockopt(six6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops));
  close(six6);
  say("close", close(s));
  say("send after close", send(s, "x", 1, 0));
  close(t), close(u), close(v), close(w);
  return 0;
}
