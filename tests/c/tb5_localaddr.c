/* Which local address a connection gets (UNP 4.4, 4.10 and 4.12): a server
 * bound to INADDR_ANY and port 0 learns its port from getsockname (0.0.0.0
 * there), but getsockname on an accepted socket gives the address the
 * client actually reached; on Linux the whole of 127/8 is loopback, so a
 * client connecting to 127.0.0.2 is accepted with that local address. An
 * unbound client's connect() picks both its address and an ephemeral port
 * (printed only as "ephemeral"); getpeername before connect is ENOTCONN.
 * A server bound to one address (127.0.0.3) is not reached through another
 * (ECONNREFUSED); binding to an address no interface has is EADDRNOTAVAIL,
 * and a client can choose its source address by binding before connect. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned short lport;

static const char *show(const struct sockaddr_in *s, char *out) {
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &s->sin_addr, ip, sizeof ip);
  unsigned short port = ntohs(s->sin_port);
  if (port == 0) sprintf(out, "%s:0", ip);
  else if (port == lport) sprintf(out, "%s:server-port", ip);
  else sprintf(out, "%s:ephemeral", ip);
  return out;
}

static struct sockaddr_in addr(const char *ip, unsigned short port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  inet_pton(AF_INET, ip, &a.sin_addr);
  a.sin_port = port;
  return a;
}

static void names(const char *who, int fd) {
  struct sockaddr_in l, p;
  socklen_t ll = sizeof l, pl = sizeof p;
  char b1[40], b2[40];
  getsockname(fd, (struct sockaddr *)&l, &ll);
  int r = getpeername(fd, (struct sockaddr *)&p, &pl);
  if (r < 0) printf("  %s: local %s, peer: %s\n", who, show(&l, b1), strerror(errno));
  else printf("  %s: local %s, peer %s\n", who, show(&l, b1), show(&p, b2));
}

static void attempt(int lfd, const char *ip, const char *from) {
  printf("connect to %s%s%s:\n", ip, from ? " from " : "", from ? from : "");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (from) {
    struct sockaddr_in b = addr(from, 0);
    if (bind(fd, (struct sockaddr *)&b, sizeof b) < 0) { printf("  bind %s: %s\n", from, strerror(errno)); close(fd); return; }
  }
  names("before", fd);
  struct sockaddr_in s = addr(ip, htons(lport));
  if (connect(fd, (struct sockaddr *)&s, sizeof s) < 0) {
    printf("  connect: %s\n", strerror(errno));
    close(fd);
    return;
  }
  names("client", fd);
  int c = accept(lfd, NULL, NULL);
  names("accepted", c);
  close(c);
  close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in any = addr("0.0.0.0", 0);
  bind(lfd, (struct sockaddr *)&any, sizeof any);
  listen(lfd, 5);
  struct sockaddr_in me;
  socklen_t ml = sizeof me;
  getsockname(lfd, (struct sockaddr *)&me, &ml);
  lport = ntohs(me.sin_port);
  printf("listener on INADDR_ANY, port 0 chosen: %s\n", me.sin_port ? "yes" : "no");
  names("listener", lfd);

  attempt(lfd, "127.0.0.1", NULL);
  attempt(lfd, "127.0.0.2", NULL);
  attempt(lfd, "127.0.0.1", "127.0.0.9");
  attempt(lfd, "127.0.0.2", "192.0.2.1");
  close(lfd);

  /* A listener on one loopback address only. */
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in three = addr("127.0.0.3", 0);
  int on = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  bind(lfd, (struct sockaddr *)&three, sizeof three);
  listen(lfd, 5);
  ml = sizeof me;
  getsockname(lfd, (struct sockaddr *)&me, &ml);
  lport = ntohs(me.sin_port);
  names("listener on 127.0.0.3", lfd);
  attempt(lfd, "127.0.0.3", NULL);
  attempt(lfd, "127.0.0.1", NULL);
  close(lfd);
  return 0;
}
