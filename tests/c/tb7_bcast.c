/* Donahoo & Calvert 7.4's BroadcastSender and BroadcastReceiver, on
 * loopback's broadcast address 127.255.255.255 (the book sends to
 * 255.255.255.255, which leaves by the default route's interface, not
 * loopback). Without SO_BROADCAST a sendto() to a broadcast address is
 * refused (EACCES); with it, every socket bound to the port on the
 * wildcard address gets its own copy: two receivers that share the port
 * with SO_REUSEADDR (the book's receiver runs once per host; here two
 * receivers on one). A socket bound to the port on 127.0.0.1 itself does
 * not (a broadcast is addressed to 127.255.255.255, not to it); a socket
 * bound to 127.255.255.255 does. A connect()ed broadcast socket needs
 * SO_BROADCAST too. The receivers learn of each datagram with recvfrom,
 * which says which local port sent it. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXSTRINGLENGTH 255

static void show(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static int receiver(const char *addr, in_port_t port, int reuse) {
  int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  int on = 1;
  if (reuse) setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = port;
  inet_pton(AF_INET, addr, &a.sin_addr);
  if (bind(sock, (struct sockaddr *)&a, sizeof a) < 0) {
    printf("bind %s: %s\n", addr, strerror(errno));
    exit(1);
  }
  return sock;
}

/* What one receiver has queued, without blocking: each datagram and whether it came from the sender's port. */
static void drain(const char *name, int sock, in_port_t from) {
  int n = 0;
  for (;;) {
    char buf[MAXSTRINGLENGTH + 1];
    struct sockaddr_in src;
    socklen_t len = sizeof src;
    ssize_t r = recvfrom(sock, buf, MAXSTRINGLENGTH, MSG_DONTWAIT, (struct sockaddr *)&src, &len);
    if (r < 0) {
      printf("%s: %d datagram(s), then %s\n", name, n, strerror(errno));
      return;
    }
    buf[r] = '\0';
    char who[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &src.sin_addr, who, sizeof who);
    printf("%s: Received: %s (from %s, the sender's port: %s)\n", name, buf, who, src.sin_port == from ? "yes" : "no");
    n++;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* The receivers' port: the first one's, which binds port 0. */
  int r1 = receiver("0.0.0.0", 0, 1);
  struct sockaddr_in me;
  socklen_t len = sizeof me;
  getsockname(r1, (struct sockaddr *)&me, &len);
  in_port_t port = me.sin_port;
  int r2 = receiver("0.0.0.0", port, 1);
  int rl = receiver("127.0.0.1", port, 1);
  int rb = receiver("127.255.255.255", port, 1);

  int sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  struct sockaddr_in broadcastAddr;
  memset(&broadcastAddr, 0, sizeof broadcastAddr);
  broadcastAddr.sin_family = AF_INET;
  broadcastAddr.sin_port = port;
  inet_pton(AF_INET, "127.255.255.255", &broadcastAddr.sin_addr);
  const char *sendString = "broadcast";
  show("sendto without SO_BROADCAST", sendto(sock, sendString, strlen(sendString), 0, (struct sockaddr *)&broadcastAddr, sizeof broadcastAddr));
  int broadcastPerm = 1, v = -1;
  len = sizeof v;
  getsockopt(sock, SOL_SOCKET, SO_BROADCAST, &v, &len);
  printf("SO_BROADCAST before: %d\n", v);
  show("setsockopt SO_BROADCAST", setsockopt(sock, SOL_SOCKET, SO_BROADCAST, &broadcastPerm, sizeof broadcastPerm));
  len = sizeof v;
  getsockopt(sock, SOL_SOCKET, SO_BROADCAST, &v, &len);
  printf("SO_BROADCAST after: %d\n", v);
  /* The book's sender repeats every 3 seconds; three sends here. */
  for (int i = 0; i < 3; i++) {
    char msg[32];
    snprintf(msg, sizeof msg, "%s %d", sendString, i);
    show("sendto the broadcast address", sendto(sock, msg, strlen(msg), 0, (struct sockaddr *)&broadcastAddr, sizeof broadcastAddr));
  }
  len = sizeof me;
  getsockname(sock, (struct sockaddr *)&me, &len);
  in_port_t from = me.sin_port;

  /* Loopback delivers before sendto returns, so what each receiver has is there now. */
  struct pollfd pf[4] = {{r1, POLLIN, 0}, {r2, POLLIN, 0}, {rl, POLLIN, 0}, {rb, POLLIN, 0}};
  printf("poll: %d ready\n", poll(pf, 4, 0));
  drain("receiver 1 (0.0.0.0)", r1, from);
  drain("receiver 2 (0.0.0.0)", r2, from);
  drain("receiver on 127.0.0.1", rl, from);
  drain("receiver on 127.255.255.255", rb, from);

  /* A unicast datagram to the port: one receiver gets it, the one bound to 127.0.0.1 itself (the closest match). */
  struct sockaddr_in uni = broadcastAddr;
  uni.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  show("sendto 127.0.0.1", sendto(sock, "unicast", 7, 0, (struct sockaddr *)&uni, sizeof uni));
  drain("receiver on 127.0.0.1", rl, from);

  /* connect() to the broadcast address: refused without SO_BROADCAST, like sendto; once connected, clearing it
   * stops nothing (Linux checked it when it chose the route, which the connected socket keeps). */
  int c = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  show("connect without SO_BROADCAST", connect(c, (struct sockaddr *)&broadcastAddr, sizeof broadcastAddr));
  setsockopt(c, SOL_SOCKET, SO_BROADCAST, &broadcastPerm, sizeof broadcastPerm);
  show("connect with SO_BROADCAST", connect(c, (struct sockaddr *)&broadcastAddr, sizeof broadcastAddr));
  show("send on it", send(c, "connected", 9, 0));
  broadcastPerm = 0;
  setsockopt(c, SOL_SOCKET, SO_BROADCAST, &broadcastPerm, sizeof broadcastPerm);
  show("send after SO_BROADCAST is cleared", send(c, "cleared", 7, 0));
  len = sizeof me;
  getsockname(c, (struct sockaddr *)&me, &len);
  drain("receiver 1 (0.0.0.0)", r1, me.sin_port);
  drain("receiver 2 (0.0.0.0)", r2, me.sin_port);
  close(c);
  close(sock);
  close(r1);
  close(r2);
  close(rl);
  close(rb);
  return 0;
}
