/* Edge-triggered epoll counts the wakes whose key matches: Linux passes
 * the poll bits of each wake (POLLIN for an arrival, POLLOUT for write
 * space, none for a state change such as a FIN or a reset) and
 * ep_poll_callback ignores a wake that misses an item's events. So an
 * EPOLLIN|EPOLLET item on a socket with unread data gets no new event
 * when the ACK of its own send arrives or when its peer reads, and one
 * for each new arrival; an EPOLLOUT|EPOLLET item on an AF_UNIX writer gets
 * one each time the reader frees an skb while the writer is writable. */
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
    {EPOLLIN, "IN"}, {EPOLLPRI, "PRI"}, {EPOLLOUT, "OUT"}, {EPOLLERR, "ERR"}, {EPOLLHUP, "HUP"}, {EPOLLRDHUP, "RDHUP"},
  };
  buf[0] = 0;
  for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++)
    if (e & t[i].bit) { if (buf[0]) strcat(buf, "|"); strcat(buf, t[i].name); }
  if (!buf[0]) strcpy(buf, "0");
  return buf;
}

/* One epoll instance per watch, so each line says what that item saw. */
static int watch(int fd, uint32_t events) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = events | EPOLLET, .data.fd = fd};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  return ep;
}

static int count(int ep, const char *label) {
  struct epoll_event evs[4];
  int n = epoll_wait(ep, evs, 4, 0);
  printf("  %s: %d", label, n);
  for (int i = 0; i < n; i++) printf(" [%s]", names(evs[i].events));
  printf("\n");
  return n;
}

static void settle(void) { usleep(20000); }

int main(void) {
  char b[8192];
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  socklen_t al = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &al);
  listen(l, 1);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  int s = accept(l, NULL, NULL);
  settle();
  int cin = watch(c, EPOLLIN), cio = watch(c, EPOLLIN | EPOLLOUT), sin = watch(s, EPOLLIN);
  printf("tcp, registered:\n");
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  count(sin, "server IN");

  printf("server sends 1 byte:\n");
  write(s, "x", 1);
  settle();
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  printf("client (its byte unread) sends 1 byte, the ACK comes back:\n");
  write(c, "a", 1);
  settle();
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  count(sin, "server IN");
  printf("server reads it:\n");
  read(s, b, sizeof b);
  settle();
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  count(sin, "server IN");
  printf("server sends again (client still has unread data):\n");
  write(s, "y", 1);
  settle();
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  printf("client reads all, server shuts down writing:\n");
  read(c, b, sizeof b);
  shutdown(s, SHUT_WR);
  settle();
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  count(sin, "server IN");
  printf("client sends to the half-closed server:\n");
  write(c, "b", 1);
  settle();
  count(cin, "client IN");
  count(sin, "server IN");
  printf("server closes with the byte unread (reset):\n");
  close(s);
  settle();
  count(cin, "client IN");
  count(cio, "client IN|OUT");
  close(c);

  /* AF_UNIX stream: the writer's OUT item sees the reader free skbs. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  write(sv[1], "z", 1);
  int wout = watch(sv[0], EPOLLOUT), win = watch(sv[0], EPOLLIN);
  printf("unix, registered (the writer has 1 unread byte):\n");
  count(wout, "writer OUT");
  count(win, "writer IN");
  int chunks = 0;
  while (write(sv[0], b, 4096) > 0) chunks++;
  printf("writer filled %d x 4096 bytes:\n", chunks);
  count(wout, "writer OUT");
  int events = 0, first = -1;
  for (int i = 0; i < chunks; i++) {
    read(sv[1], b, 4096);
    int n = count(wout, "writer OUT after a read");
    if (n && first < 0) first = i + 1;
    events += n;
  }
  printf("writer OUT events over %d reads: %d, first after read %d\n", chunks, events, first);
  count(win, "writer IN");
  write(sv[1], "w", 1);
  count(win, "writer IN, a new byte");
  count(wout, "writer OUT, a new byte");

  /* UDP: every datagram is an arrival. */
  int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
  bind(u, (struct sockaddr *)&a, sizeof a);
  int uin = watch(u, EPOLLIN), vio = watch(v, EPOLLIN | EPOLLOUT);
  printf("udp:\n");
  count(vio, "sender IN|OUT");
  sendto(v, "1", 1, 0, (struct sockaddr *)&a, sizeof a);
  sendto(v, "2", 1, 0, (struct sockaddr *)&a, sizeof a);
  settle();
  count(uin, "receiver IN after two datagrams");
  sendto(v, "3", 1, 0, (struct sockaddr *)&a, sizeof a);
  settle();
  count(uin, "receiver IN after a third");
  recv(u, b, sizeof b, 0);
  count(uin, "receiver IN after a read");
  return 0;
}
