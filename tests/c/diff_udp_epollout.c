/* After a UDP (or raw) send, Linux frees the datagram's send-buffer charge
 * once it has left (sock_wfree) and sk_write_space wakes the sender with
 * EPOLLOUT: an edge-triggered EPOLLOUT item reports the socket writable
 * again after every send, even though it never stopped being writable.
 * Level-triggered items see it every time anyway; an item for EPOLLIN alone
 * gets nothing. (The raw socket needs root natively.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int ep;

static void check(const char *what) {
  struct epoll_event ev[4];
  int n = epoll_wait(ep, ev, 4, 0);
  printf("%s: %d", what, n);
  for (int i = 0; i < n; i++) printf(" [fd slot %u events %#x]", ev[i].data.u32, ev[i].events);
  printf("\n");
}

static void add(int fd, unsigned slot, unsigned events) {
  struct epoll_event e = {.events = events, .data.u32 = slot};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

int main(void) {
  ep = epoll_create1(0);
  int rx = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7301), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(rx, (struct sockaddr *)&a, sizeof a);
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  add(tx, 1, EPOLLOUT | EPOLLET);
  check("udp ET, first wait");
  check("udp ET, second wait");
  sendto(tx, "ping", 4, 0, (struct sockaddr *)&a, sizeof a);
  check("udp ET, after a send");
  check("udp ET, again");
  /* Two sends before a wait: one event. */
  sendto(tx, "a", 1, 0, (struct sockaddr *)&a, sizeof a);
  sendto(tx, "b", 1, 0, (struct sockaddr *)&a, sizeof a);
  check("udp ET, after two sends");
  /* A datagram to a port nobody has: still freed, still a wake. */
  struct sockaddr_in none = a;
  none.sin_port = htons(7302);
  sendto(tx, "x", 1, 0, (struct sockaddr *)&none, sizeof none);
  check("udp ET, after a send to a closed port");
  epoll_ctl(ep, EPOLL_CTL_DEL, tx, NULL);

  /* EPOLLIN | EPOLLET on the sender: the EPOLLOUT wake is not for it. */
  add(tx, 2, EPOLLIN | EPOLLET);
  sendto(tx, "c", 1, 0, (struct sockaddr *)&a, sizeof a);
  check("udp EPOLLIN ET, after a send");
  epoll_ctl(ep, EPOLL_CTL_DEL, tx, NULL);

  /* A raw ICMP socket: the same wake after each send. */
  int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  add(raw, 3, EPOLLOUT | EPOLLET);
  check("raw ET, first wait");
  check("raw ET, second wait");
  unsigned char echo[8] = {8, 0, 0xf7, 0xff, 0, 0, 0, 0}; /* echo request, checksum over the header */
  sendto(raw, echo, sizeof echo, 0, (struct sockaddr *)&a, sizeof a);
  check("raw ET, after a send");
  check("raw ET, again");
  char buf[64];
  int got = 0;
  while (recv(rx, buf, sizeof buf, MSG_DONTWAIT) > 0) got++;
  printf("datagrams received: %d\n", got);
  return 0;
}
