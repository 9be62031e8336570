/* Traffic for pkt_sniffer on lo, all from fixed ports: a UDP datagram to a
 * server on 127.0.0.1:9001 (from 9002) and its reply, then a TCP connection
 * from 9003 to 9000: "hello", its echo, and a close from each side. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in at(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int main(void) {
  int one = 1;
  char buf[64];
  struct sockaddr_in srv = at(9001), cli = at(9002), lst = at(9000), tc = at(9003);
  int us = socket(AF_INET, SOCK_DGRAM, 0), uc = socket(AF_INET, SOCK_DGRAM, 0);
  bind(us, (struct sockaddr *)&srv, sizeof srv);
  bind(uc, (struct sockaddr *)&cli, sizeof cli);
  sendto(uc, "ping", 4, 0, (struct sockaddr *)&srv, sizeof srv);
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(us, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  sendto(us, "pong!", 5, 0, (struct sockaddr *)&from, fl);
  n = recv(uc, buf, sizeof buf, 0);
  printf("udp: %zd\n", n);

  int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(l, (struct sockaddr *)&lst, sizeof lst);
  listen(l, 1);
  bind(c, (struct sockaddr *)&tc, sizeof tc);
  if (connect(c, (struct sockaddr *)&lst, sizeof lst) < 0) perror("connect");
  int a = accept(l, NULL, NULL);
  send(c, "hello", 5, 0);
  n = recv(a, buf, sizeof buf, 0);
  send(a, buf, n, 0);
  n = recv(c, buf, sizeof buf, 0);
  printf("tcp: %zd\n", n);
  close(c);
  n = recv(a, buf, sizeof buf, 0);
  close(a);
  close(l);
  printf("tcp: eof %zd\n", n);
  return 0;
}
