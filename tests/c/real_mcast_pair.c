/* A multicast receiver and a forked sender on this machine's loopback
 * (tests/real-multicast.test.ts runs it natively and on --net=real):
 * the receiver joins 239.255.77.1 on 127.0.0.1 before it binds (Linux
 * takes memberships on an unbound socket), the sender sets
 * IP_MULTICAST_IF 127.0.0.1 and IP_MULTICAST_TTL before its first send,
 * and both read the options back. After IP_DROP_MEMBERSHIP a group
 * datagram no longer arrives: the next one is a unicast marker the sender
 * sends right after it. Pipes order the two processes, no sleeps; the
 * sender prints what it saw once the receiver is done, so the output has
 * one order.
 * Usage: real_mcast_pair PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define GROUP "239.255.77.1"

static char report[256];

static void show(int fd, const char *who) {
  unsigned char ttl = 0, loop = 0;
  struct in_addr ifa = {0};
  socklen_t l1 = 1, l2 = 1, l3 = sizeof ifa;
  getsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, &l1);
  getsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, &l2);
  getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifa, &l3);
  size_t n = strlen(report);
  snprintf(report + n, sizeof report - n, "%s: ttl %u loop %u if %s\n", who, ttl, loop, inet_ntoa(ifa));
}

static void membership(int fd, int name, const char *what) {
  struct ip_mreq m;
  inet_pton(AF_INET, GROUP, &m.imr_multiaddr);
  inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
  printf("%s: %s\n", what, setsockopt(fd, IPPROTO_IP, name, &m, sizeof m) < 0 ? strerror(errno) : "ok");
}

static void receive(int fd) {
  char b[64];
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(fd, b, sizeof b - 1, 0, (struct sockaddr *)&from, &fl);
  if (n < 0) {
    printf("recvfrom: %s\n", strerror(errno));
    exit(1);
  }
  b[n] = 0;
  printf("got \"%s\" from %s\n", b, inet_ntoa(from.sin_addr));
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 45077;
  setvbuf(stdout, NULL, _IONBF, 0);
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  membership(r, IP_ADD_MEMBERSHIP, "join before bind");
  membership(r, IP_ADD_MEMBERSHIP, "join again");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(r, (struct sockaddr *)&a, sizeof a) < 0) {
    printf("bind: %s\n", strerror(errno));
    return 1;
  }
  int go[2], done[2];
  if (pipe(go) < 0 || pipe(done) < 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct in_addr lo;
    inet_pton(AF_INET, "127.0.0.1", &lo);
    unsigned char ttl = 3;
    if (setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo) < 0) printf("IP_MULTICAST_IF: %s\n", strerror(errno));
    if (setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 1) < 0) printf("IP_MULTICAST_TTL: %s\n", strerror(errno));
    show(s, "sender before bind");
    struct sockaddr_in g = a, u = a;
    inet_pton(AF_INET, GROUP, &g.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &u.sin_addr);
    sendto(s, "one", 3, 0, (struct sockaddr *)&g, sizeof g);
    sendto(s, "two", 3, 0, (struct sockaddr *)&g, sizeof g);
    char c;
    if (read(go[0], &c, 1) != 1) return 1;
    show(s, "sender after its sends");
    sendto(s, "three", 5, 0, (struct sockaddr *)&g, sizeof g);
    sendto(s, "marker", 6, 0, (struct sockaddr *)&u, sizeof u);
    close(s);
    if (read(done[0], &c, 1) != 1) return 1;
    fputs(report, stdout);
    return 0;
  }
  receive(r);
  receive(r);
  membership(r, IP_DROP_MEMBERSHIP, "drop");
  membership(r, IP_DROP_MEMBERSHIP, "drop again");
  if (write(go[1], "g", 1) != 1) return 1;
  receive(r);
  if (write(done[1], "d", 1) != 1) return 1;
  int st;
  waitpid(pid, &st, 0);
  printf("sender exited %d\n", WEXITSTATUS(st));
  return 0;
}
