/* Donahoo & Calvert 7.5's MulticastSender and MulticastReceiver on one
 * host's loopback: the receivers bind the group's port on the wildcard
 * address and join the group (IP_ADD_MEMBERSHIP, the interface named by
 * its address 127.0.0.1); the sender sets the outgoing interface
 * (IP_MULTICAST_IF 127.0.0.1) and a TTL of 1 (IP_MULTICAST_TTL) and sends
 * to the group. What students then find on Linux: joining twice is
 * EADDRINUSE, leaving a group not joined EADDRNOTAVAIL, joining a unicast
 * address EINVAL; IP_MULTICAST_LOOP off changes nothing on lo (the
 * datagram itself comes back in through lo, no looped copy is needed); a
 * socket on the port that never joined gets every datagram too, and one
 * that left goes on getting them, while another socket of the host is a
 * member (IP_MULTICAST_ALL, on by default). The sender is a forked child;
 * the parent reads what each receiver has once it has exited. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define GROUP "239.1.2.3"

static void show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static int joined(const char *name, in_port_t port, int join) {
  int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  int on = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = port;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(sock, (struct sockaddr *)&a, sizeof a) < 0) printf("%s: bind: %s\n", name, strerror(errno));
  if (join) {
    struct ip_mreq joinRequest;
    inet_pton(AF_INET, GROUP, &joinRequest.imr_multiaddr);
    inet_pton(AF_INET, "127.0.0.1", &joinRequest.imr_interface);
    char what[64];
    snprintf(what, sizeof what, "%s: IP_ADD_MEMBERSHIP", name);
    show(what, setsockopt(sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, &joinRequest, sizeof joinRequest));
  }
  return sock;
}

static void drain(const char *name, int sock) {
  int n = 0;
  for (;;) {
    char buf[256];
    ssize_t r = recv(sock, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (r < 0) {
      printf("%s: %d datagram(s), then %s\n", name, n, strerror(errno));
      return;
    }
    buf[r] = '\0';
    printf("%s: Received: %s\n", name, buf);
    n++;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int r1 = joined("receiver 1", 0, 1);
  struct sockaddr_in me;
  socklen_t len = sizeof me;
  getsockname(r1, (struct sockaddr *)&me, &len);
  in_port_t port = me.sin_port;
  int r2 = joined("receiver 2", port, 1);
  int outsider = joined("outsider", port, 0);

  struct ip_mreq m;
  inet_pton(AF_INET, GROUP, &m.imr_multiaddr);
  inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
  show("receiver 1 joins again", setsockopt(r1, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m));
  show("outsider leaves a group it never joined", setsockopt(outsider, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m, sizeof m));
  struct ip_mreq notgroup = m;
  inet_pton(AF_INET, "10.1.2.3", &notgroup.imr_multiaddr);
  show("join a unicast address", setsockopt(outsider, IPPROTO_IP, IP_ADD_MEMBERSHIP, &notgroup, sizeof notgroup));

  /* The sender (in a child, as the book's is another program). */
  pid_t pid = fork();
  if (pid == 0) {
    int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    struct in_addr ifaddr;
    inet_pton(AF_INET, "127.0.0.1", &ifaddr);
    show("sender: IP_MULTICAST_IF", setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof ifaddr));
    unsigned char ttl = 1;
    show("sender: IP_MULTICAST_TTL", setsockopt(sock, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl));
    unsigned char loop = 0;
    socklen_t l = sizeof loop;
    getsockopt(sock, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, &l);
    printf("sender: IP_MULTICAST_LOOP by default: %u (length %u)\n", loop, (unsigned)l);
    struct sockaddr_in dest;
    memset(&dest, 0, sizeof dest);
    dest.sin_family = AF_INET;
    dest.sin_port = port;
    inet_pton(AF_INET, GROUP, &dest.sin_addr);
    show("sender: sendto the group", sendto(sock, "first", 5, 0, (struct sockaddr *)&dest, sizeof dest));
    loop = 0;
    show("sender: IP_MULTICAST_LOOP off", setsockopt(sock, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop));
    show("sender: sendto with loop off", sendto(sock, "not looped", 10, 0, (struct sockaddr *)&dest, sizeof dest));
    loop = 1;
    setsockopt(sock, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
    show("sender: sendto with loop on", sendto(sock, "second", 6, 0, (struct sockaddr *)&dest, sizeof dest));
    close(sock);
    exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("sender exit %d\n", WEXITSTATUS(st));
  drain("receiver 1", r1);
  drain("receiver 2", r2);
  drain("outsider", outsider);

  /* Receiver 2 leaves: the next datagram reaches receiver 1 only. */
  show("receiver 2 leaves", setsockopt(r2, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m, sizeof m));
  int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  struct in_addr ifaddr;
  inet_pton(AF_INET, "127.0.0.1", &ifaddr);
  setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof ifaddr);
  struct sockaddr_in dest;
  memset(&dest, 0, sizeof dest);
  dest.sin_family = AF_INET;
  dest.sin_port = port;
  inet_pton(AF_INET, GROUP, &dest.sin_addr);
  show("sendto the group again", sendto(sock, "third", 5, 0, (struct sockaddr *)&dest, sizeof dest));
  drain("receiver 1", r1);
  drain("receiver 2", r2);
  close(sock);
  close(r1);
  close(r2);
  close(outsider);
  return 0;
}
