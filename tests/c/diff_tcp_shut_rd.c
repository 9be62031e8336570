/* shutdown(SHUT_RD) as Linux does it. TCP: what is queued can still be read,
 * then reads return 0 instead of waiting; data arriving afterwards is still
 * taken (and readable), poll says POLLIN|POLLRDHUP, writing still works.
 * UDP: on an unconnected socket the call says ENOTCONN but the shutdown
 * holds: queued and later datagrams are read, then a recv that may wait returns 0 while MSG_DONTWAIT still says EAGAIN. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define R(what, call) do { errno = 0; long r_ = (call); printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(errno) : "ok"); } while (0)

static void show_poll(int fd, const char *what) {
  struct pollfd pf = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  poll(&pf, 1, 0);
  printf("%s: poll%s%s%s%s\n", what, pf.revents & POLLIN ? " POLLIN" : "", pf.revents & POLLOUT ? " POLLOUT" : "",
         pf.revents & POLLRDHUP ? " POLLRDHUP" : "", pf.revents & POLLHUP ? " POLLHUP" : "");
}

int main(void) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(47021);
  char b[100];
  int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(l, NULL, NULL);
  show_poll(s, "idle");
  R("write before", write(c, "before", 6));
  usleep(10000);
  R("shutdown(SHUT_RD)", shutdown(s, SHUT_RD));
  show_poll(s, "after SHUT_RD");
  R("read 3", read(s, b, 3));
  R("read", read(s, b, sizeof b));
  R("read when drained (no wait)", read(s, b, sizeof b));
  R("peer writes after", write(c, "after", 5));
  usleep(10000);
  R("read", read(s, b, sizeof b));
  R("recv MSG_DONTWAIT", recv(s, b, sizeof b, MSG_DONTWAIT));
  R("write still works", write(s, "pong", 4));
  R("peer reads", read(c, b, sizeof b));
  R("shutdown(SHUT_RD) again", shutdown(s, SHUT_RD));
  R("shutdown(SHUT_WR)", shutdown(s, SHUT_WR));
  usleep(10000);
  R("peer reads EOF", read(c, b, sizeof b));
  show_poll(s, "both shut");
  close(s);
  close(c);

  int u = socket(AF_INET, SOCK_DGRAM, 0);
  a.sin_port = htons(47022);
  bind(u, (struct sockaddr *)&a, sizeof a);
  int v = socket(AF_INET, SOCK_DGRAM, 0);
  R("sendto", sendto(v, "q1", 2, 0, (struct sockaddr *)&a, sizeof a));
  usleep(10000);
  R("udp shutdown(SHUT_RD), unconnected", shutdown(u, SHUT_RD));
  show_poll(u, "udp after SHUT_RD");
  R("udp recv", recv(u, b, sizeof b, MSG_DONTWAIT));
  R("sendto after", sendto(v, "q2", 2, 0, (struct sockaddr *)&a, sizeof a));
  usleep(10000);
  R("udp recv", recv(u, b, sizeof b, MSG_DONTWAIT));
  R("udp recv MSG_DONTWAIT, nothing queued", recv(u, b, sizeof b, MSG_DONTWAIT));
  R("udp recv, blocking, nothing queued", recv(u, b, sizeof b, 0));
  R("udp send still works", sendto(u, "r", 1, 0, (struct sockaddr *)&a, sizeof a));
  return 0;
}
