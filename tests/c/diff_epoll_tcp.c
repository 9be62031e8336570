// Level- and edge-triggered epoll on a TCP listener and its connections,
// as Linux reports them: the listener readable while a connection waits;
// an idle connection writable; EPOLLET reporting again only after a new
// arrival; EPOLLONESHOT disarmed until EPOLL_CTL_MOD; a half-closed peer as
// EPOLLIN|EPOLLRDHUP; a reset as EPOLLERR|EPOLLHUP.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static const char *names(uint32_t e) {
  static char buf[256];
  static const struct { uint32_t bit; const char *name; } t[] = {
    {EPOLLIN, "IN"}, {EPOLLPRI, "PRI"}, {EPOLLOUT, "OUT"}, {EPOLLERR, "ERR"}, {EPOLLHUP, "HUP"},
    {EPOLLRDNORM, "RDNORM"}, {EPOLLWRNORM, "WRNORM"}, {EPOLLRDHUP, "RDHUP"},
  };
  buf[0] = 0;
  for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++)
    if (e & t[i].bit) { if (buf[0]) strcat(buf, "|"); strcat(buf, t[i].name); }
  if (!buf[0]) strcpy(buf, "0");
  return buf;
}

static const char *who[64];

static void wait_show(int ep, const char *label, int timeout) {
  struct epoll_event evs[8];
  int n = epoll_wait(ep, evs, 8, timeout);
  printf("%s: %d", label, n);
  if (n < 0) printf(" (%s)", strerror(errno));
  for (int i = 0; i < n; i++) printf(" [%s %s]", who[evs[i].data.fd] ? who[evs[i].data.fd] : "?", names(evs[i].events));
  printf("\n");
}

static int ctl(int ep, int op, int fd, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.fd = fd};
  int r = epoll_ctl(ep, op, fd, &ev);
  if (r < 0) printf("epoll_ctl(%d): %s\n", op, strerror(errno));
  return r;
}

static int dial(struct sockaddr_in *a) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr *)a, sizeof *a) < 0) perror("connect");
  return c;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 8);
  getsockname(l, (struct sockaddr *)&a, &al);
  who[l] = "listener";

  int ep = epoll_create1(0);
  ctl(ep, EPOLL_CTL_ADD, l, EPOLLIN);
  wait_show(ep, "idle listener", 0);
  int c1 = dial(&a);
  who[c1] = "c1";
  wait_show(ep, "connection queued", 100);
  wait_show(ep, "still queued (level)", 0);
  int s1 = accept(l, NULL, NULL);
  who[s1] = "s1";
  wait_show(ep, "accepted", 0);

  ctl(ep, EPOLL_CTL_ADD, s1, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
  wait_show(ep, "idle connection", 0);

  // Edge-triggered: one report per arrival.
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN | EPOLLRDHUP | EPOLLET);
  wait_show(ep, "ET nothing arrived", 0);
  write(c1, "hello", 5);
  wait_show(ep, "ET hello arrived", 100);
  char buf[64];
  printf("read %zd\n", read(s1, buf, 2));
  wait_show(ep, "ET after partial read", 0);
  write(c1, "world", 5);
  wait_show(ep, "ET world arrived", 100);
  printf("read %zd\n", read(s1, buf, sizeof buf));
  wait_show(ep, "ET drained", 0);

  // Edge-triggered with EPOLLOUT: writable once, not again after our own writes.
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN | EPOLLOUT | EPOLLET);
  wait_show(ep, "ET|OUT armed", 0);
  wait_show(ep, "ET|OUT again", 0);
  write(s1, "pong", 4);
  wait_show(ep, "ET|OUT after own write", 50);
  printf("c1 read %zd\n", read(c1, buf, sizeof buf));

  // One-shot: disarmed after one report until MOD.
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN | EPOLLONESHOT);
  write(c1, "a", 1);
  wait_show(ep, "ONESHOT first", 100);
  write(c1, "b", 1);
  wait_show(ep, "ONESHOT disarmed", 50);
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN | EPOLLONESHOT);
  wait_show(ep, "ONESHOT re-armed", 0);
  printf("read %zd\n", read(s1, buf, sizeof buf));

  // Half-closed peer: EPOLLIN|EPOLLRDHUP, then EOF.
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
  shutdown(c1, SHUT_WR);
  wait_show(ep, "peer shut down writing", 100);
  printf("read %zd\n", read(s1, buf, sizeof buf));
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN);
  wait_show(ep, "without RDHUP asked", 0);
  shutdown(s1, SHUT_WR);
  ctl(ep, EPOLL_CTL_MOD, s1, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
  wait_show(ep, "both directions shut", 100);
  ctl(ep, EPOLL_CTL_DEL, s1, 0);
  close(s1);
  close(c1);

  // Reset: the peer closes with unread data.
  int c2 = dial(&a);
  who[c2] = "c2";
  wait_show(ep, "second connection", 100);
  int s2 = accept(l, NULL, NULL);
  who[s2] = "s2";
  ctl(ep, EPOLL_CTL_ADD, s2, EPOLLIN | EPOLLRDHUP);
  write(s2, "unread", 6);
  usleep(0);
  wait_show(ep, "s2 idle", 50);
  close(c2);
  wait_show(ep, "peer reset", 100);
  ssize_t rn = read(s2, buf, sizeof buf);
  printf("read: %zd %s\n", rn, rn < 0 ? strerror(errno) : "");
  wait_show(ep, "after the error was read", 0);
  close(s2);

  // An edge-triggered listener: each new connection is an arrival.
  int ep2 = epoll_create1(0);
  ctl(ep2, EPOLL_CTL_ADD, l, EPOLLIN | EPOLLET);
  int c3 = dial(&a);
  wait_show(ep2, "ET listener first", 100);
  wait_show(ep2, "ET listener again", 0);
  int c4 = dial(&a);
  wait_show(ep2, "ET listener second", 100);
  close(c3);
  close(c4);
  return 0;
}
