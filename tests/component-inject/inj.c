/* --inject on a component and on the same program built for preview1: one
 * process talks to itself over loopback (a listener, a client, the accepted
 * socket), then reads stdin. Each step prints its result and errno, and the
 * virtual time a connect took (a delay shows there). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(7000);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  show("bind", bind(l, (struct sockaddr *)&a, sizeof a));
  show("listen", listen(l, 4));
  int c = socket(AF_INET, SOCK_STREAM, 0);
  int r = connect(c, (struct sockaddr *)&a, sizeof a);
  show("connect 1", r);
  if (r == 0) close(accept(l, NULL, NULL)); /* not injected: take that connection off the queue */
  close(c);
  c = socket(AF_INET, SOCK_STREAM, 0);
  long long t0 = now_ms();
  show("connect 2", connect(c, (struct sockaddr *)&a, sizeof a));
  printf("connect 2 took 100 ms or more: %d\n", now_ms() - t0 >= 100);
  int s = accept(l, NULL, NULL);
  printf("accepted: %d\n", s >= 0);
  show("send", send(s, "hello", 5, 0));
  char b[16];
  long n = recv(c, b, sizeof b, 0);
  show("recv 1", n);
  if (n > 0) printf("got %.*s\n", (int)n, b);
  n = recv(c, b, sizeof b, MSG_DONTWAIT);
  show("recv 2", n);
  if (n > 0) printf("got %.*s\n", (int)n, b);
  /* Non-blocking: a short write is one the program can see in either build. */
  show("send 2", send(s, "world", 5, MSG_DONTWAIT));
  n = recv(c, b, sizeof b, 0);
  show("recv 3", n);
  if (n > 0) printf("got %.*s\n", (int)n, b);
  close(s);
  close(c);
  close(l);
  for (int i = 1; i <= 3; i++) {
    char what[16];
    snprintf(what, sizeof what, "read %d", i);
    n = read(0, b, 3);
    show(what, n);
  }
  return 0;
}
