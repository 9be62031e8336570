/* A zero-timeout epoll_wait right after a loopback send: on Linux the data is
 * in the receiver's queue when send() returns, so the call reports it at once
 * (a program that polls with timeout 0 between other work relies on that).
 * TCP: a connected pair, one byte each way; UDP: a datagram to a bound socket.
 * usage: real_epoll0 TCPPORT UDPPORT   (on 127.0.0.1) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int ready(int fd) {
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd }, out[2];
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("epoll"); exit(1); }
  int n = epoll_wait(ep, out, 2, 0);
  close(ep);
  return n == 1 && out[0].data.fd == fd && (out[0].events & EPOLLIN) ? 1 : n;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 5000;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0) { perror("listen"); return 1; }
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  int s = accept(l, NULL, NULL);
  char b;
  printf("tcp before send: %d\n", ready(s));
  send(c, "x", 1, 0);
  printf("tcp after send: %d\n", ready(s));
  recv(s, &b, 1, 0);
  send(s, "y", 1, 0);
  printf("tcp reply: %d\n", ready(c));
  int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
  a.sin_port = htons(argc > 2 ? atoi(argv[2]) : port + 1);
  if (bind(u, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
  printf("udp before send: %d\n", ready(u));
  sendto(v, "z", 1, 0, (struct sockaddr *)&a, sizeof a);
  printf("udp after send: %d\n", ready(u));
  return 0;
}
