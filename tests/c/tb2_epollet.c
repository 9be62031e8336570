/* An edge-triggered epoll echo server (the epoll(7) example, and course
 * "event loop" assignments): a non-blocking listener and connections
 * registered with EPOLLET, each event drained until EAGAIN (accept and
 * read both), forked clients that send, read their echo and exit; then
 * what edge triggering means on one pair: one report per arrival, none for
 * data left unread, EPOLLONESHOT until re-armed, EPOLLRDHUP at the peer's
 * shutdown. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 4

static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

static const char *ev(unsigned e, char *b) {
  b[0] = 0;
  if (e & EPOLLIN) strcat(b, "IN|");
  if (e & EPOLLOUT) strcat(b, "OUT|");
  if (e & EPOLLRDHUP) strcat(b, "RDHUP|");
  if (e & EPOLLHUP) strcat(b, "HUP|");
  if (e & EPOLLERR) strcat(b, "ERR|");
  size_t n = strlen(b);
  if (n) b[n - 1] = 0;
  else strcpy(b, "0");
  return b;
}

static int client(struct sockaddr_in *sin, int i) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)sin, sizeof *sin) < 0) return 10;
  /* A message bigger than one read of the server's, so its drain loop goes round. */
  char msg[3000], back[3000];
  for (int k = 0; k < (int)sizeof msg; k++) msg[k] = (char)('a' + (k + i) % 26);
  if (write(s, msg, sizeof msg) != sizeof msg) return 11;
  shutdown(s, SHUT_WR);
  size_t got = 0;
  ssize_t n;
  while ((n = read(s, back + got, sizeof back - got)) > 0) got += n;
  close(s);
  return got == sizeof msg && memcmp(msg, back, sizeof msg) == 0 ? 0 : 12;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  bind(lfd, (struct sockaddr *)&sin, sizeof sin);
  listen(lfd, 16);
  socklen_t len = sizeof sin;
  getsockname(lfd, (struct sockaddr *)&sin, &len);
  nonblock(lfd);

  pid_t pids[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    pids[i] = fork();
    if (pids[i] == 0) _exit(client(&sin, i));
  }

  int ep = epoll_create1(0);
  struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.fd = lfd};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &e);
  int accepted = 0, finished = 0;
  long echoed = 0;
  while (finished < CLIENTS) {
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, 5000);
    if (n <= 0) {
      printf("epoll_wait: %d %s\n", n, n < 0 ? strerror(errno) : "timeout");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == lfd) {
        /* Edge-triggered: accept until EAGAIN, or connections that came together are missed. */
        for (;;) {
          int c = accept(lfd, NULL, NULL);
          if (c < 0) {
            if (errno != EAGAIN) printf("accept: %s\n", strerror(errno));
            break;
          }
          nonblock(c);
          struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
          accepted++;
        }
        continue;
      }
      /* Drain: read until EAGAIN (more later) or 0 (the client's SHUT_WR). */
      char buf[512];
      for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
          /* Loopback's buffers take a 3000-byte echo whole; a short write would be a finding. */
          if (write(fd, buf, r) != r) printf("short echo write\n");
          echoed += r;
          continue;
        }
        if (r == 0) {
          epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
          close(fd);
          finished++;
        } else if (errno != EAGAIN) printf("read: %s\n", strerror(errno));
        break;
      }
    }
  }
  printf("server: accepted %d, echoed %ld bytes, %d clients done\n", accepted, echoed, finished);
  for (int i = 0; i < CLIENTS; i++) {
    int st;
    waitpid(pids[i], &st, 0);
    printf("client %d exited %d\n", i, WEXITSTATUS(st));
  }
  close(lfd);

  /* Edge triggering on one socket pair. */
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int ep2 = epoll_create1(0);
  struct epoll_event pe = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = sv[1]};
  epoll_ctl(ep2, EPOLL_CTL_ADD, sv[1], &pe);
  struct epoll_event out[2];
  char b[16], eb[64];
  printf("nothing yet: %d\n", epoll_wait(ep2, out, 2, 0));
  write(sv[0], "0123456789", 10);
  int n = epoll_wait(ep2, out, 2, 0);
  printf("after a write: %d %s\n", n, n > 0 ? ev(out[0].events, eb) : "");
  read(sv[1], b, 4);
  printf("6 bytes left unread, no new arrival: %d\n", epoll_wait(ep2, out, 2, 0));
  write(sv[0], "ab", 2);
  n = epoll_wait(ep2, out, 2, 0);
  printf("another write: %d %s\n", n, n > 0 ? ev(out[0].events, eb) : "");
  printf("and again nothing: %d\n", epoll_wait(ep2, out, 2, 0));
  /* EPOLL_CTL_MOD re-arms: the data already there is reported again. */
  epoll_ctl(ep2, EPOLL_CTL_MOD, sv[1], &pe);
  n = epoll_wait(ep2, out, 2, 0);
  printf("after EPOLL_CTL_MOD: %d %s\n", n, n > 0 ? ev(out[0].events, eb) : "");
  ssize_t r = read(sv[1], b, sizeof b);
  printf("read %zd\n", r);
  /* EPOLLONESHOT: one report, then nothing until re-armed. */
  pe.events = EPOLLIN | EPOLLONESHOT;
  epoll_ctl(ep2, EPOLL_CTL_MOD, sv[1], &pe);
  write(sv[0], "x", 1);
  printf("oneshot, first: %d\n", epoll_wait(ep2, out, 2, 0));
  write(sv[0], "y", 1);
  printf("oneshot, disarmed: %d\n", epoll_wait(ep2, out, 2, 0));
  pe.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  epoll_ctl(ep2, EPOLL_CTL_MOD, sv[1], &pe);
  n = epoll_wait(ep2, out, 2, 0);
  printf("re-armed: %d %s\n", n, n > 0 ? ev(out[0].events, eb) : "");
  read(sv[1], b, sizeof b);
  shutdown(sv[0], SHUT_WR);
  n = epoll_wait(ep2, out, 2, 0);
  printf("peer SHUT_WR: %d %s\n", n, n > 0 ? ev(out[0].events, eb) : "");
  printf("read at EOF: %zd\n", read(sv[1], b, sizeof b));
  close(sv[0]);
  n = epoll_wait(ep2, out, 2, 0);
  printf("peer closed: %d %s\n", n, n > 0 ? ev(out[0].events, eb) : "");
  close(sv[1]);
  close(ep2);
  close(ep);
  return 0;
}
