/* An epoll TCP echo server: one process, one thread, non-blocking sockets.
 * The listener and every connection sit in one epoll instance, all
 * edge-triggered (EPOLLET), so each wake-up drains what arrived: accept
 * until EAGAIN, read until EAGAIN. Echoes go back at once; whatever the peer
 * cannot take yet is kept and sent when EPOLLOUT reports room. A peer that
 * shuts down its side (EPOLLRDHUP, or read returning 0) is closed, and
 * closing the fd takes it out of the interest list. A timerfd prints a
 * once-a-second status line, and an eventfd would let another thread wake
 * the loop (here: the loop wakes itself once it has served CLIENTS).
 * usage: epoll_echo_server PORT [CLIENTS]: with CLIENTS, exit after serving
 * that many; without, serve forever. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_EVENTS 64

struct conn {
  int fd;
  char pending[4096]; /* echo bytes the peer could not take yet */
  size_t npending;
};

static int ep, listener, tick, quit;
static long served, open_conns, limit = -1;

static void watch(int fd, uint32_t events, void *ptr, int op) {
  struct epoll_event ev = {.events = events, .data.ptr = ptr};
  if (epoll_ctl(ep, op, fd, &ev) < 0) { perror("epoll_ctl"); exit(1); }
}

static void finish(struct conn *c) {
  close(c->fd); /* the last reference: epoll forgets it */
  free(c);
  open_conns--;
  if (++served == limit) eventfd_write(quit, 1);
}

/* Sends what is pending; returns -1 when the connection is gone. */
static int flush(struct conn *c) {
  while (c->npending) {
    ssize_t n = write(c->fd, c->pending, c->npending);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    memmove(c->pending, c->pending + n, c->npending - n);
    c->npending -= n;
  }
  return 0;
}

static void serve(struct conn *c, uint32_t events) {
  if (events & (EPOLLERR | EPOLLHUP)) { finish(c); return; }
  if ((events & EPOLLOUT) && flush(c) < 0) { finish(c); return; }
  if (!(events & (EPOLLIN | EPOLLRDHUP))) return;
  for (;;) {
    if (c->npending == sizeof c->pending) return; /* wait for EPOLLOUT before reading more */
    ssize_t n = read(c->fd, c->pending + c->npending, sizeof c->pending - c->npending);
    if (n > 0) {
      c->npending += n;
      if (flush(c) < 0) { finish(c); return; }
      continue;
    }
    if (n < 0 && errno == EAGAIN) return;
    /* 0: the peer shut down its side; the echo is out (or lost with an error). */
    printf("connection %ld: peer done\n", served + 1);
    finish(c);
    return;
  }
}

static void accept_all(void) {
  for (;;) {
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno != EAGAIN) perror("accept4");
      return;
    }
    struct conn *c = calloc(1, sizeof *c);
    c->fd = fd;
    open_conns++;
    watch(fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, c, EPOLL_CTL_ADD);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s PORT [CLIENTS]\n", argv[0]); return 2; }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 2) limit = atol(argv[2]);
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(listener, 128) < 0) { perror("bind/listen"); return 1; }

  ep = epoll_create1(EPOLL_CLOEXEC);
  tick = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  quit = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct itimerspec every_second = {{1, 0}, {1, 0}};
  timerfd_settime(tick, 0, &every_second, NULL);
  watch(listener, EPOLLIN | EPOLLET, &listener, EPOLL_CTL_ADD);
  watch(tick, EPOLLIN, &tick, EPOLL_CTL_ADD);
  watch(quit, EPOLLIN, &quit, EPOLL_CTL_ADD);
  printf("listening on port %s\n", argv[1]);

  for (;;) {
    struct epoll_event evs[MAX_EVENTS];
    int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
    if (n < 0) { perror("epoll_wait"); return 1; }
    for (int i = 0; i < n; i++) {
      void *p = evs[i].data.ptr;
      if (p == &listener) accept_all();
      else if (p == &tick) {
        uint64_t expirations;
        read(tick, &expirations, sizeof expirations);
        printf("status: %ld served, %ld open\n", served, open_conns);
      } else if (p == &quit) {
        printf("served %ld clients, exiting\n", served);
        return 0;
      } else serve(p, evs[i].events);
    }
  }
}
