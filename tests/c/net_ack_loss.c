/* A sender's buffer frees when an ACK reaches it, not when its data reaches
 * the peer (Linux's tcp_clean_rtx_queue). The test's link (1 ms each way,
 * RTO 202 ms) is cut for 0.5-100 ms after each phase starts, so the data
 * or FIN sent at the phase's start arrives but its ACK is lost; the
 * retransmission at +202 ms is acknowledged at +204 ms.
 *   net_ack_loss server PORT | net_ack_loss client HOST PORT
 * Client, at 1 s: fills its buffer, poll(POLLOUT) stays quiet and SIOCOUTQ
 * full while the server has read it all, POLLOUT at 1.204 s. At 1.5 s: a
 * blocking send on a full buffer returns at 1.704 s. At 2 s: "A", its ACK
 * lost; "B" at 2.05 s, whose ACK (2.052 s) covers A too. At 3 s:
 * shutdown(SHUT_WR), SIOCOUTQ counts the FIN, a close() with SO_LINGER
 * returns at 3.204 s. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

static double ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Sleeps until `at` ms of the run. */
static void until(double at) {
  double d = at - ms();
  if (d <= 0) return;
  struct timespec t = {.tv_sec = (time_t)(d / 1e3), .tv_nsec = (long)((d - (time_t)(d / 1e3) * 1e3) * 1e6)};
  nanosleep(&t, NULL);
}

static int outq(int s) {
  int n = -1;
  if (ioctl(s, SIOCOUTQ, &n) < 0) return -errno;
  return n;
}

static char big[1 << 20];

/* Sends without blocking until the buffer is full: the bytes taken. */
static long fill(int s) {
  long total = 0;
  for (;;) {
    ssize_t r = send(s, big, sizeof big, MSG_DONTWAIT);
    if (r < 0) {
      if (errno != EAGAIN) printf("client: send: %s\n", strerror(errno));
      return total;
    }
    total += r;
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 3 && !strcmp(argv[1], "server")) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 1);
    int c = accept(l, NULL, NULL);
    ssize_t r;
    while ((r = read(c, big, sizeof big)) > 0) printf("server: read %zd at %.1f ms\n", r, ms());
    printf("server: EOF at %.1f ms\n", ms());
    // Its own FIN waits until the client's phases are over.
    sleep(1);
    close(c);
    return 0;
  }
  if (argc != 4 || strcmp(argv[1], "client")) return 2;
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
  if (getaddrinfo(argv[2], argv[3], &hints, &ai)) return 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, ai->ai_addr, ai->ai_addrlen)) return perror("connect"), 1;

  until(1000);
  long n = fill(s);
  printf("client: filled %ld at %.1f ms, SIOCOUTQ %d\n", n, ms(), outq(s));
  struct pollfd p = {.fd = s, .events = POLLOUT};
  int r = poll(&p, 1, 100);
  printf("client: poll 100 ms: %d at %.1f ms, SIOCOUTQ %d\n", r, ms(), outq(s));
  r = poll(&p, 1, -1);
  printf("client: poll: %d revents %#x at %.1f ms, SIOCOUTQ %d\n", r, p.revents, ms(), outq(s));

  until(1500);
  n = fill(s);
  printf("client: filled %ld at %.1f ms\n", n, ms());
  ssize_t w = send(s, "x", 1, 0);
  printf("client: blocking send: %zd at %.1f ms, SIOCOUTQ %d\n", w, ms(), outq(s));

  until(2000);
  send(s, "A", 1, 0);
  until(2030);
  printf("client: A unacknowledged: SIOCOUTQ %d at %.1f ms\n", outq(s), ms());
  until(2050);
  send(s, "B", 1, 0);
  until(2060);
  printf("client: B's ACK covers A: SIOCOUTQ %d at %.1f ms\n", outq(s), ms());

  until(3000);
  struct linger lg = {.l_onoff = 1, .l_linger = 5};
  setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  shutdown(s, SHUT_WR);
  until(3050);
  printf("client: FIN unacknowledged: SIOCOUTQ %d at %.1f ms\n", outq(s), ms());
  r = close(s);
  printf("client: close: %d at %.1f ms\n", r, ms());
  return 0;
}
