// run:
/* UDP on loopback: message boundaries, truncation (plain and with
 * MSG_TRUNC), EMSGSIZE, connect as default destination and source filter,
 * ICMP port unreachable as ECONNREFUSED on a connected socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in bound(int fd) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, (struct sockaddr *)&a, sizeof a);
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return a;
}

int main(void) {
  int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0), o = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ra = bound(r), sa = bound(s), oa = bound(o);
  (void)oa;
  sendto(s, "one", 3, 0, (struct sockaddr *)&ra, sizeof ra);
  sendto(s, "twotwo", 6, 0, (struct sockaddr *)&ra, sizeof ra);
  sendto(s, "", 0, 0, (struct sockaddr *)&ra, sizeof ra);
  char buf[100];
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("first datagram: %zd %.*s from sender: %s\n", n, (int)n, buf, from.sin_port == sa.sin_port ? "yes" : "no");
  n = recv(r, buf, 3, 0);
  printf("second, into 3 bytes: %zd %.*s\n", n, (int)n, buf);
  n = recv(r, buf, sizeof buf, 0);
  printf("empty datagram: %zd\n", n);
  sendto(s, "truncated!", 10, 0, (struct sockaddr *)&ra, sizeof ra);
  n = recv(r, buf, 4, MSG_TRUNC);
  printf("MSG_TRUNC returns the real length: %zd\n", n);
  sendto(s, "peek", 4, 0, (struct sockaddr *)&ra, sizeof ra);
  n = recv(r, buf, sizeof buf, MSG_PEEK);
  printf("peek: %zd\n", n);
  n = recv(r, buf, sizeof buf, 0);
  printf("after peek: %zd %.*s\n", n, (int)n, buf);
  n = recv(r, buf, sizeof buf, MSG_DONTWAIT);
  printf("empty queue with MSG_DONTWAIT: %s\n", n < 0 ? strerror(errno) : "data?");
  char *big = calloc(1, 70000);
  n = sendto(s, big, 65508, 0, (struct sockaddr *)&ra, sizeof ra);
  printf("65508 bytes: %s\n", n < 0 ? strerror(errno) : "sent");
  n = sendto(s, big, 65507, 0, (struct sockaddr *)&ra, sizeof ra);
  printf("65507 bytes: %zd\n", n);
  n = recv(r, big, 70000, 0);
  printf("received big: %zd\n", n);
  n = send(s, "x", 1, 0);
  printf("send unconnected: %s\n", n < 0 ? strerror(errno) : "sent");

  /* connect: default destination, and only datagrams from there arrive */
  connect(r, (struct sockaddr *)&sa, sizeof sa);
  sendto(o, "from other", 10, 0, (struct sockaddr *)&ra, sizeof ra);
  sendto(s, "from peer", 9, 0, (struct sockaddr *)&ra, sizeof ra);
  n = recv(r, buf, sizeof buf, 0);
  printf("connected socket got: %.*s\n", (int)n, buf);
  n = recv(r, buf, sizeof buf, MSG_DONTWAIT);
  printf("nothing else: %s\n", n < 0 ? strerror(errno) : "unexpected datagram");
  n = send(r, "reply", 5, 0);
  n = recv(s, buf, sizeof buf, 0);
  printf("send without address reached: %.*s\n", (int)n, buf);

  /* a closed port answers with ICMP port unreachable */
  struct sockaddr_in dead = oa;
  close(o);
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  connect(c, (struct sockaddr *)&dead, sizeof dead);
  n = send(c, "anyone?", 7, 0);
  printf("first send to closed port: %zd\n", n);
  n = recv(c, buf, sizeof buf, 0);
  printf("then recv: %s\n", n < 0 ? strerror(errno) : "data?");
  struct sockaddr_in bcast = ra;
  bcast.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  n = sendto(s, "b", 1, 0, (struct sockaddr *)&bcast, sizeof bcast);
  printf("broadcast without SO_BROADCAST: %s\n", n < 0 ? strerror(errno) : "sent");
  return 0;
}
