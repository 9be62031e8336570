/* Probes the real network one call at a time: what the --net=real policy
 * lets through and the errno the host's kernel gives. Each command prints
 * one line per attempt: "OP TARGET: ok" or "OP TARGET: ERRNAME (message)".
 * usage: real_probe connect ADDR PORT      TCP connect (AF_INET6 if ADDR has ':')
 *        real_probe sendto ADDR PORT       one UDP datagram
 *        real_probe listen ADDR PORT       bind + listen
 *        real_probe resolve NAME PORT      getaddrinfo, then connect to each answer
 *        real_probe raw                    socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)
 *        real_probe unixdgram PATH         bind an AF_UNIX datagram socket to PATH
 *        real_probe nbconnect ADDR PORT    non-blocking connect, poll for POLLOUT, then SO_ERROR
 *        real_probe rcvtimeo ADDR PORT     connect, SO_RCVTIMEO 200 ms, recv from a silent peer
 *        real_probe udpconn ADDR PORT      connected UDP: send to a port nobody has, then recv (ICMP -> ECONNREFUSED)
 *        real_probe broadcast PORT         sendto 255.255.255.255:PORT without, then with SO_BROADCAST */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EADDRINUSE: return "EADDRINUSE";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EINPROGRESS: return "EINPROGRESS";
    case EAGAIN: return "EAGAIN";
    case ENETUNREACH: return "ENETUNREACH";
    default: return "other";
  }
}
static void report(const char *op, const char *target, int r) {
  if (r == 0) printf("%s %s: ok\n", op, target);
  else printf("%s %s: %s (%s)\n", op, target, ename(errno), strerror(errno));
}

static socklen_t addr(const char *ip, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (strchr(ip, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((unsigned short)port);
    inet_pton(AF_INET6, ip, &a->sin6_addr);
    return sizeof *a;
  }
  struct sockaddr_in *a = (struct sockaddr_in *)ss;
  a->sin_family = AF_INET;
  a->sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, ip, &a->sin_addr);
  return sizeof *a;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *cmd = argv[1];
  char target[300];
  if (argc > 3) snprintf(target, sizeof target, "%s:%s", argv[2], argv[3]);
  if (!strcmp(cmd, "connect") || !strcmp(cmd, "sendto") || !strcmp(cmd, "listen")) {
    struct sockaddr_storage ss;
    socklen_t len = addr(argv[2], atoi(argv[3]), &ss);
    int fd = socket(ss.ss_family, !strcmp(cmd, "sendto") ? SOCK_DGRAM : SOCK_STREAM, 0);
    int r;
    if (!strcmp(cmd, "connect")) r = connect(fd, (struct sockaddr *)&ss, len);
    else if (!strcmp(cmd, "sendto")) r = sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1 ? 0 : -1;
    else {
      r = bind(fd, (struct sockaddr *)&ss, len);
      if (r == 0) r = listen(fd, 5);
    }
    report(cmd, target, r);
    close(fd);
  } else if (!strcmp(cmd, "resolve")) {
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    int e = getaddrinfo(argv[2], argv[3], &hints, &res);
    if (e) { printf("getaddrinfo %s: %s\n", argv[2], gai_strerror(e)); return 0; }
    for (ai = res; ai; ai = ai->ai_next) {
      char host[64];
      getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST);
      int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      snprintf(target, sizeof target, "%s (%s)", argv[2], host);
      report("connect", target, connect(fd, ai->ai_addr, ai->ai_addrlen));
      close(fd);
    }
    freeaddrinfo(res);
  } else if (!strcmp(cmd, "raw")) {
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    report("socket", "SOCK_RAW", fd < 0 ? -1 : 0);
  } else if (!strcmp(cmd, "unixdgram")) {
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, argv[2], sizeof a.sun_path - 1);
    report("bind", argv[2], bind(fd, (struct sockaddr *)&a, sizeof a));
  } else if (!strcmp(cmd, "nbconnect")) {
    struct sockaddr_storage ss;
    socklen_t len = addr(argv[2], atoi(argv[3]), &ss);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    report("connect", target, connect(fd, (struct sockaddr *)&ss, len));
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int n = poll(&p, 1, 5000);
    printf("poll: %d%s%s\n", n, p.revents & POLLOUT ? " POLLOUT" : "", p.revents & POLLERR ? " POLLERR" : "");
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
    errno = err;
    report("SO_ERROR", target, err ? -1 : 0);
  } else if (!strcmp(cmd, "rcvtimeo")) {
    struct sockaddr_storage ss;
    socklen_t len = addr(argv[2], atoi(argv[3]), &ss);
    int fd = socket(ss.ss_family, SOCK_STREAM, 0);
    report("connect", target, connect(fd, (struct sockaddr *)&ss, len));
    struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b[16];
    report("recv", target, recv(fd, b, sizeof b, 0) < 0 ? -1 : 0);
  } else if (!strcmp(cmd, "udpconn")) {
    struct sockaddr_storage ss;
    socklen_t len = addr(argv[2], atoi(argv[3]), &ss);
    int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
    report("connect", target, connect(fd, (struct sockaddr *)&ss, len));
    report("send", target, send(fd, "x", 1, 0) == 1 ? 0 : -1);
    struct timeval tv = { .tv_sec = 2, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b[16];
    report("recv", target, recv(fd, b, sizeof b, 0) < 0 ? -1 : 0);
  } else if (!strcmp(cmd, "broadcast")) {
    snprintf(target, sizeof target, "255.255.255.255:%s", argv[2]);
    struct sockaddr_storage ss;
    socklen_t len = addr("255.255.255.255", atoi(argv[2]), &ss);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    report("sendto", target, sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1 ? 0 : -1);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    report("sendto SO_BROADCAST", target, sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1 ? 0 : -1);
  } else return 2;
  return 0;
}
