/* UDP_CORK and MSG_MORE (udp(7)): while corked, sends gather into one
 * pending datagram, sent when the cork is taken off (or, for MSG_MORE, by
 * the next send without it). The pending datagram keeps the first send's
 * destination: later sends add to it whatever address they name, and a
 * send() on an unconnected socket is no EDESTADDRREQ. Growing it past the
 * UDP limit is EMSGSIZE and drops it all; closing the socket drops it too.
 * UDP_CORK reads back 0 or 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_CORK
#define UDP_CORK 1
#endif

static char big[65536];

static int bound(struct sockaddr_in *a) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, (struct sockaddr *)a, sizeof *a);
  socklen_t l = sizeof *a;
  getsockname(fd, (struct sockaddr *)a, &l);
  return fd;
}

/* Every datagram queued on fd, without waiting. */
static void drain(int fd, const char *who) {
  for (;;) {
    char b[256];
    errno = 0;
    ssize_t n = recv(fd, b, sizeof b - 1, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      printf("%s: %s\n", who, strerror(errno));
      return;
    }
    b[n < (ssize_t)sizeof b - 1 ? n : (ssize_t)sizeof b - 1] = 0;
    printf("%s: %zd bytes \"%s\"\n", who, n, n > 64 ? "(long)" : b);
  }
}

static void cork(int fd, int on) {
  printf("UDP_CORK %d: %d\n", on, setsockopt(fd, IPPROTO_UDP, UDP_CORK, &on, sizeof on));
  int v = -7;
  socklen_t l = sizeof v;
  getsockopt(fd, IPPROTO_UDP, UDP_CORK, &v, &l);
  printf("  reads %d\n", v);
}

static void sendit(int fd, const void *p, size_t n, int flags, struct sockaddr_in *to, const char *what) {
  errno = 0;
  ssize_t r = to ? sendto(fd, p, n, flags, (struct sockaddr *)to, sizeof *to) : send(fd, p, n, flags);
  printf("send %s: %zd %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in ra, oa;
  int r = bound(&ra), o = bound(&oa);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  cork(s, 5);
  sendit(s, "ab", 2, 0, &ra, "ab");
  sendit(s, "cd", 2, 0, &ra, "cd");
  drain(r, "r while corked");
  cork(s, 0);
  drain(r, "r");
  /* MSG_MORE: the next plain send completes the datagram. */
  sendit(s, "x", 1, MSG_MORE, &ra, "x more");
  sendit(s, "y", 1, MSG_MORE, &oa, "y more, to o");
  drain(r, "r while more");
  sendit(s, "z", 1, 0, &oa, "z, to o");
  drain(r, "r");
  drain(o, "o");
  /* Corked: a send() with no address, on an unconnected socket, adds to the datagram. */
  cork(s, 1);
  sendit(s, "1", 1, 0, &ra, "1");
  sendit(s, "2", 1, 0, NULL, "2 without an address");
  sendit(s, "", 0, 0, NULL, "nothing");
  cork(s, 0);
  drain(r, "r");
  sendit(s, "3", 1, 0, NULL, "3 uncorked without an address");
  /* An empty corked datagram is still one. */
  cork(s, 1);
  sendit(s, "", 0, 0, &ra, "empty");
  cork(s, 0);
  drain(r, "r");
  /* Too big: EMSGSIZE, and what was pending is gone. */
  cork(s, 1);
  sendit(s, big, 65000, 0, &ra, "65000");
  sendit(s, big, 507, 0, &ra, "507");
  sendit(s, big, 1, 0, &ra, "1 more: past 65507");
  sendit(s, "after", 5, 0, &ra, "after");
  cork(s, 0);
  drain(r, "r");
  /* Closing drops the pending datagram. */
  cork(s, 1);
  sendit(s, "lost", 4, 0, &ra, "lost");
  close(s);
  drain(r, "r after close");
  /* A connected socket: UDP_CORK, MSG_MORE together. */
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  connect(c, (struct sockaddr *)&ra, sizeof ra);
  sendit(c, "p", 1, MSG_MORE, NULL, "p more");
  cork(c, 1);
  sendit(c, "q", 1, 0, NULL, "q");
  cork(c, 0);
  drain(r, "r");
  close(c), close(r), close(o);
  return 0;
}
