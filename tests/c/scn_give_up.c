// A connection whose link goes away for good: Linux retransmits the unacked
// segment (RTO doubling, capped at 120 s) and drops the connection with
// ETIMEDOUT once tcp_retries2's time has passed (tcp_write_timeout), without
// sending a RST. The peer hears nothing.
//   scn_give_up server PORT | scn_give_up client HOST PORT
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void result(const char *what, ssize_t r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %zd\n", what, r);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  if (argc == 3 && !strcmp(argv[1], "server")) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 1);
    int c = accept(l, NULL, NULL);
    char b[16];
    result("server: first read", read(c, b, sizeof b));
    // Nothing more gets here, not even a RST: poll times out.
    struct pollfd p = {.fd = c, .events = POLLIN};
    result("server: poll for 2000 s", poll(&p, 1, 2000 * 1000));
    return 0;
  }
  if (argc != 4 || strcmp(argv[1], "client")) return 2;
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
  if (getaddrinfo(argv[2], argv[3], &hints, &ai)) return 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, ai->ai_addr, ai->ai_addrlen)) return perror("connect"), 1;
  result("client: send a", send(s, "a", 1, 0));
  // The link goes away at 1 s (the scenario's partition).
  sleep(2);
  double t0 = now();
  result("client: send b", send(s, "b", 1, 0));
  struct pollfd p = {.fd = s, .events = POLLIN | POLLRDHUP};
  result("client: poll", poll(&p, 1, -1));
  printf("client: revents %#x after %.1f s\n", p.revents, now() - t0);
  int err = -1;
  socklen_t len = sizeof err;
  char b[16];
  result("client: recv", recv(s, b, sizeof b, 0));
  result("client: recv again", recv(s, b, sizeof b, 0));
  result("client: send c", send(s, "c", 1, 0));
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
  printf("client: SO_ERROR %d\n", err);
  p.events = POLLIN | POLLOUT | POLLRDHUP;
  poll(&p, 1, 0);
  printf("client: revents now %#x\n", p.revents);
  return 0;
}
